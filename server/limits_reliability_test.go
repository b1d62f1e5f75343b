package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nogentech/veille/watch"
)

func limitedServer(t *testing.T, l Limits, mod func(*Options)) *Server {
	t.Helper()
	f := sharedFixture(t)
	o := Options{Config: f.cfg, Index: f.index, Store: f.store, Logger: testLogger(), Getenv: func(string) string { return "" }, Limits: l}
	if mod != nil {
		mod(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func serveFrom(h http.Handler, method, target, remote string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = remote
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestSearchRateLimitedPerClient(t *testing.T) {
	h := limitedServer(t, Limits{Rate: 0.5, Burst: 3}, nil).Handler()
	codes := []int{}
	var last *httptest.ResponseRecorder
	for range 8 {
		last = serveFrom(h, "GET", "/api/search?q=chrome", "192.0.2.10:4321")
		codes = append(codes, last.Code)
	}
	want := []int{200, 200, 200, 429, 429, 429, 429, 429}
	if fmt.Sprint(codes) != fmt.Sprint(want) {
		t.Errorf("statuses %v, want %v", codes, want)
	}
	var e struct{ Error string }
	if json.Unmarshal(last.Body.Bytes(), &e); !strings.Contains(e.Error, "too many searches from 192.0.2.10") || last.Header().Get("Retry-After") != "2" {
		t.Errorf("429 answer: %q, Retry-After %q", last.Body.String(), last.Header().Get("Retry-After"))
	}
	if last.Header().Get("Content-Security-Policy") == "" {
		t.Error("the 429 lacks the security headers")
	}
	// the HTML page and the feed share the bucket; other routes and other clients do not
	for _, c := range []struct {
		path, remote string
		want         int
	}{
		{"/?q=chrome", "192.0.2.10:1", 429},
		{"/feed.atom", "192.0.2.10:2", 429},
		{"/healthz", "192.0.2.10:3", 200},
		{"/sources", "192.0.2.10:3", 200},
		{"/api/search?q=chrome", "192.0.2.11:5", 200},
		{"/api/search?q=chrome", "[2001:db8::1]:5", 200},
	} {
		if rec := serveFrom(h, "GET", c.path, c.remote); rec.Code != c.want {
			t.Errorf("%s from %s: %d, want %d", c.path, c.remote, rec.Code, c.want)
		}
	}
}

func TestSearchInFlightBounded(t *testing.T) {
	s := limitedServer(t, Limits{Rate: -1, MaxInFlight: 2, QueueWait: 100 * time.Millisecond}, nil)
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	h := s.limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/search" {
			started <- struct{}{}
			select { // a search that holds its slot until released
			case <-release:
			case <-time.After(10 * time.Second):
			}
		}
		w.Write([]byte("done"))
	}))
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); serveFrom(h, "GET", "/api/search?q=x", "192.0.2.1:1") }()
	}
	<-started
	<-started
	start := time.Now()
	rec := serveFrom(h, "GET", "/api/search?q=x", "192.0.2.2:1")
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" || !strings.Contains(rec.Body.String(), "busy") {
		t.Errorf("third search: %d %q", rec.Code, rec.Body.String())
	}
	if el := time.Since(start); el < 90*time.Millisecond || el > time.Second {
		t.Errorf("the third search waited %v, QueueWait is 100ms", el)
	}
	if rec := serveFrom(h, "GET", "/healthz", "192.0.2.2:1"); rec.Code != http.StatusOK {
		t.Errorf("healthz is not a search but answered %d", rec.Code)
	}
	close(release)
	wg.Wait()
	if rec := serveFrom(h, "GET", "/api/search?q=x", "192.0.2.2:1"); rec.Code != http.StatusOK {
		t.Errorf("after the others ended: %d", rec.Code)
	}
}

// TestSearchFloodDegrades sends 64 concurrent real searches to a server
// allowed 2 at a time: each is answered, 200 or 503, quickly; none fails.
func TestSearchFloodDegrades(t *testing.T) {
	s := limitedServer(t, Limits{Rate: -1, MaxInFlight: 2, QueueWait: 5 * time.Millisecond}, nil)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	var mu sync.Mutex
	counts := map[int]int{}
	var worst time.Duration
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			resp, err := client.Get(fmt.Sprintf("%s/api/search?q=%s&limit=50", ts.URL, url.QueryEscape([]string{"chrome", "dispositifs médicaux", "déchets", "implants"}[i%4])))
			el := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				counts[-1]++
				return
			}
			resp.Body.Close()
			counts[resp.StatusCode]++
			worst = max(worst, el)
		}()
	}
	wg.Wait()
	// 503s depend on the machine's speed; what must hold is that every
	// request gets a quick answer, never an error or a queue of minutes
	if counts[200] == 0 || counts[200]+counts[503] != 64 {
		t.Errorf("answers %v", counts)
	}
	if worst > 5*time.Second {
		t.Errorf("the slowest answer took %v", worst)
	}
	t.Logf("64 concurrent searches, 2 allowed at once: %v, slowest answer %v", counts, worst.Round(time.Millisecond))
}

