package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestBadInputAnswered4xx is the table of what clients get wrong or try:
// each answer is a 4xx with a message saying what was wrong, never a 500.
func TestBadInputAnswered4xx(t *testing.T) {
	f := sharedFixture(t)
	ts := newServer(t, f, nil)
	long := url.QueryEscape(strings.Repeat("chrome ", 2000))
	tests := map[string]struct {
		method, path string
		status       int
		want         string
	}{
		"unbalanced quote":      {"GET", "/api/search?q=%22chrome", 400, "quote"},
		"unknown field":         {"GET", "/api/search?q=nosuch:x", 400, `unknown field "nosuch"`},
		"query too long":        {"GET", "/api/search?q=" + long, 400, "query is too long"},
		"huge limit":            {"GET", "/api/search?limit=1000000000", 400, "limit must be at most 100"},
		"limit overflows":       {"GET", "/api/search?limit=99999999999999999999999", 400, "limit must be a positive integer"},
		"negative limit":        {"GET", "/api/search?limit=-1", 400, "limit must be a positive integer"},
		"huge offset":           {"GET", "/api/search?offset=9999999999", 400, "offset must be at most"},
		"negative offset":       {"GET", "/api/search?offset=-20", 400, "offset must be a non-negative integer"},
		"impossible date":       {"GET", "/api/search?since=2026-13-45", 400, "since: want a date as YYYY-MM-DD"},
		"date in words":         {"GET", "/api/search?until=tomorrow", 400, "until: want a date as YYYY-MM-DD"},
		"until before since":    {"GET", "/api/search?since=2026-12-01&until=2026-11-01", 400, "is before since"},
		"unknown filter":        {"GET", "/api/search?colour=blue", 400, `unknown parameter "colour"`},
		"unknown sort":          {"GET", "/api/search?sort=random", 400, "sort must be relevance or date"},
		"invalid UTF-8":         {"GET", "/api/search?q=%ff%fe", 400, ""},
		"POST to search":        {"POST", "/api/search", 405, "not allowed"},
		"unknown item":          {"GET", "/api/items/0123456789abcdef", 404, "no item with id"},
		"traversal in item id":  {"GET", "/api/items/..%2f..%2fveille.db", 404, "no item with id"},
		"unknown API route":     {"GET", "/api/../api/nowhere", 404, "no such API route"},
		"page with bad limit":   {"GET", "/?limit=abc", 400, "limit doit être un entier positif"},
		"page with bad date":    {"GET", "/?since=31/12/2026", 400, "AAAA-MM-JJ"},
		"feed with bad param":   {"GET", "/feed.atom?offset=x", 400, "bad feed parameters"},
		"asset traversal":       {"GET", "/static/..%2f..%2fgo.mod", 404, "not found"},
		"asset dot-dot encoded": {"GET", "/static/%2e%2e%2fserver.go", 404, "not found"},
		"asset absolute":        {"GET", "/static/%2fetc%2fpasswd", 404, "not found"},
		"asset backslash":       {"GET", "/static/..%5c..%5cgo.mod", 404, "not found"},
		"item page traversal":   {"GET", "/items/..%2f..%2fveille.db", 404, ""},
		"admin without token":   {"POST", "/api/crawl", 403, "admin routes are disabled"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, body := do(t, tc.method, ts.URL+tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d, want %d: %.300s", resp.StatusCode, tc.status, body)
			}
			msg := string(body)
			if strings.HasPrefix(tc.path, "/api/") {
				var e struct{ Error string }
				if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
					t.Fatalf("API error is not {\"error\": …}: %.300s", body)
				}
				msg = e.Error
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message %.300q lacks %q", msg, tc.want)
			}
		})
	}
	// nothing above reached a 500
	if _, body := get(t, ts.URL+"/metrics"); strings.Contains(string(body), `status="500"`) {
		t.Errorf("a bad request gave a 500:\n%s", body)
	}
}

var _ = http.MethodGet
