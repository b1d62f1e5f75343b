package demo_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/demo"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/server"
	"github.com/nogentech/veille/store"
	"github.com/nogentech/veille/watch"
)

// TestDemoDigests crawls the sample as `veille demo` does, builds its
// digests, and reads them through the web server: /digests lists each
// digest with a period, the period holds items, and no delivery exists.
func TestDemoDigests(t *testing.T) {
	ctx := context.Background()
	farm := httptest.NewServer(demo.Handler())
	defer farm.Close()
	cfg, err := demo.Config(farm.URL)
	if err == nil {
		cfg, err = demo.WithDigests(cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Digests) == 0 {
		t.Fatal("the demo config has no digest: /digests would be empty")
	}
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "veille.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ix, err := index.Open(filepath.Join(dir, "index.bleve"), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	tagger, err := veille.NewTagger(cfg.Domains, cfg.Competences)
	if err != nil {
		t.Fatal(err)
	}
	cr := crawler.New(crawler.Options{UserAgent: "veille-test", Timeout: 10 * time.Second, AllowPrivateNetworks: true, HostDelay: time.Millisecond})
	w := watch.New(watch.Options{Config: cfg, Crawler: cr, Tagger: tagger, Store: st, Index: ix})
	if _, err := w.Crawl(ctx, watch.CrawlOptions{}); err != nil {
		t.Fatal(err)
	}
	p, err := demo.BuildDigests(ctx, cfg, st, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.Deliveries(ctx, store.DeliveryFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 0 {
		t.Errorf("building the demo's digests claimed %d deliveries; a demo never sends", len(rows))
	}
	srv, err := server.New(server.Options{Config: cfg, Store: st, Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	get := func(path string) string {
		t.Helper()
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return html.UnescapeString(string(b))
	}
	list := get("/digests")
	for _, dg := range cfg.Digests {
		if !strings.Contains(list, "/digests/"+dg.ID+"/"+p.Key) {
			t.Errorf("/digests does not link %s's period %s", dg.ID, p.Key)
		}
	}
	page := get("/digests/environment-weekly/" + p.Key)
	m := regexp.MustCompile(`<strong>(\d+) éléments?</strong>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the demo's environment digest has no item count:\n%s", page[:min(len(page), 2000)])
	}
	if n, _ := strconv.Atoi(m[1]); n < 5 {
		t.Errorf("the demo's environment digest lists %d items; the sample has dozens", n)
	}
	t.Logf("environment digest of the demo: %s items over %s", m[1], p.Key)

	// The shipped environment digest is the commission's edition: the demo
	// shows this week's, approved and sent to nobody.
	week := digest.WeekOf(time.Now(), cfg.Loc()).Key
	if eds := get("/editions"); !strings.Contains(eds, "/editions/environment-weekly/"+week) {
		t.Errorf("/editions does not link this week's edition (%s)", week)
	}
	edition := get("/editions/environment-weekly/" + week)
	if n := strings.Count(edition, `class="edition-item"`); n != 8 {
		t.Errorf("the demo's edition shows %d texts, want 8", n)
	}
	if !strings.Contains(edition, "Approuvée par veille demo") {
		t.Error("the demo's edition does not say who approved it")
	}
}
