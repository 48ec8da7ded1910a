package geo

import (
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func TestProposeForAndNewOSMEdit(t *testing.T) {
	pl := Place{ID: PlaceID{Node, 270629391}, Version: 2, Name: "Boulangerie Lolo", Location: orb.Point{7.4800719, 43.7626305},
		Tags: map[string]string{"shop": "bakery", "name": "Boulangerie Lolo"}}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		s        StatusSummary
		wantDiff int
		wantNote bool
	}{
		{"open: check_date", StatusSummary{Status: "open"}, 1, false},
		{"gone: a note naming the place", StatusSummary{Status: "gone"}, 0, true},
		{"closed: nothing to propose", StatusSummary{Status: "closed"}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prop, err := SurveyProfile().ProposeFor(pl, tc.s, day, ProposeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(prop.Diff) != tc.wantDiff || (prop.Note != nil) != tc.wantNote {
				t.Fatalf("proposal %+v", prop)
			}
			if tc.wantNote && (!strings.Contains(prop.Note.Text, "Boulangerie Lolo") || !strings.Contains(prop.Note.Text, "node/270629391")) {
				t.Errorf("note %q", prop.Note.Text)
			}
			e := NewOSMEdit(pl, prop, 42)
			if e.Place != pl.ID || e.BaseVersion != 2 || e.Location != pl.Location || e.Mapper != 42 || e.State != EditApproved || len(e.Diff) != tc.wantDiff {
				t.Errorf("edit %+v", e)
			}
		})
	}
}
