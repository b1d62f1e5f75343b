package watch_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
	"github.com/nogentech/veille/watch"
)

// frSearchDefaults are the fields a Federal Register documents search
// answers with when its URL names none: those of the API's recorded
// search answers (demo/sample/federalregister-api/search-*.json).
var frSearchDefaults = []string{"title", "type", "abstract", "document_number", "html_url", "pdf_url",
	"public_inspection_pdf_url", "publication_date", "agencies", "excerpts"}

// frSearchServer answers documents searches as the Federal Register API
// v1 does: each result carries the fields the URL's fields[] names, or the
// default set when it names none. Its results are the full documents of
// testdata/federalregister-search-rules.json (the real document 2024-31396).
func frSearchServer(t *testing.T) *httptest.Server {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "federalregister-search-rules.json"))
	if err != nil {
		t.Fatal(err)
	}
	var full struct {
		Count      int              `json:"count"`
		TotalPages int              `json:"total_pages"`
		Results    []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(body, &full); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/documents.json" {
			http.NotFound(w, r)
			return
		}
		fields := r.URL.Query()["fields[]"]
		if len(fields) == 0 {
			fields = frSearchDefaults
		}
		answer := map[string]any{"count": full.Count, "total_pages": full.TotalPages}
		var results []map[string]any
		for _, doc := range full.Results {
			res := map[string]any{}
			for _, f := range fields {
				res[f] = doc[f] // a field the document lacks is null, as the API writes it
			}
			results = append(results, res)
		}
		answer["results"] = results
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if err := json.NewEncoder(w).Encode(answer); err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// shippedFRSource is the shipped federalregister source, its URL (query
// and all) aimed at srv.
func shippedFRSource(t *testing.T, srv *httptest.Server) veille.Source {
	t.Helper()
	i := slices.IndexFunc(shipped.Sources, func(s veille.Source) bool { return s.ID == "federalregister-epa-rules" })
	if i < 0 {
		t.Fatal("the shipped feeds.yaml has no federalregister-epa-rules source")
	}
	src := shipped.Sources[i]
	u, err := url.Parse(src.URL)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := url.Parse(srv.URL)
	u.Scheme, u.Host = s.Scheme, s.Host
	src.URL = u.String()
	return src
}

// crawlOne crawls src alone in its own pipeline and returns the one item
// it stores.
func crawlOne(t *testing.T, src veille.Source) (*rig, veille.Item) {
	t.Helper()
	r := newRig(t, []veille.Source{src}, nil)
	if sr := report(t, r.crawl(watch.CrawlOptions{}), src.ID); sr.Err != nil || sr.Fetched != 1 {
		t.Fatalf("%s: %+v", src.ID, sr)
	}
	var stored []veille.Item
	err := r.store.ItemsAfter(context.Background(), 0, 100, func(items []veille.Item, _ int64) error {
		stored = append(stored, items...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 {
		t.Fatalf("%s: %d items stored, want 1", src.ID, len(stored))
	}
	return r, stored[0]
}

// TestCrawlFederalRegisterSearchActs: the shipped Federal Register search,
// crawled from a server that answers as the API does, stores each rule as
// an act (us-fr-doc, its citation as written) with the entry into force
// its dates field sets, and the index finds it by that reference. The
// same search without fields[] gets the API's default fields: no citation,
// so no act and no date, which is why the shipped URL asks for them.
func TestCrawlFederalRegisterSearchActs(t *testing.T) {
	srv := frSearchServer(t)
	src := shippedFRSource(t, srv)

	r, it := crawlOne(t, src)
	if it.Act == nil || it.Act.Kind != refs.KindFRDoc || it.Act.ID != "89 FR 107012" {
		t.Errorf("act %v, want us-fr-doc 89 FR 107012 (content %q)", it.Act, it.Content)
	}
	if len(it.Dates) != 1 || it.Dates[0].Kind != refs.DateEntryIntoForce || it.Dates[0].Date != "2025-01-30" {
		t.Errorf("dates %v, want entry into force on 2025-01-30 (content %q)", it.Dates, it.Content)
	}
	if !slices.ContainsFunc(it.Refs, func(ref veille.Ref) bool { return ref.Key() == "us-cfr:40 CFR 52" }) {
		t.Errorf("refs %v, want the CFR part it changes, us-cfr:40 CFR 52", it.Refs)
	}
	res, err := r.index.Search(context.Background(), veille.SearchRequest{Refs: []string{"us-fr-doc:89 FR 107012"}, Limit: 10, NoFacets: true, NoHighlight: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].ID != it.ID {
		t.Errorf("search by its citation: %d hits, want the rule", res.Total)
	}

	// The same search without fields[]: the same rule, with no act and no
	// date.
	bare := src
	u, err := url.Parse(bare.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Del("fields[]")
	u.RawQuery = q.Encode()
	bare.URL = u.String()
	_, b := crawlOne(t, bare)
	if b.Title != it.Title {
		t.Errorf("default fields: title %q, want %q", b.Title, it.Title)
	}
	if b.Act != nil || len(b.Dates) > 0 {
		t.Errorf("default fields: act %v dates %v, want none (the default answer has no citation, no dates)", b.Act, b.Dates)
	}
}
