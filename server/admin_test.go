package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/nogentech/veille/watch"
)

// TestAdminCrawlInBackground: a crawl longer than the wait answers 202 and
// goes on; a second request meanwhile is refused; the report lands in the
// metrics when the crawl ends.
func TestAdminCrawlInBackground(t *testing.T) {
	f := sharedFixture(t)
	source := apiSearch(t, f, url.Values{}).Facets["source"][0].Term
	release := make(chan struct{})
	metrics := NewMetrics(MetricsOptions{Index: f.index})
	ts := newServer(t, f, func(o *Options) {
		o.AdminToken = "tok"
		o.CrawlWait = 50 * time.Millisecond
		o.Metrics = metrics
		o.Crawl = func(ctx context.Context, sources []string) (watch.Report, error) {
			<-release // a slow publisher
			return f.watch.Crawl(ctx, watch.CrawlOptions{Sources: sources})
		}
	})
	auth := []string{"Authorization", "Bearer tok"}
	resp, body := do(t, http.MethodPost, ts.URL+"/api/crawl/"+source, auth...)
	if resp.StatusCode != http.StatusAccepted || !strings.Contains(string(body), `"status":"running"`) {
		t.Fatalf("slow crawl: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, http.MethodPost, ts.URL+"/api/crawl", auth...)
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("second crawl while one runs: %d %s", resp.StatusCode, body)
	}
	close(release)
	deadline := time.Now().Add(30 * time.Second)
	for counterValue(t, metrics, "veille_crawls_total", "source", source) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the background crawl was never recorded")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Once it is over, another crawl may start.
	deadline = time.Now().Add(30 * time.Second)
	for {
		resp, body = do(t, http.MethodPost, ts.URL+"/api/crawl/"+source, auth...)
		if resp.StatusCode != http.StatusConflict || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if resp.StatusCode != http.StatusOK {
		t.Errorf("crawl after the first ended: %d %s", resp.StatusCode, body)
	}
}

func TestAdminRoutesWiring(t *testing.T) {
	f := sharedFixture(t)
	tests := map[string]struct {
		mod    func(*Options)
		header []string
		status int
		want   string
	}{
		"token from options": {mod: func(o *Options) { o.AdminToken = "abc"; o.Crawl = nilCrawl }, header: []string{"Authorization", "Bearer abc"}, status: 503, want: "no crawler"},
		"token from the environment variable the config names": {
			mod: func(o *Options) {
				o.Config.Server.AdminTokenEnv = "MY_TOKEN"
				o.Getenv = func(k string) string { return map[string]string{"MY_TOKEN": "xyz"}[k] }
			},
			header: []string{"Authorization", "bearer xyz"}, status: 503, want: "no crawler"},
		"variable named but unset": {
			mod:    func(o *Options) { o.Config.Server.AdminTokenEnv = "MY_TOKEN" },
			header: []string{"Authorization", "Bearer "}, status: 403, want: "set the environment variable MY_TOKEN"},
		"no variable named": {
			mod:    func(o *Options) { o.Config.Server.AdminTokenEnv = "" },
			header: []string{"Authorization", "Bearer x"}, status: 403, want: "server.admin_token_env"},
		"empty bearer is not the token": {mod: func(o *Options) { o.AdminToken = "abc" }, header: []string{"Authorization", "Bearer"}, status: 401, want: "token"},
		"token prefix is not the token": {mod: func(o *Options) { o.AdminToken = "abc" }, header: []string{"Authorization", "Bearer ab"}, status: 401, want: "token"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ts := newServer(t, f, tc.mod)
			resp, body := do(t, http.MethodPost, ts.URL+"/api/crawl", tc.header...)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
				t.Errorf("%d %s, want %d with %q", resp.StatusCode, body, tc.status, tc.want)
			}
		})
	}
}

var nilCrawl CrawlFunc

func counterValue(t *testing.T, m *Metrics, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, metric := range mf.GetMetric() {
			if hasLabels(metric, labels...) {
				switch {
				case metric.Counter != nil:
					total += metric.Counter.GetValue()
				case metric.Gauge != nil:
					total += metric.Gauge.GetValue()
				case metric.Histogram != nil:
					total += float64(metric.Histogram.GetSampleCount())
				}
			}
		}
	}
	return total
}

