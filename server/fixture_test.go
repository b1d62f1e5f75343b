package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/demo"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/store"
	"github.com/nogentech/veille/watch"
)

// The tests share one data dir: the embedded sample of real feeds, served
// on loopback and crawled through the real crawler, tagger, store and
// index. Building it takes seconds, so it is built once per test binary.

const (
	testToken    = "s3cret-admin-token"
	testTokenEnv = "VEILLE_TEST_ADMIN_TOKEN"
	// brokenSource answers 404 and has a history of failures: stale.
	brokenSource = "broken-feed"
	// hostileID is an item whose title and HTML try to inject markup.
	hostileID = "hostile-item-for-escaping-tests"
)

var (
	sharedDir string
	shared    struct {
		once sync.Once
		f    *fixture
		err  error
	}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "veille-server-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sharedDir = dir
	code := m.Run()
	if bench.b.ix != nil {
		bench.b.ts.Close()
		bench.b.ix.Close()
	}
	if shared.f != nil {
		shared.f.close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

type fixture struct {
	cfg    veille.Config
	farm   *httptest.Server
	store  *store.Store
	index  *index.Index
	watch  *watch.Watch
	report watch.Report
	// srv has the admin token configured; ts serves it.
	srv *Server
	ts  *httptest.Server
}

func (f *fixture) close() {
	f.ts.Close()
	f.srv.Wait()
	f.index.Close()
	f.store.Close()
	f.farm.Close()
}

// sharedFixture returns the data dir built from the demo sample.
func sharedFixture(t testing.TB) *fixture {
	t.Helper()
	shared.once.Do(func() { shared.f, shared.err = buildFixture(sharedDir) })
	if shared.err != nil {
		t.Fatalf("build fixture: %v", shared.err)
	}
	return shared.f
}

func testLogger() *slog.Logger {
	if os.Getenv("VEILLE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func buildFixture(dir string) (*fixture, error) {
	ctx := context.Background()
	f := &fixture{farm: httptest.NewServer(demo.Handler())}
	cfg, err := demo.Config(f.farm.URL)
	if err != nil {
		return nil, fmt.Errorf("demo config: %w", err)
	}
	cfg.Sources = append(cfg.Sources, veille.Source{ID: brokenSource, Name: "Flux cassé (test)", Kind: veille.KindFeed,
		URL: f.farm.URL + "/no-such-feed.xml", Every: veille.Duration(time.Hour), Lang: "fr", Jurisdiction: "FR"})
	cfg.Server.AdminTokenEnv = testTokenEnv
	if cfg.Location == nil {
		cfg.Location, _ = time.LoadLocation("Europe/Paris")
	}
	f.cfg = cfg

	if f.store, err = store.Open(ctx, filepath.Join(dir, "veille.db")); err != nil {
		return nil, err
	}
	if f.index, err = index.Open(filepath.Join(dir, "index.bleve"), index.Options{Logger: testLogger()}); err != nil {
		return nil, err
	}
	tagger, err := veille.NewTagger(cfg.Domains, cfg.Competences)
	if err != nil {
		return nil, err
	}
	cr := crawler.New(crawler.Options{UserAgent: "veille-test", Timeout: 10 * time.Second, AllowPrivateNetworks: true,
		HostDelay: time.Millisecond, Logger: testLogger()})
	f.watch = watch.New(watch.Options{Config: cfg, Crawler: cr, Tagger: tagger, Store: f.store, Index: f.index, Logger: testLogger()})

	// The broken source last succeeded four of its intervals ago and has
	// failed since: the crawl below adds one more failure.
	now := time.Now()
	if err := f.store.SaveFetchStates(ctx, []veille.FetchState{{Source: brokenSource, LastAttempt: now.Add(-2 * time.Hour),
		LastSuccess: now.Add(-4 * time.Hour), Status: 404, Error: "HTTP 404", Failures: 3}}); err != nil {
		return nil, err
	}
	if f.report, err = f.watch.Crawl(ctx, watch.CrawlOptions{}); err != nil {
		return nil, fmt.Errorf("crawl the sample: %w", err)
	}
	if len(f.report.New) < 100 {
		return nil, fmt.Errorf("the sample gave only %d items", len(f.report.New))
	}
	if err := addHostileItem(ctx, f.store, f.index); err != nil {
		return nil, err
	}
	f.srv, err = New(Options{Config: cfg, Index: f.index, Store: f.store, Logger: testLogger(),
		Getenv: func(k string) string {
			if k == testTokenEnv {
				return testToken
			}
			return ""
		},
		Crawl: func(ctx context.Context, sources []string) (watch.Report, error) {
			return f.watch.Crawl(ctx, watch.CrawlOptions{Sources: sources})
		}})
	if err != nil {
		return nil, err
	}
	f.ts = httptest.NewServer(f.srv.Handler())
	return f, nil
}

// addHostileItem stores and indexes an item whose text tries to run script
// in the pages, the way a compromised or careless publisher might.
func addHostileItem(ctx context.Context, st *store.Store, ix *index.Index) error {
	it := veille.Item{ID: hostileID, Title: `Alerte <script>alert("titre")</script> & "guillemets"`,
		Link: "https://example.org/alerte?a=1&b=2", Source: brokenSource, Sources: []string{brokenSource},
		Published: time.Date(2001, 3, 4, 10, 0, 0, 0, time.UTC), FirstSeen: time.Date(2001, 3, 4, 10, 0, 0, 0, time.UTC),
		Lang: "fr", Summary: `Résumé <img src=x onerror=alert(1)> texte`,
		Content: "Premier paragraphe.\nSecond paragraphe.",
		HTML: `<p onclick="alert(2)">Texte <b>gras</b> <a href="javascript:alert(3)">piège</a> ` +
			`<a href="https://example.org/ok">lien sûr</a></p><script>alert(4)</script><iframe src="https://evil.example"></iframe>` +
			`<style>body{display:none}</style><img src="https://tracker.example/pixel.gif">`}
	res, err := st.UpsertItems(ctx, []veille.Item{it})
	if err != nil {
		return fmt.Errorf("store hostile item: %w", err)
	}
	changed := append(res.New, res.Updated...)
	if err := ix.Upsert(ctx, changed, res.MaxSeq); err != nil {
		return fmt.Errorf("index hostile item: %w", err)
	}
	return nil
}

// newServer builds another server on the shared data with other options.
func newServer(t testing.TB, f *fixture, mod func(*Options)) *httptest.Server {
	t.Helper()
	o := Options{Config: f.cfg, Index: f.index, Store: f.store, Logger: testLogger(), Getenv: func(string) string { return "" }}
	if mod != nil {
		mod(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// get fetches a URL without transparent decompression, so tests see the
// Content-Encoding the server chose.
func get(t testing.TB, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	return do(t, http.MethodGet, url, header...)
}

func do(t testing.TB, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp, body
}
