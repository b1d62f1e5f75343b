package refs_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/internal/fixtures"
	"github.com/nogentech/veille/refs"
)

// label is one hand-labelled item of testdata/refs-dev.jsonl.
type label struct {
	Link  string           `json:"link"`
	Refs  []veille.Ref     `json:"refs"`
	Dates []veille.KeyDate `json:"dates"`
}

// jorfSample are the JORF feeds of the sample (demo/sample, read through
// internal/fixtures) that hold the labelled items: refs keeps no copy of
// them. testdata/jorf holds only the feed the sample lacks.
var jorfSample = []string{
	"jorf-legifrss/2602a99/all_ministere-de-l-education-nationale-de-la-jeunesse-et-des-sports.xml",
	"jorf-legifrss/2602a99/arrete_all.xml",
	"jorf-legifrss/2682603/decret_ministere-de-l-economie-des-finances-et-de-la-relance.xml",
	"jorf-legifrss/2d3a598/arrete_ministere-de-la-transition-ecologique.xml",
	"jorf-legifrss/3aea757/all_ministere-des-solidarites-et-de-la-sante.xml",
	"jorf-legifrss/48d0f9e/arrete_ministère-de-la-transition-écologique.xml",
	"jorf-legifrss/76ebc83/all_ministere-de-l-interieur.xml",
	"jorf-legifrss/76ebc83/decret_ministere-des-solidarites-et-de-la-sante.xml",
	"jorf-legifrss/7854d0f/arrete_ministere-de-la-transition-ecologique.xml",
	"jorf-legifrss/7854d0f/decret_ministere-de-la-transition-ecologique.xml",
	"jorf-legifrss/7854d0f/decret_ministere-des-armees.xml",
	"jorf-legifrss/a11e036/all_ministere-de-l-agriculture-et-de-l-alimentation.xml",
	"jorf-legifrss/ce92117/arrete_ministere-de-l-agriculture-et-de-l-alimentation.xml",
	"jorf-legifrss/ce92117/arrete_ministere-des-armees.xml",
}

// devItems parses the JORF feeds that hold the labelled items with the
// crawler's own parser, as a crawl would, and returns each labelled item by
// link. A link seen twice (the feeds repeat acts, once without their text)
// keeps its longest text.
func devItems(t testing.TB) map[string]veille.Item {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "jorf", "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no feeds in testdata/jorf: %v", err)
	}
	for _, name := range jorfSample {
		files = append(files, fixtures.Path(name))
	}
	labelled := map[string]bool{}
	for _, l := range devLabels(t) {
		labelled[l.Link] = true
	}
	now := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	out := map[string]veille.Item{}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		items, err := crawler.Parse(body, "application/atom+xml", "", veille.Source{ID: "jorf", Lang: "fr"}, now)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, it := range items {
			if !labelled[it.Link] {
				continue // the sample's other acts
			}
			if prev, ok := out[it.Link]; !ok || len(it.Content)+len(it.Summary) > len(prev.Content)+len(prev.Summary) {
				out[it.Link] = it
			}
		}
	}
	return out
}

func devLabels(t testing.TB) []label {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "refs-dev.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []label
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l label
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

// score counts true positives, false positives and false negatives.
type score struct{ tp, fp, fn int }

func (s *score) add(o score) { s.tp += o.tp; s.fp += o.fp; s.fn += o.fn }

func (s score) prf() (p, r, f float64) {
	if s.tp+s.fp > 0 {
		p = float64(s.tp) / float64(s.tp+s.fp)
	} else {
		p = 1
	}
	if s.tp+s.fn > 0 {
		r = float64(s.tp) / float64(s.tp+s.fn)
	} else {
		r = 1
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return
}

func (s score) String() string {
	p, r, f := s.prf()
	return fmt.Sprintf("P %.3f R %.3f F1 %.3f (tp %d fp %d fn %d)", p, r, f, s.tp, s.fp, s.fn)
}

// compare scores got against want, both sets of "kind\x00key" strings, per kind.
func compare(got, want map[string]bool, perKind map[string]*score, misses *[]string) score {
	var sc score
	bump := func(k string, f func(*score)) {
		kind := k[:strings.IndexByte(k, 0)]
		if perKind[kind] == nil {
			perKind[kind] = &score{}
		}
		f(perKind[kind])
		f(&sc)
	}
	for k := range got {
		if want[k] {
			bump(k, func(s *score) { s.tp++ })
		} else {
			bump(k, func(s *score) { s.fp++ })
			*misses = append(*misses, "FP "+strings.ReplaceAll(k, "\x00", " "))
		}
	}
	for k := range want {
		if !got[k] {
			bump(k, func(s *score) { s.fn++ })
			*misses = append(*misses, "FN "+strings.ReplaceAll(k, "\x00", " "))
		}
	}
	return sc
}

// TestExtractDev scores extraction against the hand labels of 30 JORF
// items: references by (kind, id), dates by (kind, date). The bar is pooled
// F1 0.9 for references and 0.8 for dates.
func TestExtractDev(t *testing.T) {
	items := devItems(t)
	labels := devLabels(t)
	if len(labels) != 30 {
		t.Fatalf("%d labelled items, want 30", len(labels))
	}
	var refsAll, datesAll score
	refKinds, dateKinds := map[string]*score{}, map[string]*score{}
	for _, l := range labels {
		it, ok := items[l.Link]
		if !ok {
			t.Errorf("%s: in none of the JORF feeds read (jorfSample, testdata/jorf)", l.Link)
			continue
		}
		refs.Apply(&it)
		got, want := map[string]bool{}, map[string]bool{}
		for _, r := range it.Refs {
			got[r.Kind+"\x00"+r.ID] = true
		}
		for _, r := range l.Refs {
			want[r.Kind+"\x00"+r.ID] = true
		}
		var misses []string
		rs := compare(got, want, refKinds, &misses)
		gotD, wantD := map[string]bool{}, map[string]bool{}
		for _, d := range it.Dates {
			gotD[d.Kind+"\x00"+d.Date] = true
		}
		for _, d := range l.Dates {
			wantD[d.Kind+"\x00"+d.Date] = true
		}
		ds := compare(gotD, wantD, dateKinds, &misses)
		refsAll.add(rs)
		datesAll.add(ds)
		sort.Strings(misses)
		t.Logf("%s refs %v dates %v", l.Link[strings.LastIndexByte(l.Link, '/')+1:], rs, ds)
		for _, m := range misses {
			t.Logf("    %s", m)
		}
	}
	for _, k := range sortedKeys(refKinds) {
		t.Logf("refs  %-17s %v", k, *refKinds[k])
	}
	for _, k := range sortedKeys(dateKinds) {
		t.Logf("dates %-17s %v", k, *dateKinds[k])
	}
	t.Logf("pooled refs  %v", refsAll)
	t.Logf("pooled dates %v", datesAll)
	if _, _, f := refsAll.prf(); f < 0.9 {
		t.Errorf("pooled refs F1 %.3f < 0.9", f)
	}
	if _, _, f := datesAll.prf(); f < 0.8 {
		t.Errorf("pooled dates F1 %.3f < 0.8", f)
	}
}

func sortedKeys(m map[string]*score) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
