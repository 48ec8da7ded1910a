package api

import (
	"time"
)

// zone is a rough box of a country whose box overlaps no neighbour with
// another time zone or other holidays: enough to evaluate the hours of
// places there right on a server whose --tz and --country name another
// country. Every other place takes --tz and --country (an instance serves
// one region, whose zone the operator sets). Config.NoZoneTable switches
// the table off.
type zone struct {
	name                           string // IANA time zone
	country                        string // for public holidays
	minLon, minLat, maxLon, maxLat float64
}

var zoneTable = []zone{
	{"Europe/Monaco", "MC", 7.40, 43.72, 7.44, 43.76},
	{"Europe/Vaduz", "LI", 9.47, 47.04, 9.64, 47.28},
	{"Europe/Andorra", "AD", 1.40, 42.42, 1.79, 42.66},
	{"Europe/Helsinki", "FI", 20.5, 59.7, 31.6, 70.1},
	{"America/New_York", "US", -80.6, 38.4, -71.8, 45.1},
}

// zones resolves the table's time zones once; a zone the system lacks is
// dropped (the server default applies there).
type zones struct {
	list []resolvedZone
	def  hoursCtx
}

type resolvedZone struct {
	zone
	loc *time.Location
}

func newZones(def *time.Location, country string) *zones {
	z := &zones{def: hoursCtx{loc: def, country: country}}
	for _, e := range zoneTable {
		if loc, err := time.LoadLocation(e.name); err == nil {
			z.list = append(z.list, resolvedZone{e, loc})
		}
	}
	return z
}

// at returns the evaluation context of a place at lon, lat.
func (z *zones) at(lon, lat float64) hoursCtx {
	for _, e := range z.list {
		if lon >= e.minLon && lon <= e.maxLon && lat >= e.minLat && lat <= e.maxLat {
			return hoursCtx{loc: e.loc, country: e.country, lat: lat, lon: lon}
		}
	}
	hc := z.def
	hc.lat, hc.lon = lat, lon
	return hc
}