func hasLabels(m *dto.Metric, kv ...string) bool {
	for i := 0; i+1 < len(kv); i += 2 {
		found := false
		for _, lp := range m.GetLabel() {
			if lp.GetName() == kv[i] && lp.GetValue() == kv[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func TestMetrics(t *testing.T) {
	f := sharedFixture(t)
	m := NewMetrics(MetricsOptions{Index: f.index})
	m.ObserveCrawl(f.report)

	crawled, news := 0, 0
	for _, sr := range f.report.Sources {
		if sr.Skipped {
			continue
		}
		crawled++
		news += sr.New
		if got := counterValue(t, m, "veille_crawls_total", "source", sr.Source); got != 1 {
			t.Errorf("crawls of %s = %v", sr.Source, got)
		}
		wantFail := 0.0
		if sr.Err != nil {
			wantFail = 1
		}
		if got := counterValue(t, m, "veille_crawl_failures_total", "source", sr.Source); got != wantFail {
			t.Errorf("failures of %s = %v, want %v", sr.Source, got, wantFail)
		}
		if got := counterValue(t, m, "veille_fetch_duration_seconds", "source", sr.Source); got != 1 {
			t.Errorf("fetch durations of %s: %v observations", sr.Source, got)
		}
	}
	if got := counterValue(t, m, "veille_crawl_failures_total", "source", brokenSource); got != 1 {
		t.Errorf("the broken source has %v failures", got)
	}
	if got := counterValue(t, m, "veille_items_new_total"); int(got) != news || news != len(f.report.New) {
		t.Errorf("new items %v, sources say %d, the report %d", got, news, len(f.report.New))
	}
	if got := counterValue(t, m, "veille_parse_duration_seconds"); int(got) != crawled {
		t.Errorf("%v parse observations for %d sources", got, crawled)
	}
	n, _ := f.index.Count()
	if got := counterValue(t, m, "veille_index_documents"); got != float64(n) {
		t.Errorf("index documents %v, index has %d", got, n)
	}

	// Requests are counted by route pattern and status, searches timed.
	ts := newServer(t, f, func(o *Options) { o.Metrics = m })
	id := apiSearch(t, f, url.Values{"limit": {"1"}}).Hits[0].ID
	get(t, ts.URL+"/api/items/"+id)
	get(t, ts.URL+"/api/items/"+id)
	get(t, ts.URL+"/api/items/nope")
	get(t, ts.URL+"/api/search?q=sant%C3%A9")
	get(t, ts.URL+"/api/search?q=%22open")
	get(t, ts.URL+"/nowhere")
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"veille_http_requests_total", []string{"route", "GET /api/items/{id}", "code", "200"}, 2},
		{"veille_http_requests_total", []string{"route", "GET /api/items/{id}", "code", "404"}, 1},
		{"veille_http_requests_total", []string{"route", "GET /api/search", "code", "400"}, 1},
		{"veille_http_requests_total", []string{"route", "/", "code", "404"}, 1},
		{"veille_http_request_duration_seconds", []string{"route", "GET /api/search"}, 2},
		{"veille_search_duration_seconds", []string{"endpoint", "api"}, 2},
		{"veille_search_errors_total", []string{"kind", "query"}, 1},
	} {
		if got := counterValue(t, m, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	_, body := get(t, ts.URL+"/metrics")
	if !strings.Contains(string(body), `veille_http_requests_total{code="200",route="GET /api/items/{id}"} 2`) {
		t.Error("the text format lacks the request counter")
	}
}

// The local routes (CLI commands beside a running serve) answer anonymous
// requests over TCP with 401 or 403, like every admin route; with the
// token they answer, and the local handler (served only on the data dir's
// owner-only socket) answers without one.
func TestLocalRoutesNeedTheToken(t *testing.T) {
	f := sharedFixture(t)
	var calls []string
	local := func(ctx context.Context, command string, q url.Values) (any, error) {
		calls = append(calls, command+" "+q.Get("id"))
		if q.Get("id") == "bad" {
			return nil, badFlag{}
		}
		return map[string]string{"answer": "secret preview"}, nil
	}
	path := "/api/admin/local/digest?id=environment-weekly"
	for name, tc := range map[string]struct {
		mod    func(*Options)
		header []string
		status int
	}{
		"no token configured":     {mod: func(o *Options) { o.Local = local }, status: 403},
		"no token sent":           {mod: func(o *Options) { o.Local = local; o.AdminToken = "tok" }, status: 401},
		"wrong token":             {mod: func(o *Options) { o.Local = local; o.AdminToken = "tok" }, header: []string{"Authorization", "Bearer to"}, status: 401},
		"token in another header": {mod: func(o *Options) { o.Local = local; o.AdminToken = "tok" }, header: []string{"X-Token", "tok"}, status: 401},
		"the token":               {mod: func(o *Options) { o.Local = local; o.AdminToken = "tok" }, header: []string{"Authorization", "Bearer tok"}, status: 200},
	} {
		t.Run(name, func(t *testing.T) {
			calls = nil
			ts := newServer(t, f, tc.mod)
			resp, body := do(t, http.MethodGet, ts.URL+path, tc.header...)
			if resp.StatusCode != tc.status {
				t.Errorf("%d %s, want %d", resp.StatusCode, body, tc.status)
			}
			if tc.status != 200 && (len(calls) != 0 || strings.Contains(string(body), "secret")) {
				t.Errorf("an anonymous request ran the command: %v %s", calls, body)
			}
		})
	}
	// The socket's handler: no token, the command's answer, flag mistakes as 400.
	s, err := New(Options{Config: f.cfg, Index: f.index, Store: f.store, Logger: testLogger(), Local: local})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.LocalHandler())
	defer ts.Close()
	if resp, body := do(t, http.MethodGet, ts.URL+path); resp.StatusCode != 200 || !strings.Contains(string(body), "secret preview") {
		t.Errorf("local handler: %d %s", resp.StatusCode, body)
	}
	if resp, body := do(t, http.MethodGet, ts.URL+"/api/admin/local/digest?id=bad"); resp.StatusCode != 400 || !strings.Contains(string(body), "bad flag") {
		t.Errorf("local handler, bad flag: %d %s", resp.StatusCode, body)
	}
	// It serves nothing else: the search and the crawl stay on TCP.
	if resp, _ := do(t, http.MethodPost, ts.URL+"/api/crawl"); resp.StatusCode != 404 {
		t.Errorf("local handler serves POST /api/crawl: %d", resp.StatusCode)
	}
}

type badFlag struct{}

func (badFlag) Error() string   { return "bad flag" }
func (badFlag) HTTPStatus() int { return http.StatusBadRequest }