func TestCrossOriginAdminRefused(t *testing.T) {
	var crawls int
	s := limitedServer(t, Limits{}, func(o *Options) {
		o.AdminToken = testToken
		o.Crawl = func(ctx context.Context, sources []string) (watch.Report, error) {
			crawls++
			return watch.Report{Started: time.Now(), Finished: time.Now()}, nil
		}
	})
	h := s.Handler()
	auth := "Bearer " + testToken
	tests := map[string]struct {
		method string
		header []string
		want   int
	}{
		"cross-site fetch":            {"POST", []string{"Authorization", auth, "Sec-Fetch-Site", "cross-site"}, 403},
		"same-site other origin":      {"POST", []string{"Authorization", auth, "Sec-Fetch-Site", "same-site"}, 403},
		"foreign Origin, old browser": {"POST", []string{"Authorization", auth, "Origin", "https://evil.example"}, 403},
		"same origin":                 {"POST", []string{"Authorization", auth, "Sec-Fetch-Site", "same-origin"}, 200},
		"matching Origin":             {"POST", []string{"Authorization", auth, "Origin", "http://veille.test"}, 200},
		"script without a browser":    {"POST", []string{"Authorization", auth}, 200},
		"cross-site without token":    {"POST", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		"cross-site GET is safe":      {"GET", []string{"Sec-Fetch-Site", "cross-site"}, 200},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			target := "http://veille.test/api/crawl"
			if tc.method == "GET" {
				target = "http://veille.test/api/sources"
			}
			rec := serveFrom(h, tc.method, target, "192.0.2.1:1", tc.header...)
			if rec.Code != tc.want {
				t.Errorf("%d, want %d: %s", rec.Code, tc.want, rec.Body.String())
			}
			if tc.want == 403 && strings.Contains(name, "cross") && tc.header[0] == "Authorization" && !strings.Contains(rec.Body.String(), "cross-origin") {
				t.Errorf("refusal does not say why: %s", rec.Body.String())
			}
		})
	}
	if crawls != 3 {
		t.Errorf("%d crawls ran, want the 3 allowed requests", crawls)
	}
}

func TestOversizeBodyRefused(t *testing.T) {
	s := limitedServer(t, Limits{MaxBody: 64 << 10}, func(o *Options) { o.AdminToken = testToken })
	h := s.Handler()
	r := httptest.NewRequest("POST", "/api/crawl", strings.NewReader(strings.Repeat("x", 1<<20)))
	r.Header.Set("Authorization", "Bearer "+testToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "over the 65536-byte limit") {
		t.Errorf("%d %s", rec.Code, rec.Body.String())
	}
}

// TestSecurityHeadersEverywhere checks the headers on every route and on
// the answers the middleware gives by itself (404, 405, 413, 429).
func TestSecurityHeadersEverywhere(t *testing.T) {
	f := sharedFixture(t)
	s := limitedServer(t, Limits{Rate: 0.001, Burst: 1, MaxBody: 10}, nil)
	h := s.Handler()
	var itemID string
	for _, it := range f.report.New {
		itemID = it.ID
		break
	}
	paths := []string{"/", "/?q=chrome", "/items/" + itemID, "/items/nope", "/sources", "/robots.txt", "/feed.atom", "/sources.opml",
		"/healthz", "/metrics", "/api/search?q=x", "/api/items/" + itemID, "/api/items/nope", "/api/sources", "/digests",
		"/api/deliveries", "/static/nope.css", "/nowhere", "/api/nowhere", "/?limit=-1"}
	for _, p := range paths {
		rec := serveFrom(h, "GET", p, "192.0.2.99:1")
		checkRecorderHeaders(t, "GET "+p, rec)
	}
	checkRecorderHeaders(t, "429", serveFrom(h, "GET", "/api/search?q=y", "192.0.2.99:1"))
	checkRecorderHeaders(t, "405", serveFrom(h, "DELETE", "/api/sources", "192.0.2.1:1"))
	checkRecorderHeaders(t, "403 cross-origin", serveFrom(h, "POST", "/api/crawl", "192.0.2.1:1", "Sec-Fetch-Site", "cross-site"))
	r := httptest.NewRequest("POST", "/api/crawl", strings.NewReader("0123456789abcdef"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	checkRecorderHeaders(t, "413", rec)
	// a static asset by its real name
	for name := range s.assets.byHashed {
		checkRecorderHeaders(t, "asset", serveFrom(h, "GET", "/static/"+name, "192.0.2.2:1"))
		break
	}
}

func checkRecorderHeaders(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	h := rec.Header()
	for k, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff",
		"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
	} {
		if !strings.Contains(h.Get(k), want) {
			t.Errorf("%s (%d): %s is %q", what, rec.Code, k, h.Get(k))
		}
	}
}
