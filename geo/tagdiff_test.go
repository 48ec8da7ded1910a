package geo

import (
	"errors"
	"maps"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestTagDiffApply(t *testing.T) {
	base := map[string]string{"shop": "bakery", "name": "Chez Paul", "opening_hours": "Mo-Sa 07:00-19:00"}
	diff := TagDiff{
		{Key: "opening_hours", Old: "Mo-Sa 07:00-19:00", New: "Mo-Sa 08:00-13:00"},
		{Key: "check_date", Old: "", New: "2026-12-01"},
	}
	tests := []struct {
		name      string
		current   map[string]string
		diff      TagDiff
		want      map[string]string
		conflicts []string // keys in conflict
	}{
		{
			name:    "unchanged element",
			current: base,
			diff:    diff,
			want:    map[string]string{"shop": "bakery", "name": "Chez Paul", "opening_hours": "Mo-Sa 08:00-13:00", "check_date": "2026-12-01"},
		},
		{
			name:    "another key changed since: merges",
			current: map[string]string{"shop": "bakery", "name": "Chez Paul & fils", "opening_hours": "Mo-Sa 07:00-19:00", "phone": "+33 1"},
			diff:    diff,
			want:    map[string]string{"shop": "bakery", "name": "Chez Paul & fils", "opening_hours": "Mo-Sa 08:00-13:00", "check_date": "2026-12-01", "phone": "+33 1"},
		},
		{
			name:    "same key already holds the new value: no conflict",
			current: map[string]string{"shop": "bakery", "name": "Chez Paul", "opening_hours": "Mo-Sa 08:00-13:00", "check_date": "2026-12-01"},
			diff:    diff,
			want:    map[string]string{"shop": "bakery", "name": "Chez Paul", "opening_hours": "Mo-Sa 08:00-13:00", "check_date": "2026-12-01"},
		},
		{
			name:      "same key to a third value: conflict",
			current:   map[string]string{"shop": "bakery", "name": "Chez Paul", "opening_hours": "Mo-Fr 09:00-12:00"},
			diff:      diff,
			conflicts: []string{"opening_hours"},
		},
		{
			name:      "added key someone else added with another value: conflict",
			current:   map[string]string{"shop": "bakery", "check_date": "2026-11-30", "opening_hours": "Mo-Sa 07:00-19:00"},
			diff:      diff,
			conflicts: []string{"check_date"},
		},
		{
			name:    "delete a key",
			current: map[string]string{"shop": "bakery", "opening_hours:covid19": "off"},
			diff:    TagDiff{{Key: "opening_hours:covid19", Old: "off", New: ""}},
			want:    map[string]string{"shop": "bakery"},
		},
		{
			name:    "delete a key already deleted",
			current: map[string]string{"shop": "bakery"},
			diff:    TagDiff{{Key: "opening_hours:covid19", Old: "off", New: ""}},
			want:    map[string]string{"shop": "bakery"},
		},
		{
			name:      "delete a key changed to a third value: conflict",
			current:   map[string]string{"shop": "bakery", "opening_hours:covid19": "same"},
			diff:      TagDiff{{Key: "opening_hours:covid19", Old: "off", New: ""}},
			conflicts: []string{"opening_hours:covid19"},
		},
		{
			name:    "nil tags",
			current: nil,
			diff:    TagDiff{{Key: "check_date", New: "2026-12-01"}},
			want:    map[string]string{"check_date": "2026-12-01"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := maps.Clone(tc.current)
			got, conflicts := tc.diff.Apply(tc.current)
			if !maps.Equal(before, tc.current) {
				t.Fatalf("Apply modified its input: %v → %v", before, tc.current)
			}
			var keys []string
			for _, c := range conflicts {
				keys = append(keys, c.Key)
				if c.Current != tc.current[c.Key] {
					t.Errorf("conflict %v: Current %q, element holds %q", c, c.Current, tc.current[c.Key])
				}
			}
			if !reflect.DeepEqual(keys, tc.conflicts) {
				t.Fatalf("conflicts on %v, want %v (%v)", keys, tc.conflicts, conflicts)
			}
			if tc.conflicts != nil {
				return
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("Apply = %v\nwant    %v", got, tc.want)
			}
			if !tc.diff.AppliedIn(got) {
				t.Errorf("AppliedIn(result) = false")
			}
		})
	}
}

func TestTagDiffAppliedIn(t *testing.T) {
	d := TagDiff{{Key: "a", Old: "1", New: "2"}, {Key: "b", Old: "x", New: ""}}
	tests := []struct {
		name string
		tags map[string]string
		want bool
	}{
		{"before", map[string]string{"a": "1", "b": "x"}, false},
		{"half", map[string]string{"a": "2", "b": "x"}, false},
		{"after", map[string]string{"a": "2"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := d.AppliedIn(tc.tags); got != tc.want {
				t.Errorf("AppliedIn(%v) = %v, want %v", tc.tags, got, tc.want)
			}
		})
	}
}

func TestTagDiffValidate(t *testing.T) {
	long := string(make([]rune, 256))
	tests := []struct {
		name string
		diff TagDiff
		ok   bool
	}{
		{"good", TagDiff{{Key: "a", New: "1"}, {Key: "b", Old: "1"}}, true},
		{"empty", nil, true},
		{"empty key", TagDiff{{Key: "", New: "1"}}, false},
		{"padded key", TagDiff{{Key: " a", New: "1"}}, false},
		{"duplicate key", TagDiff{{Key: "a", New: "1"}, {Key: "a", New: "2"}}, false},
		{"no-op", TagDiff{{Key: "a", Old: "1", New: "1"}}, false},
		{"value too long", TagDiff{{Key: "a", New: long}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.diff.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrBadDiff) {
				t.Errorf("error %v does not wrap ErrBadDiff", err)
			}
		})
	}
}

