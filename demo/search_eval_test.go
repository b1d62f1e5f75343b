package demo_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
)

// searchCase is a query a quality or HSE manager would type, and the items
// (recognised by their title) that answer it. The judgements are ours, made
// by reading the sample; they guard the ranking against regressions.
type searchCase struct {
	q        string
	relevant string // regexp over titles of the relevant items
}

var searchCases = []searchCase{
	{"endoprothese aortique", `(?i)endoproth.*aort`},
	{"endoprothèses aortiques abdominales", `(?i)endoproth.*aort`},
	{"matériovigilance", `(?i)vigilances relatives|R\. 1413-61-4`},
	{"materiovigilance fabricants", `(?i)vigilances relatives|R\. 1413-61-4`},
	{"emissions trading system", `(?i)emissions trading`},
	{"CBAM", `(?i)CBAM|decarbonisation fund`},
	{"carbon border adjustment", `(?i)CBAM|decarbonisation fund`},
	{"incinération des déchets", `(?i)incinération`},
	{"waste incineration", `(?i)incinération`},
	{"amiante", `(?i)amiante`},
	{"asbestos", `(?i)amiante`},
	{"sauveteur secouriste du travail", `(?i)sauveteur secouriste`},
	{"insulin pumps", `(?i)insulin pump`},
	{"air quality plan", `(?i)Air Plan`},
	{"maladies professionnelles", `(?i)maladies professionnelles`},
	{"DEEE éco-organisme", `(?i)équipements électriques et électroniques`},
	{"stents coronaires", `(?i)endoprothèses coronaires`},
	{"anesthesia system recall", `(?i)anesthesia`},
	{"reparation meniscale", `(?i)méniscale`},
	{"quotas gaz à effet de serre", `(?i)quotas|effet de serre`},
	{"boues station d'épuration", `(?i)boues`},
	{"ICPE analyses air eau", `(?i)modalités d'analyse dans l'air`},
	{"produits de santé prise en charge transitoire", `(?i)prise en charge transitoire`},
	{"respiratory modules", `(?i)respiratory modules`},
}

// TestSearchRecallAt10 indexes the demo sample as the watch does (tagged,
// through the real index) and measures, for each query, the share of its
// relevant items that are in the first ten results.
func TestSearchRecallAt10(t *testing.T) {
	items, sources := crawlSample(t)
	cfg, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tagger, err := veille.NewTagger(cfg.Domains, cfg.Competences)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(t.TempDir()+"/index", index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var batch []veille.Item
	for _, it := range items {
		tagger.Tag(&it, sources[it.Source])
		batch = append(batch, it)
	}
	ctx := context.Background()
	if err := ix.Upsert(ctx, batch, 1); err != nil {
		t.Fatal(err)
	}

	var sum float64
	for _, c := range searchCases {
		re := regexp.MustCompile(c.relevant)
		relevant := map[string]bool{}
		for _, it := range batch {
			if re.MatchString(it.Title) {
				relevant[it.ID] = true
			}
		}
		if len(relevant) == 0 {
			t.Fatalf("query %q: no item of the sample matches %s", c.q, c.relevant)
		}
		res, err := ix.Search(ctx, veille.SearchRequest{Query: c.q, Limit: 10, NoFacets: true, NoHighlight: true})
		if err != nil {
			t.Fatalf("query %q: %v", c.q, err)
		}
		found := 0
		for _, h := range res.Hits {
			if relevant[h.ID] {
				found++
			}
		}
		r := float64(found) / float64(len(relevant))
		sum += r
		if r < 1 {
			var top []string
			for i, h := range res.Hits {
				if i < 3 {
					top = append(top, h.Title)
				}
			}
			t.Logf("recall@10 %.2f for %q (%d/%d relevant); top: %q", r, c.q, found, len(relevant), top)
		}
	}
	mean := sum / float64(len(searchCases))
	t.Logf("mean recall@10 over %d queries: %.3f", len(searchCases), mean)
	if mean < 0.9 {
		t.Errorf("mean recall@10 %.3f, want ≥ 0.9", mean)
	}
}
