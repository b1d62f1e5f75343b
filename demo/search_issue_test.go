package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nogentech/veille"
)

// The symptoms of issue 15, searched again on the demo sample.
func TestSearchIssueSymptoms(t *testing.T) {
	ix, _ := indexSample(t)
	ctx := context.Background()
	search := func(q string, limit int) *veille.SearchResult {
		t.Helper()
		res, err := ix.Search(ctx, veille.SearchRequest{Query: q, Limit: limit, NoFacets: true, NoHighlight: true})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		return res
	}
	titles := func(res *veille.SearchResult) string {
		var b strings.Builder
		for _, h := range res.Hits {
			b.WriteString(h.Title + "\n")
		}
		return b.String()
	}
	all := search("", 1).Total

	// "MDR article 120 matched 469 of 715 items": the sample cites no
	// MDR, so every word required finds nothing.
	if res := search("MDR article 120", 10); res.Total != 0 {
		t.Errorf("MDR article 120: %d items:\n%s", res.Total, titles(res))
	}
	// "NOT dechets returns exactly the items that contain déchets".
	with := search("déchets", 1000)
	without := search("NOT dechets", 1000)
	if with.Total == 0 || without.Total+with.Total != all {
		t.Errorf("NOT dechets: %d items, déchets: %d, all: %d", without.Total, with.Total, all)
	}
	for _, h := range with.Hits {
		for _, o := range without.Hits {
			if h.ID == o.ID {
				t.Errorf("%q both with and without déchets", h.Title)
			}
		}
	}
	// "implant recall ranked road-sign implantation and candy and peanut
	// recalls above the device recalls".
	for _, h := range search("implant recall", 20).Hits {
		if strings.Contains(h.Title, "signalisation lumineuse") || strings.Contains(h.Title, "Candy") || strings.Contains(h.Title, "Peanuts") {
			t.Errorf("implant recall finds %q", h.Title)
		}
	}
	// (implant alone still finds that act: it also writes "implanté", a
	// participle the French stemmer joins to implant.)
	// "REACH matches the English verb reach".
	verb := search("reach", 50)
	acronym := search("REACH", 50)
	if verb.Total == 0 || strings.Contains(titles(acronym), "EU-India trade") || !strings.Contains(titles(verb), "EU-India trade") {
		t.Errorf("REACH (%d):\n%s\nreach (%d):\n%s", acronym.Total, titles(acronym), verb.Total, titles(verb))
	}
	// "medical device does not find the French items on dispositifs médicaux".
	if res := search("medical device", 50); !strings.Contains(titles(res), "dispositifs médicaux à pression positive") {
		t.Errorf("medical device misses the French items:\n%s", titles(res))
	}
	// "A regulation number matches decree numbers".
	if res := search("2021-147", 10); res.Total != 1 || !strings.HasPrefix(res.Hits[0].Title, "Décret n° 2021-147") {
		t.Errorf("2021-147:\n%s", titles(res))
	}
	if res := search("2021/147", 10); res.Total != 0 {
		t.Errorf("2021/147 finds decree n° 2021-147:\n%s", titles(res))
	}
}
