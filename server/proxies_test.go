package server

import (
	"bytes"
	"html"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/nogentech/veille"
)

// searchesAllowed counts the searches out of n that one client gets
// through, asking from remote with the X-Forwarded-For header xff.
func searchesAllowed(t *testing.T, h http.Handler, n int, remote, xff string) int {
	t.Helper()
	ok := 0
	for range n {
		var header []string
		if xff != "" {
			header = []string{"X-Forwarded-For", xff}
		}
		if rec := serveFrom(h, "GET", "/api/search?q=chrome&limit=1", remote, header...); rec.Code == 200 {
			ok++
		} else if rec.Code != 429 {
			t.Fatalf("search: %d %s", rec.Code, rec.Body.String())
		}
	}
	return ok
}

// TestRateLimitBehindTrustedProxy: behind a configured proxy each client
// has its own budget; a client that is not a configured proxy cannot
// escape its budget by writing X-Forwarded-For.
func TestRateLimitBehindTrustedProxy(t *testing.T) {
	withProxies := func(o *Options) {
		o.Config.Server.TrustedProxies = []string{"10.0.0.0/8", "192.0.2.1"}
	}
	l := Limits{Rate: 0.001, Burst: 3}

	// Two people behind the reverse proxy: 3 each, not 3 together.
	s := limitedServer(t, l, withProxies).Handler()
	if got := searchesAllowed(t, s, 5, "10.1.2.3:5000", "198.51.100.7"); got != 3 {
		t.Errorf("first client behind the proxy: %d searches, want its burst of 3", got)
	}
	if got := searchesAllowed(t, s, 5, "10.1.2.3:5001", "198.51.100.8"); got != 3 {
		t.Errorf("second client behind the same proxy: %d searches, want its own 3", got)
	}
	// Through two proxies (a load balancer then the reverse proxy): the
	// client is the first untrusted hop from the right; what it wrote
	// itself on the left does not count.
	if got := searchesAllowed(t, s, 5, "192.0.2.1:6000", "203.0.113.66, 198.51.100.7, 10.9.9.9"); got != 0 {
		t.Errorf("the first client through two proxies: %d more searches, want 0 (same client, budget spent)", got)
	}

	// Spoofing: an untrusted peer that writes a new X-Forwarded-For each
	// time stays in its own bucket.
	h := limitedServer(t, l, withProxies).Handler()
	ok := 0
	for i := range 6 {
		header := []string{"X-Forwarded-For", "198.51.100." + string(rune('1'+i))}
		if rec := serveFrom(h, "GET", "/api/search?q=chrome&limit=1", "203.0.113.5:7000", header...); rec.Code == 200 {
			ok++
		}
	}
	if ok != 3 {
		t.Errorf("an untrusted peer forging X-Forwarded-For got %d searches, want its burst of 3", ok)
	}

	// Without trusted proxies, the header is ignored everywhere: everyone
	// behind a proxy shares the proxy's budget (the documented default).
	s = limitedServer(t, l, nil).Handler()
	if a, b := searchesAllowed(t, s, 3, "10.1.2.3:1", "198.51.100.7"), searchesAllowed(t, s, 3, "10.1.2.3:2", "198.51.100.8"); a != 3 || b != 0 {
		t.Errorf("no trusted proxy: %d then %d searches, want 3 then 0 (one shared bucket)", a, b)
	}
}

// TestRateLimitSetting: server.rate_limit sets the rate and the burst,
// from a config file, over the defaults.
func TestRateLimitSetting(t *testing.T) {
	cfg, err := veille.ParseConfig([]byte(`
domains:
  - id: environment
    label: {fr: Environnement, en: Environment}
    keywords: [déchets]
server:
  rate_limit: {per_second: 0.001, burst: 2}
  trusted_proxies: [127.0.0.1]
`), "feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if rl := cfg.Server.RateLimit; rl == nil || rl.PerSecond != 0.001 || rl.Burst != 2 {
		t.Fatalf("rate_limit = %+v", cfg.Server.RateLimit)
	}
	s := limitedServer(t, DefaultLimits(), func(o *Options) { o.Config.Server = cfg.Server }).Handler()
	if got := searchesAllowed(t, s, 5, "192.0.2.50:1", ""); got != 2 {
		t.Errorf("%d searches, want the configured burst of 2", got)
	}
}

// TestRefusalsInTheReadersLanguage: the 429 of the search page is the
// site's page in the reader's language; the API's stays JSON.
func TestRefusalsInTheReadersLanguage(t *testing.T) {
	s := limitedServer(t, Limits{Rate: 0.5, Burst: 1}, nil)
	h := s.Handler()
	serveFrom(h, "GET", "/?q=chrome", "192.0.2.60:1")
	for lang, want := range map[string]string{
		"fr": "Trop de recherches depuis votre adresse : au plus 0,5 par seconde (1 d'affilée).",
		"en": "Too many searches from your address: at most 0.5 a second (1 in a row).",
	} {
		rec := serveFrom(h, "GET", "/?q=chrome&ui="+lang, "192.0.2.60:1")
		body := html.UnescapeString(rec.Body.String())
		if rec.Code != 429 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(body, want) ||
			!strings.Contains(body, `<html lang="`+lang+`"`) || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("429 in %s: %d %s %q, want the page saying %q", lang, rec.Code, rec.Header().Get("Content-Type"), body[:min(300, len(body))], want)
		}
		if !strings.Contains(body, `<a class="back" href="/?q=chrome">`) {
			t.Errorf("429 in %s: the way back drops the search", lang)
		}
	}
	rec := serveFrom(h, "GET", "/api/search?q=chrome", "192.0.2.60:1")
	if rec.Code != 429 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Errorf("API 429: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	rec = serveFrom(h, "DELETE", "/sources?ui=fr", "192.0.2.61:1")
	if body := html.UnescapeString(rec.Body.String()); rec.Code != 405 || !strings.Contains(body, "La méthode DELETE n'est pas acceptée sur /sources") {
		t.Errorf("405 page: %d %s", rec.Code, body)
	}
}

// TestAccessLogNamesTheClient: behind a trusted proxy the access log names
// the client, not only the proxy.
func TestAccessLogNamesTheClient(t *testing.T) {
	var buf bytes.Buffer
	s := limitedServer(t, Limits{}, func(o *Options) {
		o.Config.Server.TrustedProxies = []string{"10.0.0.0/8"}
		o.Logger = slog.New(slog.NewJSONHandler(&buf, nil))
	})
	serveFrom(s.Handler(), "GET", "/robots.txt", "10.0.0.1:443", "X-Forwarded-For", "198.51.100.7")
	serveFrom(s.Handler(), "GET", "/robots.txt", "203.0.113.9:443", "X-Forwarded-For", "198.51.100.8")
	logs := buf.String()
	if !strings.Contains(logs, `"remote":"10.0.0.1:443","client":"198.51.100.7"`) {
		t.Errorf("the log does not name the client behind the proxy:\n%s", logs)
	}
	if !strings.Contains(logs, `"remote":"203.0.113.9:443","client":"203.0.113.9"`) {
		t.Errorf("the log believed a forged X-Forwarded-For:\n%s", logs)
	}
}
