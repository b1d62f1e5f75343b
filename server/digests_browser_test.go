package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nogentech/veille/demo"
)

// cspWatch gathers the Content-Security-Policy violations Chromium reports
// (Log and Runtime events, through chromedp.Console).
type cspWatch struct {
	mu   sync.Mutex
	msgs []string
}

func watchCSP(b *browser) *cspWatch {
	w := &cspWatch{}
	messages := chromedp.Console(b.ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "Content-Security-Policy") {
				w.mu.Lock()
				w.msgs = append(w.msgs, m.URL+": "+m.Text)
				w.mu.Unlock()
			}
		}
	}()
	return w
}

func (w *cspWatch) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.msgs)
}

// since returns the violations after the first n.
func (w *cspWatch) since(n int) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.msgs[n:]...)
}

// TestDigestPagesCSP opens the digest list, a past week and the week in
// progress in French and in English, and fails on any CSP violation the
// browser reports. A page that breaks the policy on purpose proves first
// that the listener hears them.
func TestDigestPagesCSP(t *testing.T) {
	b := newBrowser(t)
	csp := watchCSP(b)
	ts, _ := digestServer(t, "")
	dir := artifactDir(t)

	// The proof: inline styles under the site's own policy.
	bad := httptest.NewServer(securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head><style>p{color:red}</style></head><body><p style="color:blue">inline</p></body></html>`))
	})))
	defer bad.Close()
	b.navigate(t, "open a violating page", chromedp.Navigate(bad.URL+"/"))
	deadline := time.Now().Add(5 * time.Second)
	for csp.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if csp.count() == 0 {
		t.Fatal("the listener heard no CSP violation from a page with inline styles: it would hear none on the digest pages either")
	}
	t.Logf("the listener hears violations: %s", csp.since(0)[0])
	// The page has two violations (a style element, a style attribute):
	// let the second arrive before the digest pages are counted.
	time.Sleep(500 * time.Millisecond)

	// The sample's digests, as `veille demo` builds them: real feed text.
	f := sharedFixture(t)
	dcfg, err := demo.WithDigests(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	sample, err := demo.BuildDigests(context.Background(), dcfg, f.store, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dsrv, err := New(Options{Config: dcfg, Index: f.index, Store: f.store, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	demoTS := httptest.NewServer(dsrv.Handler())
	defer demoTS.Close()

	pages := []struct{ base, path, sel, want, shot string }{
		{ts.URL, "/digests?ui=fr", "section.digest-card", "chaque lundi à 8\u00a0h", "digests-fr.png"},
		{ts.URL, "/digests/environment-weekly/2026-W48?ui=fr", "article.digest", "Couverture des sources", "digest-week-fr.png"},
		{ts.URL, "/digests/environment-weekly/2026-W49?ui=fr", "article.digest", "en cours", "digest-current-fr.png"},
		{ts.URL, "/digests?ui=en", "section.digest-card", "every Monday at 8:00", "digests-en.png"},
		{ts.URL, "/digests/environment-weekly/2026-W48?ui=en", "article.digest", "Source coverage", "digest-week-en.png"},
		{ts.URL, "/digests/environment-weekly/2026-W49?ui=en", "article.digest", "in progress", "digest-current-en.png"},
		{demoTS.URL, "/digests?ui=fr", "section.digest-card", "Votre veille", "demo-digests-fr.png"},
		{demoTS.URL, "/digests/environment-weekly/" + sample.Key + "?ui=fr", "ul.entries", "Lire la source", "demo-digest-fr.png"},
		{demoTS.URL, "/digests/members-weekly/" + sample.Key + "?ui=en&member=forge-exemple", "article.digest", "Selection for", "demo-member-en.png"},
	}
	for _, p := range pages {
		before := csp.count()
		b.navigate(t, "open "+p.path, chromedp.Navigate(p.base+p.path))
		b.do(t, "wait for "+p.path, chromedp.WaitVisible(chromedp.CSS(p.sel)))
		if got := b.text(t, "main"); !strings.Contains(got, p.want) {
			t.Errorf("%s does not say %q", p.path, p.want)
		}
		// The site's stylesheet applies: the header bar has its colour.
		bg := value(t, b, "header colour", chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.top")).backgroundColor`))
		if bg != "rgb(18, 38, 63)" {
			t.Errorf("%s: header background %q: the stylesheet did not apply", p.path, bg)
		}
		b.screenshot(t, dir, p.shot)
		// Let late reports arrive before counting.
		time.Sleep(300 * time.Millisecond)
		for _, v := range csp.since(before) {
			t.Errorf("%s: CSP violation: %s", p.path, v)
		}
	}
}