func TestDiffTags(t *testing.T) {
	from := map[string]string{"a": "1", "b": "2", "c": "3"}
	to := map[string]string{"a": "1", "b": "20", "d": "4"}
	want := TagDiff{{Key: "b", Old: "2", New: "20"}, {Key: "c", Old: "3"}, {Key: "d", New: "4"}}
	got := DiffTags(from, to)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DiffTags = %v, want %v", got, want)
	}
	applied, conflicts := got.Apply(from)
	if len(conflicts) != 0 || !maps.Equal(applied, to) {
		t.Errorf("DiffTags(from,to).Apply(from) = %v %v, want %v", applied, conflicts, to)
	}
}

// TestDiffTagsRoundTrip: on random tag sets, DiffTags(a, b) replayed on a
// gives b, validates, and is applied in b; replayed on b it changes nothing.
func TestDiffTagsRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	keys := []string{"shop", "name", "opening_hours", "check_date", "delivery", "takeaway", "phone", "website"}
	vals := []string{"a", "b", "yes", "no", "Mo-Fr 09:00-18:00"}
	random := func() map[string]string {
		m := map[string]string{}
		for _, k := range keys {
			if rng.IntN(2) == 0 {
				m[k] = vals[rng.IntN(len(vals))]
			}
		}
		return m
	}
	for i := 0; i < 500; i++ {
		a, b := random(), random()
		d := DiffTags(a, b)
		if err := d.Validate(); err != nil {
			t.Fatalf("DiffTags(%v, %v) = %v: %v", a, b, d, err)
		}
		got, c := d.Apply(a)
		if len(c) != 0 || !maps.Equal(got, b) || !d.AppliedIn(b) {
			t.Fatalf("DiffTags(%v, %v).Apply(a) = %v %v", a, b, got, c)
		}
		again, c := d.Apply(b)
		if len(c) != 0 || !maps.Equal(again, b) {
			t.Fatalf("replay on the result changed it: %v %v", again, c)
		}
	}
}

func BenchmarkTagDiffApply(b *testing.B) {
	tags := map[string]string{"shop": "bakery", "name": "Chez Paul", "opening_hours": "Mo-Sa 07:00-19:00", "addr:street": "Rue X", "addr:housenumber": "3"}
	d := TagDiff{{Key: "opening_hours", Old: "Mo-Sa 07:00-19:00", New: "Mo-Sa 08:00-13:00"}, {Key: "check_date", New: "2026-12-01"}}
	for b.Loop() {
		d.Apply(tags)
	}
}
