package server

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/opml"
)

// apiSearch runs a search through the JSON API and decodes it.
func apiSearch(t *testing.T, f *fixture, v url.Values) veille.SearchResult {
	t.Helper()
	resp, body := get(t, f.ts.URL+"/api/search?"+v.Encode())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search %s: %d %s", v.Encode(), resp.StatusCode, body)
	}
	var res veille.SearchResult
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("search %s: %v", v.Encode(), err)
	}
	return res
}

func decodeJSON[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

// wantAPIError checks the contract's error shape: {"error": "..."} naming
// what was wrong.
func wantAPIError(substr string) func(t *testing.T, resp *http.Response, body []byte) {
	return func(t *testing.T, resp *http.Response, body []byte) {
		t.Helper()
		e := decodeJSON[map[string]string](t, body)
		if len(e) != 1 || !strings.Contains(e["error"], substr) {
			t.Errorf("error body %s, want one \"error\" containing %q", body, substr)
		}
	}
}

func TestRoutes(t *testing.T) {
	f := sharedFixture(t)
	all := apiSearch(t, f, url.Values{"limit": {"100"}})
	if all.Total < 100 {
		t.Fatalf("only %d items indexed", all.Total)
	}
	item := all.Hits[0]
	domain := all.Facets["domain"][0]
	source := all.Facets["source"][0]
	// A word of a real title, for a text search.
	word := ""
	for _, w := range strings.Fields(item.Title) {
		if len([]rune(w)) >= 6 && !strings.ContainsAny(w, `"-+:*`) {
			word = w
			break
		}
	}
	if word == "" {
		t.Fatalf("no usable word in %q", item.Title)
	}
	noToken := newServer(t, f, nil)

	type routeCase struct {
		method, path string
		header       []string
		server       string // base URL; f.ts by default
		status       int
		ctype        string
		check        func(t *testing.T, resp *http.Response, body []byte)
	}
	tests := map[string]routeCase{
		"health": {method: "GET", path: "/healthz", status: 200, ctype: "text/plain",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if string(body) != "ok\n" {
					t.Errorf("body %q", body)
				}
			}},
		"search everything, newest first": {method: "GET", path: "/api/search", status: 200, ctype: "application/json",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				res := decodeJSON[veille.SearchResult](t, body)
				if res.Total != all.Total || len(res.Hits) != 20 {
					t.Errorf("total %d hits %d, want %d and the default 20", res.Total, len(res.Hits), all.Total)
				}
				for i := 1; i < len(res.Hits); i++ {
					if res.Hits[i].Published.After(res.Hits[i-1].Published) {
						t.Errorf("hit %d newer than hit %d", i, i-1)
					}
				}
				for _, k := range []string{"domain", "competence", "source", "lang", "jurisdiction"} {
					if len(res.Facets[k]) == 0 {
						t.Errorf("facet %s empty", k)
					}
				}
				var raw map[string]json.RawMessage
				json.Unmarshal(body, &raw)
				for _, k := range []string{"query", "total", "took_ms", "hits", "facets"} {
					if _, ok := raw[k]; !ok {
						t.Errorf("no %q in the search JSON", k)
					}
				}
				var hits []map[string]json.RawMessage
				json.Unmarshal(raw["hits"], &hits)
				for _, k := range []string{"id", "title", "link", "source", "sources", "published", "lang", "domains", "competences", "why", "score", "snippet"} {
					if _, ok := hits[0][k]; !ok {
						t.Errorf("no %q in a hit", k)
					}
				}
			}},
		"search a word highlights it": {method: "GET", path: "/api/search?q=" + url.QueryEscape(word), status: 200, ctype: "application/json",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				res := decodeJSON[veille.SearchResult](t, body)
				if res.Total == 0 || res.Query != word {
					t.Fatalf("q=%s: total %d, query %q", word, res.Total, res.Query)
				}
				marked := false
				for _, h := range res.Hits {
					marked = marked || strings.Contains(h.Snippet, "<mark>")
				}
				if !marked {
					t.Errorf("no <mark> in any snippet for %q", word)
				}
			}},
		"limit 100 is allowed": {method: "GET", path: "/api/search?limit=100", status: 200, ctype: "application/json",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				if n := len(decodeJSON[veille.SearchResult](t, body).Hits); n != 100 {
					t.Errorf("%d hits, want 100", n)
				}
			}},
		"paging": {method: "GET", path: "/api/search?limit=5&offset=5", status: 200, ctype: "application/json",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				res := decodeJSON[veille.SearchResult](t, body)
				for i, h := range res.Hits {
					if h.ID != all.Hits[5+i].ID {
						t.Errorf("hit %d is %s, want %s", 5+i, h.ID, all.Hits[5+i].ID)
					}
				}
			}},
		"filter by domain": {method: "GET", path: "/api/search?limit=100&domain=" + domain.Term, status: 200, ctype: "application/json",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				res := decodeJSON[veille.SearchResult](t, body)
				if int(res.Total) != domain.Count {
					t.Errorf("total %d, facet said %d", res.Total, domain.Count)
				}
				for _, h := range res.Hits {
					if !slices.Contains(h.Domains, domain.Term) {
						t.Errorf("%s lacks domain %s", h.ID, domain.Term)
					}
				}
			}},
		"repeated filter is OR": {method: "GET", path: "/api/search?limit=100&source=" + source.Term + "&source=" + all.Facets["source"][1].Term, status: 200, ctype: "application/json",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				res := decodeJSON[veille.SearchResult](t, body)
				two := []string{source.Term, all.Facets["source"][1].Term}
				if int(res.Total) < source.Count || int(res.Total) > source.Count+all.Facets["source"][1].Count {
					t.Errorf("total %d for two sources of %d and %d items", res.Total, source.Count, all.Facets["source"][1].Count)
				}
				for _, h := range res.Hits {
					if !slices.ContainsFunc(h.Sources, func(s string) bool { return slices.Contains(two, s) }) {
						t.Errorf("%s from %v", h.ID, h.Sources)
					}
				}
			}},
		"date range": {method: "GET", path: "/api/search?limit=100&since=2021-01-01&until=2021-12-31", status: 200, ctype: "application/json",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				res := decodeJSON[veille.SearchResult](t, body)
				lo := time.Date(2021, 1, 1, 0, 0, 0, 0, f.cfg.Location)
				hi := time.Date(2022, 1, 1, 0, 0, 0, 0, f.cfg.Location)
				for _, h := range res.Hits {
					if h.Published.Before(lo) || !h.Published.Before(hi) {
						t.Errorf("%s published %s, outside 2021", h.ID, h.Published)
					}
				}
			}},
		"limit over the cap":     {method: "GET", path: "/api/search?limit=101", status: 400, ctype: "application/json", check: wantAPIError("limit must be at most 100")},
		"limit zero":             {method: "GET", path: "/api/search?limit=0", status: 400, ctype: "application/json", check: wantAPIError("limit must be a positive integer")},
		"limit not a number":     {method: "GET", path: "/api/search?limit=ten", status: 400, ctype: "application/json", check: wantAPIError(`"ten"`)},
		"negative offset":        {method: "GET", path: "/api/search?offset=-1", status: 400, ctype: "application/json", check: wantAPIError("offset")},
		"offset too deep":        {method: "GET", path: "/api/search?offset=10001", status: 400, ctype: "application/json", check: wantAPIError("offset must be at most")},
		"bad date":               {method: "GET", path: "/api/search?since=2026-13-01", status: 400, ctype: "application/json", check: wantAPIError("since")},
		"until before since":     {method: "GET", path: "/api/search?since=2026-02-01&until=2026-01-01", status: 400, ctype: "application/json", check: wantAPIError("before")},
		"unknown sort":           {method: "GET", path: "/api/search?sort=banana", status: 400, ctype: "application/json", check: wantAPIError("sort")},
		"unknown parameter":      {method: "GET", path: "/api/search?qq=chrome", status: 400, ctype: "application/json", check: wantAPIError(`unknown parameter "qq"`)},
		"unbalanced quote":       {method: "GET", path: "/api/search?q=" + url.QueryEscape(`"chrome VI`), status: 400, ctype: "application/json", check: wantAPIError("quote")},
		"unknown field in query": {method: "GET", path: "/api/search?q=colour:red", status: 400, ctype: "application/json", check: wantAPIError("unknown field")},
		"field without value":    {method: "GET", path: "/api/search?q=domain:", status: 400, ctype: "application/json", check: wantAPIError("needs a value")},
		"item": {method: "GET", path: "/api/items/" + item.ID, status: 200, ctype: "application/json",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				it := decodeJSON[veille.Item](t, body)
				if it.ID != item.ID || it.Title != item.Title || it.Source != item.Source {
					t.Errorf("item %s %q %s, want %s %q %s", it.ID, it.Title, it.Source, item.ID, item.Title, item.Source)
				}
			}},
		"unknown item": {method: "GET", path: "/api/items/0000deadbeef", status: 404, ctype: "application/json", check: wantAPIError("no item with id 0000deadbeef")},
		"sources": {method: "GET", path: "/api/sources", status: 200, ctype: "application/json",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				list := decodeJSON[[]map[string]any](t, body)
				if len(list) != len(f.cfg.Sources) {
					t.Fatalf("%d sources, config has %d", len(list), len(f.cfg.Sources))
				}
				for _, k := range []string{"id", "name", "kind", "url", "last_attempt", "last_success", "http_status", "error", "consecutive_failures", "item_count"} {
					if _, ok := list[0][k]; !ok {
						t.Errorf("no %q in a source", k)
					}
				}
				ss := decodeJSON[[]SourceStatus](t, body)
				total := 0
				for _, s := range ss {
					total += s.Items
					if s.ID == brokenSource {
						if !s.Stale || s.Failures != 4 || s.Status != 404 || s.Error == "" || s.LastSuccess == nil {
							t.Errorf("broken source: %+v", s)
						}
						continue
					}
					if s.Disabled {
						continue
					}
					if s.Stale || s.Failures != 0 || s.LastSuccess == nil || s.LastAttempt == nil || s.NextAttempt == nil {
						t.Errorf("healthy source %s: %+v", s.ID, s)
					}
				}
				if total == 0 {
					t.Error("no item counted")
				}
			}},
		"feed": {method: "GET", path: "/feed.atom?domain=" + domain.Term, status: 200, ctype: "application/atom+xml",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				var feed struct {
					Entries []struct {
						ID string `xml:"id"`
					} `xml:"entry"`
				}
				if err := xml.Unmarshal(body, &feed); err != nil {
					t.Fatal(err)
				}
				if want := min(domain.Count, feedDefaultLimit); len(feed.Entries) != want {
					t.Errorf("%d entries, want %d", len(feed.Entries), want)
				}
			}},
		"feed with a bad parameter": {method: "GET", path: "/feed.atom?until=yesterday", status: 400, ctype: "text/plain"},
		"feed with a bad query":     {method: "GET", path: "/feed.atom?q=%22open", status: 400, ctype: "text/plain"},
		"opml": {method: "GET", path: "/sources.opml", status: 200, ctype: "text/x-opml",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				var doc opml.Doc
				if err := xml.Unmarshal(body, &doc); err != nil {
					t.Fatal(err)
				}
				enabled := 0
				for _, s := range f.cfg.Sources {
					if !s.Disabled {
						enabled++
					}
				}
				if doc.Version != "2.0" || len(doc.Body) != enabled {
					t.Errorf("version %q, %d outlines for %d enabled sources", doc.Version, len(doc.Body), enabled)
				}
				for _, o := range doc.Body {
					if o.Text == "" || o.Type != "rss" || !strings.HasPrefix(o.XMLURL, "http") {
						t.Errorf("outline %+v", o)
					}
				}
			}},
		"metrics": {method: "GET", path: "/metrics", status: 200, ctype: "text/plain",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				for _, w := range []string{"veille_index_documents ", "veille_http_requests_total{", "veille_search_duration_seconds_bucket{", "go_goroutines"} {
					if !strings.Contains(string(body), w) {
						t.Errorf("metrics lack %s", w)
					}
				}
			}},
		"crawl disabled without a token": {method: "POST", path: "/api/crawl", server: noToken.URL, header: []string{"Authorization", "Bearer " + testToken},
			status: 403, ctype: "application/json", check: wantAPIError("admin routes are disabled")},
		"crawl without credentials": {method: "POST", path: "/api/crawl", status: 401, ctype: "application/json",
			check: func(t *testing.T, resp *http.Response, body []byte) {
				if resp.Header.Get("WWW-Authenticate") == "" {
					t.Error("no WWW-Authenticate")
				}
			}},
		"crawl with a wrong token":  {method: "POST", path: "/api/crawl", header: []string{"Authorization", "Bearer " + testToken + "x"}, status: 401, ctype: "application/json", check: wantAPIError("wrong token")},
		"crawl with another scheme": {method: "POST", path: "/api/crawl", header: []string{"Authorization", "Basic " + testToken}, status: 401, ctype: "application/json"},
		"crawl an unknown source":   {method: "POST", path: "/api/crawl/no-such-source", header: []string{"Authorization", "Bearer " + testToken}, status: 404, ctype: "application/json", check: wantAPIError(`no source "no-such-source"`)},
		"crawl one source": {method: "POST", path: "/api/crawl/" + source.Term, header: []string{"Authorization", "Bearer " + testToken}, status: 200, ctype: "application/json",
			check: func(t *testing.T, _ *http.Response, body []byte) {
				rep := decodeJSON[crawlReport](t, body)
				if rep.Status != "done" || len(rep.Sources) != 1 || rep.Sources[0].Source != source.Term || rep.Sources[0].Error != "" || rep.New != 0 {
					t.Errorf("report %s", body)
				}
			}},
		"crawl asked with GET":   {method: "GET", path: "/api/crawl", status: 405, ctype: "application/json", check: wantAPIError("not allowed")},
		"search asked with POST": {method: "POST", path: "/api/search", status: 405, ctype: "application/json", check: wantAPIError("not allowed")},
		"unknown API route":      {method: "GET", path: "/api/nothing", status: 404, ctype: "application/json", check: wantAPIError("no such API route")},
		"search page":            {method: "GET", path: "/", status: 200, ctype: "text/html"},
		"search page, bad limit": {method: "GET", path: "/?limit=1000", status: 400, ctype: "text/html"},
		"item page":              {method: "GET", path: "/items/" + item.ID, status: 200, ctype: "text/html"},
		"unknown item page":      {method: "GET", path: "/items/0000deadbeef", status: 404, ctype: "text/html"},
		"sources page":           {method: "GET", path: "/sources", status: 200, ctype: "text/html"},
		"unknown page":           {method: "GET", path: "/no/such/page", status: 404, ctype: "text/html"},
		"health asked with POST": {method: "POST", path: "/healthz", status: 405, ctype: "text/plain"},
		"robots":                 {method: "GET", path: "/robots.txt", status: 200, ctype: "text/plain"},
		"unknown asset":          {method: "GET", path: "/static/nothing.css", status: 404, ctype: "text/plain"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			base := f.ts.URL
			if tc.server != "" {
				base = tc.server
			}
			resp, body := do(t, tc.method, base+tc.path, tc.header...)
			if resp.StatusCode != tc.status {
				t.Fatalf("%s %s: status %d, want %d: %.300s", tc.method, tc.path, resp.StatusCode, tc.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
				t.Errorf("Content-Type %q, want %s", ct, tc.ctype)
			}
			checkSecurityHeaders(t, resp)
			if tc.check != nil {
				tc.check(t, resp, body)
			}
		})
	}
}

func checkSecurityHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, w := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, w) {
			t.Errorf("CSP %q lacks %s", csp, w)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %s", csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no X-Content-Type-Options: nosniff")
	}
	if resp.Header.Get("Referrer-Policy") == "" {
		t.Error("no Referrer-Policy")
	}
}
