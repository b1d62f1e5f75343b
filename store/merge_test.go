package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// TestMergeKeepsCanonical: UpsertItems normalises what it is given once and
// does not normalise the merged version again, so merging two canonical
// versions must give a canonical one, whichever sources, tags, empty
// fields and times they carry.
func TestMergeKeepsCanonical(t *testing.T) {
	variants := map[string]func() veille.Item{
		"plain": func() veille.Item { return item("a", "src1") },
		"other source, other tags": func() veille.Item {
			it := item("a", "src2")
			it.Domains = []string{"technology", "health-safety", "technology"}
			it.Competences = nil
			it.Why = map[string][]string{"technology": {"impression 3D", "impression 3D"}, "health-safety": {"source:src2"}}
			it.Authors = []string{"ECHA"}
			return it
		},
		"terse, several sources": func() veille.Item {
			it := item("a", "src3")
			it.Summary, it.Content, it.Title = "", "", ""
			it.Sources = []string{"src9", "src3", "src1"}
			it.Published = time.Time{}
			it.Updated = t0.Add(time.Hour).In(time.FixedZone("X", 5*3600))
			return it
		},
		"same source retagged": func() veille.Item {
			it := item("a", "src1")
			it.Domains = []string{"water"}
			it.Why = map[string][]string{"water": {"eau"}}
			it.Categories = []string{}
			return it
		},
	}
	for oldName, mkOld := range variants {
		for inName, mkIn := range variants {
			old, in := mkOld(), mkIn()
			old.FirstSeen = t0
			if err := old.Normalize(); err != nil {
				t.Fatal(err)
			}
			if err := in.Normalize(); err != nil {
				t.Fatal(err)
			}
			m := merge(old, in)
			again := m
			if err := again.Normalize(); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m, again) {
				t.Errorf("merge(%s, %s) is not canonical:\n got %+v\nnormalised %+v", oldName, inName, m, again)
			}
		}
	}
}
