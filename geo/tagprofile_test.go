package geo

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func tdBool(b bool) *bool { return &b }

func TestSurveyProfile(t *testing.T) {
	day := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	bakery := map[string]string{"shop": "bakery", "name": "Chez Paul", "opening_hours": "Mo-Sa 07:00-19:00"}
	tests := []struct {
		name string
		tags map[string]string
		s    StatusSummary
		opt  ProposeOptions
		want Proposal
	}{
		{
			name: "open as usual: check_date only",
			tags: bakery,
			s:    StatusSummary{Status: "open"},
			want: Proposal{Diff: TagDiff{{Key: "check_date", New: "2026-12-01"}}},
		},
		{
			name: "open as usual, check_date already today: nothing",
			tags: map[string]string{"shop": "bakery", "check_date": "2026-12-01"},
			s:    StatusSummary{Status: "open"},
			want: Proposal{},
		},
		{
			name: "open as usual, old check_date updated",
			tags: map[string]string{"shop": "bakery", "check_date": "2024-03-02"},
			s:    StatusSummary{Status: "open"},
			want: Proposal{Diff: TagDiff{{Key: "check_date", Old: "2024-03-02", New: "2026-12-01"}}},
		},
		{
			name: "open with the same hours (spacing differs): no hours change",
			tags: bakery,
			s:    StatusSummary{Status: "open", OpeningHours: "  Mo-Sa   07:00-19:00 "},
			want: Proposal{Diff: TagDiff{{Key: "check_date", New: "2026-12-01"}}},
		},
		{
			name: "hours changed: normalised hours and check_date:opening_hours",
			tags: bakery,
			s:    StatusSummary{Status: "open_adapted", OpeningHours: "Mo-Fr 08:00-13:00;Sa 08:00-12:00;"},
			want: Proposal{Diff: TagDiff{
				{Key: "opening_hours", Old: "Mo-Sa 07:00-19:00", New: "Mo-Fr 08:00-13:00; Sa 08:00-12:00"},
				{Key: "check_date:opening_hours", New: "2026-12-01"},
				{Key: "check_date", New: "2026-12-01"},
			}},
		},
		{
			name: "hours from a place without any",
			tags: map[string]string{"amenity": "pharmacy"},
			s:    StatusSummary{Status: "open", OpeningHours: "24/7"},
			want: Proposal{Diff: TagDiff{
				{Key: "opening_hours", New: "24/7"},
				{Key: "check_date:opening_hours", New: "2026-12-01"},
				{Key: "check_date", New: "2026-12-01"},
			}},
		},
		{
			name: "custom normaliser is used",
			tags: bakery,
			s:    StatusSummary{Status: "open", OpeningHours: "mo-sa 7-19"},
			opt:  ProposeOptions{NormalizeHours: func(string) (string, error) { return "Mo-Sa 07:00-19:00", nil }},
			want: Proposal{Diff: TagDiff{{Key: "check_date", New: "2026-12-01"}}},
		},
		{
			name: "partial: services yes/no",
			tags: map[string]string{"amenity": "restaurant", "takeaway": "no"},
			s:    StatusSummary{Status: "partial", Delivery: tdBool(true), Takeaway: tdBool(true)},
			want: Proposal{Diff: TagDiff{
				{Key: "delivery", New: "yes"},
				{Key: "takeaway", Old: "no", New: "yes"},
				{Key: "check_date", New: "2026-12-01"},
			}},
		},
		{
			name: "delivery no, takeaway unchanged",
			tags: map[string]string{"amenity": "restaurant", "takeaway": "yes"},
			s:    StatusSummary{Status: "open", Delivery: tdBool(false), Takeaway: tdBool(true)},
			want: Proposal{Diff: TagDiff{
				{Key: "delivery", New: "no"},
				{Key: "check_date", New: "2026-12-01"},
			}},
		},
		{
			name: "temporarily closed: not mapped",
			tags: bakery,
			s:    StatusSummary{Status: "closed"},
			want: Proposal{},
		},
		{
			name: "gone: a note by default",
			tags: bakery,
			s:    StatusSummary{Status: "gone"},
			opt:  ProposeOptions{PlaceName: "Chez Paul", PlaceID: PlaceID{Node, 42}},
			want: Proposal{Note: &NoteProposal{}},
		},
		{
			name: "gone with the lifecycle choice: disused:shop",
			tags: map[string]string{"shop": "bakery", "name": "Chez Paul", "opening_hours": "Mo-Sa 07:00-19:00", "check_date": "2020-01-01"},
			s:    StatusSummary{Status: "gone"},
			opt:  ProposeOptions{Gone: GoneLifecycle},
			want: Proposal{Diff: TagDiff{
				{Key: "shop", Old: "bakery", New: ""},
				{Key: "disused:shop", New: "bakery"},
				{Key: "opening_hours", Old: "Mo-Sa 07:00-19:00", New: ""},
				{Key: "check_date", Old: "2020-01-01", New: "2026-12-01"},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SurveyProfile().Propose(tc.tags, tc.s, day, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want.Note != nil {
				if got.Note == nil || len(got.Diff) != 0 {
					t.Fatalf("Propose = %+v, want a note and no diff", got)
				}
				for _, w := range []string{tc.opt.PlaceName, "node/42", "2026-12-01", "FR"} {
					if !strings.Contains(got.Note.Text, w) {
						t.Errorf("note %q lacks %q", got.Note.Text, w)
					}
				}
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Propose =\n%+v\nwant\n%+v", got, tc.want)
			}
			if err := got.Diff.Validate(); err != nil {
				t.Error(err)
			}
			if applied, c := got.Diff.Apply(tc.tags); len(c) != 0 || !got.Diff.AppliedIn(applied) {
				t.Errorf("the proposal does not replay on its own tags: %v", c)
			}
		})
	}
}

func TestCrisisProfile(t *testing.T) {
	day := time.Date(2020, 3, 20, 0, 0, 0, 0, time.UTC)
	p, err := CrisisProfile("covid19")
	if err != nil {
		t.Fatal(err)
	}
	shop := map[string]string{"shop": "convenience", "opening_hours": "Mo-Su 08:00-20:00"}
	tests := []struct {
		name string
		tags map[string]string
		s    StatusSummary
		want TagDiff
	}{
		{"open as usual: same", shop, StatusSummary{Status: "open"},
			TagDiff{{Key: "opening_hours:covid19", New: "same"}}},
		{"closed: off", shop, StatusSummary{Status: "closed"},
			TagDiff{{Key: "opening_hours:covid19", New: "off"}}},
		{"closed, already off: nothing", map[string]string{"shop": "convenience", "opening_hours:covid19": "off"},
			StatusSummary{Status: "closed"}, nil},
		{"reopened after off", map[string]string{"shop": "convenience", "opening_hours:covid19": "off"},
			StatusSummary{Status: "open"}, TagDiff{{Key: "opening_hours:covid19", Old: "off", New: "same"}}},
		{"adapted hours", shop, StatusSummary{Status: "open_adapted", OpeningHours: "Mo-Sa 09:00-13:00"},
			TagDiff{{Key: "opening_hours:covid19", New: "Mo-Sa 09:00-13:00"}}},
		{"adapted without hours: open", shop, StatusSummary{Status: "open_adapted"},
			TagDiff{{Key: "opening_hours:covid19", New: "open"}}},
		{"adapted with the usual hours: same", shop, StatusSummary{Status: "open_adapted", OpeningHours: "Mo-Su 08:00-20:00"},
			TagDiff{{Key: "opening_hours:covid19", New: "same"}}},
		{"partial with services and description", shop,
			StatusSummary{Status: "partial", Delivery: tdBool(true), Takeaway: tdBool(false), Description: "Commandes par téléphone"},
			TagDiff{
				{Key: "opening_hours:covid19", New: "open"},
				{Key: "delivery:covid19", New: "yes"},
				{Key: "takeaway:covid19", New: "no"},
				{Key: "description:covid19", New: "Commandes par téléphone"},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Propose(tc.tags, tc.s, day, ProposeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Note != nil || !reflect.DeepEqual(got.Diff, tc.want) {
				t.Errorf("Propose = %+v, want diff %v", got, tc.want)
			}
			for _, c := range got.Diff {
				if !strings.HasSuffix(c.Key, ":covid19") {
					t.Errorf("crisis profile touches a permanent key: %v", c)
				}
			}
		})
	}
}

func TestCrisisRemoval(t *testing.T) {
	p, _ := CrisisProfile("covid19")
	tags := map[string]string{
		"shop": "bakery", "opening_hours": "Mo-Sa 07:00-19:00", "opening_hours:covid19": "off",
		"delivery:covid19": "yes", "description:covid19": "x", "covid19": "keep? not a suffix key",
	}
	want := TagDiff{
		{Key: "delivery:covid19", Old: "yes"},
		{Key: "description:covid19", Old: "x"},
		{Key: "opening_hours:covid19", Old: "off"},
	}
	if got := p.Removal(tags); !reflect.DeepEqual(got, want) {
		t.Errorf("Removal = %v, want %v", got, want)
	}
	if got := SurveyProfile().Removal(tags); got != nil {
		t.Errorf("survey Removal = %v, want nothing", got)
	}
}

func TestProposeErrors(t *testing.T) {
	tests := []struct {
		name string
		s    StatusSummary
		opt  ProposeOptions
	}{
		{"unknown status", StatusSummary{Status: "maybe"}, ProposeOptions{}},
		{"empty status", StatusSummary{}, ProposeOptions{}},
		{"hours that do not parse", StatusSummary{Status: "open", OpeningHours: "sometimes"},
			ProposeOptions{NormalizeHours: func(string) (string, error) { return "", errors.New("no") }}},
		{"blank separators only", StatusSummary{Status: "open", OpeningHours: " ; ; "}, ProposeOptions{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SurveyProfile().Propose(map[string]string{}, tc.s, time.Now(), tc.opt)
			if !errors.Is(err, ErrBadSummary) {
				t.Errorf("Propose error = %v, want ErrBadSummary", err)
			}
		})
	}
	for _, bad := range []string{"", "COVID", "a b", "x:y", strings.Repeat("a", 33)} {
		if _, err := CrisisProfile(bad); !errors.Is(err, ErrBadProfile) {
			t.Errorf("CrisisProfile(%q) = %v, want ErrBadProfile", bad, err)
		}
	}
}
