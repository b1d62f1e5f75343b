package veille

import (
	"reflect"
	"testing"
	"time"
)

func TestNormalize(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, paris)
	it := Item{
		ID: "a", Source: "jorf", Sources: []string{"legifrance", "", "jorf", "anses", "legifrance"},
		Published: at, FirstSeen: at.Add(time.Hour),
		Domains:     []string{"water", "environment", "water", ""},
		Competences: nil,
		Authors:     []string{},
		Categories:  []string{"Décret"},
		Why:         map[string][]string{"water": {"eau", "eau", "source:jorf"}},
	}
	if err := it.Normalize(); err != nil {
		t.Fatal(err)
	}
	want := Item{
		ID: "a", Source: "jorf", Sources: []string{"jorf", "anses", "legifrance"},
		Published: at.UTC(), FirstSeen: at.Add(time.Hour).UTC(),
		Domains: []string{"environment", "water"}, Competences: []string{},
		Categories: []string{"Décret"},
		Why:        map[string][]string{"water": {"eau", "source:jorf"}},
	}
	if !reflect.DeepEqual(it, want) {
		t.Errorf("Normalize:\n got %+v\nwant %+v", it, want)
	}
	if it.Published.Location() != time.UTC {
		t.Errorf("Published in %v, want UTC", it.Published.Location())
	}
	again := it
	if err := again.Normalize(); err != nil || !reflect.DeepEqual(again, it) {
		t.Errorf("Normalize is not idempotent: %+v, %v", again, err)
	}
	for name, bad := range map[string]Item{"no id": {Source: "s"}, "no source": {ID: "x"}} {
		if err := bad.Normalize(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestMergeTags: the union when another source has seen the item, the
// incoming tags when only the incoming source has.
func TestMergeTags(t *testing.T) {
	old := Item{ID: "a", Source: "echa", Sources: []string{"echa"},
		Domains: []string{"environment"}, Competences: []string{"surface-treatment"},
		Why: map[string][]string{"environment": {"REACH"}, "surface-treatment": {"chrome"}}}
	in := Item{ID: "a", Source: "anses", Sources: []string{"anses"},
		Domains: []string{"health-safety"}, Competences: []string{"polishing-finishing", "surface-treatment"},
		Why: map[string][]string{"health-safety": {"CMR"}, "surface-treatment": {"chromage", "chrome"}}}
	d, c, why := MergeTags(old, in)
	if want := []string{"environment", "health-safety"}; !reflect.DeepEqual(d, want) {
		t.Errorf("domains %v, want %v", d, want)
	}
	if want := []string{"polishing-finishing", "surface-treatment"}; !reflect.DeepEqual(c, want) {
		t.Errorf("competences %v, want %v", c, want)
	}
	wantWhy := map[string][]string{"environment": {"REACH"}, "health-safety": {"CMR"}, "surface-treatment": {"chrome", "chromage"}}
	if !reflect.DeepEqual(why, wantWhy) {
		t.Errorf("why %v, want %v", why, wantWhy)
	}
	if len(old.Why["surface-treatment"]) != 1 {
		t.Errorf("the recorded version was changed: %v", old.Why)
	}

	// The same source again, with other rules: its new tags replace the old.
	retag := Item{ID: "a", Source: "echa", Sources: []string{"echa"}, Domains: []string{"technology"}, Competences: []string{},
		Why: map[string][]string{"technology": {"fabrication additive"}}}
	d, c, why = MergeTags(old, retag)
	if !reflect.DeepEqual(d, []string{"technology"}) || len(c) != 0 || !reflect.DeepEqual(why, retag.Why) {
		t.Errorf("re-tag by the only source: %v %v %v, want the incoming tags", d, c, why)
	}
}
