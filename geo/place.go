package geo

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// ElementType is the type of an OSM element that can be a place.
type ElementType string

// The OSM element types.
const (
	Node     ElementType = "node"
	Way      ElementType = "way"
	Relation ElementType = "relation"
)

// Valid reports whether t is one of node, way or relation.
func (t ElementType) Valid() bool { return t == Node || t == Way || t == Relation }

// PlaceID is the identity of a place: the OSM element type and id.
type PlaceID struct {
	Type ElementType
	ID   int64
}

// String returns the OSM form "node/123".
func (id PlaceID) String() string { return string(id.Type) + "/" + strconv.FormatInt(id.ID, 10) }

// ErrBadPlaceID is returned by ParsePlaceID for anything but "type/positive-id".
var ErrBadPlaceID = errors.New("bad place id")

// ParsePlaceID reads "node/123", "way/45" or "relation/6" (also "n123",
// "w45", "r6", the short forms OSM tools print).
func ParsePlaceID(s string) (PlaceID, error) {
	typ, num, ok := strings.Cut(s, "/")
	if !ok && len(s) > 1 {
		switch s[0] {
		case 'n':
			typ, num, ok = "node", s[1:], true
		case 'w':
			typ, num, ok = "way", s[1:], true
		case 'r':
			typ, num, ok = "relation", s[1:], true
		}
	}
	if !ok {
		return PlaceID{}, fmt.Errorf("%w %q: want type/id such as node/123", ErrBadPlaceID, s)
	}
	return NewPlaceID(typ, num)
}

// NewPlaceID checks a type and a decimal id given apart, as in a URL path.
func NewPlaceID(typ, num string) (PlaceID, error) {
	t := ElementType(typ)
	if !t.Valid() {
		return PlaceID{}, fmt.Errorf("%w: type %q is not node, way or relation", ErrBadPlaceID, typ)
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 {
		return PlaceID{}, fmt.Errorf("%w: id %q is not a positive integer", ErrBadPlaceID, num)
	}
	return PlaceID{Type: t, ID: id}, nil
}

// PlaceState says whether a place is still in OSM.
type PlaceState string

// The place states. A place deleted from OSM (or no longer tagged as
// something that opens) is Gone, never dropped, since reports may point to it.
const (
	Active PlaceState = "active"
	Gone   PlaceState = "gone"
)

// Address is the postal address of a place, from its addr:* tags.
type Address struct {
	HouseNumber string `json:"housenumber,omitempty"`
	Street      string `json:"street,omitempty"`
	Postcode    string `json:"postcode,omitempty"`
	City        string `json:"city,omitempty"`
}

// AddressFromTags reads addr:housenumber, addr:street (or addr:place),
// addr:postcode and addr:city.
func AddressFromTags(tags map[string]string) Address {
	street := tags["addr:street"]
	if street == "" {
		street = tags["addr:place"]
	}
	return Address{
		HouseNumber: tags["addr:housenumber"],
		Street:      street,
		Postcode:    tags["addr:postcode"],
		City:        tags["addr:city"],
	}
}

// String formats the address on one line, as in France: "12 rue X, 75001 Paris".
func (a Address) String() string {
	line1 := strings.TrimSpace(a.HouseNumber + " " + a.Street)
	line2 := strings.TrimSpace(a.Postcode + " " + a.City)
	switch {
	case line1 == "":
		return line2
	case line2 == "":
		return line1
	}
	return line1 + ", " + line2
}

// Place is an OSM element that can be open or closed.
type Place struct {
	ID        PlaceID
	Version   int
	Timestamp time.Time // last edit in OSM; zero when the extract has no metadata
	Name      string
	// Category and Subcategory are ids in the category table.
	Category     string
	Subcategory  string
	Address      Address
	OpeningHours string // the raw OSM opening_hours value
	Tags         map[string]string
	Location     orb.Point // (lon, lat); for areas a point inside the area
	Source       string    // the import source the place came from
	State        PlaceState
}
