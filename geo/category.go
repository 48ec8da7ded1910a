package geo

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

//go:embed categories.json
var defaultCategories []byte

// Label is a text in French and English.
type Label struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

// In returns the label in lang ("fr" or "en"); English for anything else.
func (l Label) In(lang string) string {
	if lang == "fr" && l.FR != "" {
		return l.FR
	}
	return l.EN
}

// Subcategory is one kind of place, such as a bakery, with the OSM tags that
// make an element one.
type Subcategory struct {
	ID    string   `json:"id"`
	Label Label    `json:"label"`
	Match []string `json:"match"` // "key=value", "key=*", or conditions joined by "+"
}

// Category is a top-level group of subcategories, such as food or health.
type Category struct {
	ID            string        `json:"id"`
	Label         Label         `json:"label"`
	Subcategories []Subcategory `json:"subcategories"`
}

// Categories is the table that maps OSM tags to categories. It is data: the
// default is embedded, and an instance can load its own with ReadCategories.
// A Categories value is read-only after it is made and safe for concurrent use.
type Categories struct {
	List []Category `json:"categories"`
	// Keys are the tag keys that can make a place; Classify looks at no other.
	Keys []string `json:"keys"`
	// LifecyclePrefixes such as "disused" mark tags of a place that is no
	// longer what the tag says (disused:shop=bakery).
	LifecyclePrefixes []string `json:"lifecycle_prefixes"`
	// Exclude lists "key=value" pairs that are never places (shop=vacant).
	Exclude []string `json:"exclude"`

	rules   []rule
	exclude map[string]bool
	byID    map[string]*Category
	subByID map[string]*Subcategory
}

// rule is one compiled match of the table.
type rule struct {
	conds    [][2]string // key, value ("*" for any)
	wildcard int
	order    int
	cat, sub string
}

// DefaultCategories returns the embedded table (9 categories, over 100
// subcategories, French and English labels).
func DefaultCategories() *Categories {
	c, err := parseCategories(strings.NewReader(string(defaultCategories)))
	if err != nil {
		panic("geo: embedded categories.json is invalid: " + err.Error())
	}
	return c
}

// ReadCategories reads a table in the format of the embedded categories.json.
func ReadCategories(r io.Reader) (*Categories, error) { return parseCategories(r) }

func parseCategories(r io.Reader) (*Categories, error) {
	var c Categories
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&struct {
		Attribution string `json:"attribution"`
		*Categories
	}{Categories: &c}); err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	if len(c.List) == 0 {
		return nil, fmt.Errorf("categories: the table has no category")
	}
	if len(c.Keys) == 0 {
		return nil, fmt.Errorf("categories: \"keys\" is empty")
	}
	keys := map[string]bool{}
	for _, k := range c.Keys {
		keys[k] = true
	}
	c.byID = map[string]*Category{}
	c.subByID = map[string]*Subcategory{}
	c.exclude = map[string]bool{}
	for _, e := range c.Exclude {
		c.exclude[e] = true
	}
	order := 0
	for i := range c.List {
		cat := &c.List[i]
		if cat.ID == "" || c.byID[cat.ID] != nil {
			return nil, fmt.Errorf("categories: category %d: empty or repeated id %q", i, cat.ID)
		}
		c.byID[cat.ID] = cat
		for j := range cat.Subcategories {
			sub := &cat.Subcategories[j]
			if sub.ID == "" || c.subByID[sub.ID] != nil {
				return nil, fmt.Errorf("categories: %s: empty or repeated subcategory id %q", cat.ID, sub.ID)
			}
			c.subByID[sub.ID] = sub
			for _, m := range sub.Match {
				r := rule{cat: cat.ID, sub: sub.ID, order: order}
				order++
				for _, cond := range strings.Split(m, "+") {
					k, v, ok := strings.Cut(cond, "=")
					if !ok || k == "" || v == "" {
						return nil, fmt.Errorf("categories: %s/%s: match %q is not key=value", cat.ID, sub.ID, m)
					}
					if v == "*" {
						r.wildcard++
					}
					r.conds = append(r.conds, [2]string{k, v})
				}
				// The importer looks only at elements with one of the
				// keys: a match on other keys alone would never fire.
				listed := false
				for _, cond := range r.conds {
					listed = listed || keys[cond[0]]
				}
				if !listed {
					return nil, fmt.Errorf("categories: %s/%s: match %q uses no key listed in \"keys\"", cat.ID, sub.ID, m)
				}
				c.rules = append(c.rules, r)
			}
		}
	}
	// Exact matches win over wildcards, more conditions over fewer, then
	// the table's own order.
	sort.SliceStable(c.rules, func(i, j int) bool {
		a, b := c.rules[i], c.rules[j]
		if a.wildcard != b.wildcard {
			return a.wildcard < b.wildcard
		}
		if len(a.conds) != len(b.conds) {
			return len(a.conds) > len(b.conds)
		}
		return a.order < b.order
	})
	return &c, nil
}

// Category returns the category with that id.
func (c *Categories) Category(id string) (*Category, bool) {
	cat, ok := c.byID[id]
	return cat, ok
}

// Subcategory returns the subcategory with that id.
func (c *Categories) Subcategory(id string) (*Subcategory, bool) {
	s, ok := c.subByID[id]
	return s, ok
}

// Classification is the outcome of Classify.
type Classification struct {
	Category, Subcategory string
	// Lifecycle is set when the element is not a place because its only
	// matching tags sit behind a lifecycle prefix (disused:shop=…).
	Lifecycle bool
}

// OK reports whether the element is a place.
func (c Classification) OK() bool { return c.Category != "" }

// Classify says which category and subcategory the tags make, if any.
func (c *Categories) Classify(tags map[string]string) Classification {
	for _, r := range c.rules {
		if c.matches(r, tags) {
			return Classification{Category: r.cat, Subcategory: r.sub}
		}
	}
	// Not a place: say whether a lifecycle prefix is the reason.
	for k := range tags {
		prefix, key, ok := strings.Cut(k, ":")
		if !ok {
			continue
		}
		for _, p := range c.LifecyclePrefixes {
			if prefix == p && c.isKey(key) {
				return Classification{Lifecycle: true}
			}
		}
	}
	return Classification{}
}

// HasKey reports whether tags hold any key that can make a place, so a reader
// can skip most elements before calling Classify.
func (c *Categories) HasKey(tags map[string]string) bool {
	for _, k := range c.Keys {
		if _, ok := tags[k]; ok {
			return true
		}
	}
	return false
}

func (c *Categories) isKey(k string) bool {
	for _, key := range c.Keys {
		if key == k {
			return true
		}
	}
	return false
}

func (c *Categories) matches(r rule, tags map[string]string) bool {
	for _, cond := range r.conds {
		v, ok := tags[cond[0]]
		if !ok {
			return false
		}
		if cond[1] == "*" {
			if c.exclude[cond[0]+"="+v] || v == "no" {
				return false
			}
			continue
		}
		if v != cond[1] {
			return false
		}
	}
	return true
}
