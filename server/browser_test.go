package server

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/nogentech/veille/internal/i18n"
)

// findChromium looks for Debian's chromium (what .ci/run installs), then
// the other usual names.
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// artifactDir is where screenshots go: $VEILLE_ARTIFACTS when set (CI
// keeps it), else a temporary directory.
func artifactDir(t *testing.T) string {
	if d := os.Getenv("VEILLE_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// browser is a headless chromium with a fresh profile, one tab, and the
// console messages of its pages.
type browser struct {
	ctx    context.Context
	mu     sync.Mutex
	errors []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := findChromium()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; .ci/run must apt-get install chromium")
		}
		t.Skip("chromium is not installed (apt-get install chromium): skipping the browser test")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// What a French browser sends; headless chromium says en-US.
		chromedp.Flag("accept-lang", "fr-FR,fr"),
		chromedp.WindowSize(1280, 1000),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	// The first action starts the browser; it must not run under a timeout,
	// which would stop the browser with it.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium (%s): %v", path, err)
	}
	b := &browser{ctx: ctx}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.errors = append(b.errors, m.String())
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// do runs steps, each step bounded so that a missing element fails the
// test instead of hanging it.
func (b *browser) do(t *testing.T, step string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// navigate runs steps that load a page and waits for it to load; it
// fails on an HTTP error status.
func (b *browser) navigate(t *testing.T, step string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if resp.Status != 200 {
		t.Fatalf("%s: %s answered %d", step, resp.URL, resp.Status)
	}
}

func value[T any](t *testing.T, b *browser, step string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return v
}

func (b *browser) screenshot(t *testing.T, dir, name string) {
	t.Helper()
	png := value(t, b, "screenshot "+name, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(value(t, b, "read "+sel, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)))
}

func (b *browser) count(t *testing.T, sel string) int {
	t.Helper()
	return value(t, b, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
}

func (b *browser) location(t *testing.T) *url.URL {
	t.Helper()
	u, err := url.Parse(value(t, b, "location", chromedp.Location()))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestBrowser walks through what a quality manager does: opens the page,
// searches, narrows with a facet, pages, opens an item, checks the health
// of the sources and switches to English. It saves a screenshot per step.
func TestBrowser(t *testing.T) {
	b := newBrowser(t)
	f := sharedFixture(t)
	dir := artifactDir(t)
	t.Logf("screenshots in %s", dir)

	// A search whose first domain or source facet has more than one page
	// of hits, so that the facet click can be followed by paging.
	var query, facet, term, label string
	var facetCount int
	found := false
	for _, q := range []string{"dispositifs médicaux", "santé", "arrêté", ""} {
		res := apiSearch(t, f, url.Values{"q": {q}})
		for _, name := range []string{"domain", "source"} {
			for _, fc := range res.Facets[name] {
				if fc.Count > 20 && uint64(fc.Count) < res.Total && !found {
					query, facet, term, facetCount, found = q, name, fc.Term, fc.Count, true
				}
			}
		}
		if found {
			break
		}
	}
	if !found {
		t.Fatal("no search in the sample has a facet with more than one page")
	}
	label = f.srv.termLabel(tr{lang: i18n.FR}, facet, term)
	t.Logf("searching %q, then facet %s=%s (%d hits)", query, facet, term, facetCount)

	// 1. The home page: the newest items, facets, no filter.
	b.navigate(t, "open home", chromedp.Navigate(f.ts.URL+"/"))
	b.do(t, "open home", chromedp.WaitVisible(chromedp.ID("q")))
	title := value(t, b, "title", chromedp.Title())
	if !strings.Contains(title, "Veille") {
		t.Errorf("title %q", title)
	}
	if n := b.count(t, "ol.hits > li"); n != 20 {
		t.Errorf("home shows %d items, want 20", n)
	}
	if got := b.text(t, "button[type=submit]"); got != "Rechercher" {
		t.Errorf("button says %q, want Rechercher (French by default)", got)
	}
	if n := b.count(t, "aside.facets section.facet"); n < 4 {
		t.Errorf("%d facet groups on the home page", n)
	}
	b.screenshot(t, dir, "01-home.png")

	// 2. Search by typing in the box and pressing Enter.
	b.navigate(t, "search", chromedp.SendKeys(chromedp.ID("q"), query+"\n"))
	b.do(t, "search", chromedp.WaitVisible(chromedp.CSS("ol.hits")))
	if got := b.location(t).Query().Get("q"); got != query {
		t.Errorf("q in URL = %q, want %q", got, query)
	}
	count := b.text(t, "#count")
	if !strings.Contains(count, "sur") && !strings.Contains(count, "résultat") {
		t.Errorf("count line %q", count)
	}
	if n := b.count(t, "ol.hits mark"); n == 0 {
		t.Error("no highlighted term in the results")
	}
	if n := b.count(t, "ol.hits .tag .why"); n == 0 {
		t.Error("no tag explains why it was given")
	}
	if n := b.count(t, `.follow a[href^="/feed.atom?"]`); n != 1 {
		t.Error("no Suivre (Atom) link for the search")
	}
	b.screenshot(t, dir, "02-search.png")

	// 3. Narrow with a facet: it becomes an active, removable filter.
	facetLink := fmt.Sprintf(`section[data-facet=%q] a[href*="%s=%s"]`, facet, facet, url.QueryEscape(term))
	b.navigate(t, "click facet", chromedp.Click(chromedp.CSS(facetLink)))
	b.do(t, "click facet", chromedp.WaitVisible(chromedp.CSS(".active-filters")))
	if got := b.location(t).Query()[facet]; len(got) != 1 || got[0] != term {
		t.Errorf("%s in URL = %v, want %s", facet, got, term)
	}
	if chip := b.text(t, ".active-filters .chip"); !strings.Contains(chip, label) {
		t.Errorf("active filter %q, want it to name %q", chip, label)
	}
	if count := b.text(t, "#count"); !strings.Contains(count, tr{lang: i18n.FR}.Number(int64(facetCount))) {
		t.Errorf("count line %q, want the facet's %d", count, facetCount)
	}
	b.screenshot(t, dir, "03-facet.png")

	// 4. Next page.
	b.navigate(t, "next page", chromedp.Click(chromedp.CSS(`nav.pages a[rel=next]`)))
	b.do(t, "next page", chromedp.WaitVisible(chromedp.CSS(`nav.pages a[rel=prev]`)))
	u := b.location(t)
	if u.Query().Get("offset") != "20" || u.Query().Get(facet) != term || u.Query().Get("q") != query {
		t.Errorf("page 2 URL %s lost the search", u)
	}
	if cur := b.text(t, `nav.pages span[aria-current]`); cur != "2" {
		t.Errorf("current page %q, want 2", cur)
	}
	if start := value(t, b, "list start", chromedp.AttributeValue(chromedp.CSS("ol.hits"), "start")); start.Value != "21" {
		t.Errorf("page 2 numbers from %q, want 21", start.Value)
	}

	// 5. Open the first item of the page.
	hitTitle := b.text(t, "ol.hits > li:first-child h2 a")
	b.navigate(t, "open item", chromedp.Click(chromedp.CSS("ol.hits > li:first-child h2 a")))
	b.do(t, "open item", chromedp.WaitVisible(chromedp.CSS("article.item h1")))
	if got := b.text(t, "article.item h1"); got != hitTitle {
		t.Errorf("item page title %q, want %q", got, hitTitle)
	}
	facts := b.text(t, "dl.facts")
	for _, w := range []string{"Publié le", "Langue", "Étiquettes"} {
		if !strings.Contains(facts, w) {
			t.Errorf("item facts lack %q: %s", w, facts)
		}
	}
	if n := b.count(t, `a.original[href^="http"]`); n != 1 {
		t.Error("no link to the original")
	}
	b.screenshot(t, dir, "04-item.png")

	// 6. The sources page, from the menu.
	b.navigate(t, "open sources", chromedp.Click(chromedp.CSS(`header nav a[href="/sources"]`)))
	b.do(t, "open sources", chromedp.WaitVisible(chromedp.CSS("table.sources")))
	if n := b.count(t, "table.sources tbody tr"); n != len(f.cfg.Sources) {
		t.Errorf("%d rows, config has %d sources", n, len(f.cfg.Sources))
	}
	if got := b.text(t, "#source-"+brokenSource+" .state"); got != "Obsolète" {
		t.Errorf("broken source state %q, want Obsolète", got)
	}
	if got := b.text(t, "#source-"+brokenSource+" td.err"); got == "" {
		t.Error("broken source shows no error")
	}
	if n := b.count(t, "table.sources tr.ok"); n == 0 {
		t.Error("no healthy source shown")
	}
	b.screenshot(t, dir, "05-sources.png")

	// 7. Switch to English; the choice sticks on the next page.
	b.navigate(t, "switch to English", chromedp.Click(chromedp.CSS("a.switch")))
	b.do(t, "switch to English", chromedp.WaitVisible(chromedp.CSS("table.sources")))
	if got := b.text(t, "h1"); got != "Source health" {
		t.Errorf("English sources title %q", got)
	}
	b.screenshot(t, dir, "06-sources-en.png")
	b.navigate(t, "home in English", chromedp.Navigate(f.ts.URL+"/?q="+url.QueryEscape(query)))
	b.do(t, "home in English", chromedp.WaitVisible(chromedp.CSS("ol.hits")))
	if got := b.text(t, "button[type=submit]"); got != "Search" {
		t.Errorf("after the switch the button says %q", got)
	}
	if got := b.text(t, ".follow a"); got != "Follow (Atom)" {
		t.Errorf("follow link %q", got)
	}

	// 8. The little script: changing the sort runs the search again.
	// SetValue fires input and change, as a person choosing in the list does.
	b.navigate(t, "sort by date", chromedp.SetValue(chromedp.ID("sort"), "date"))
	deadline := time.Now().Add(10 * time.Second)
	for b.location(t).Query().Get("sort") != "date" {
		if time.Now().After(deadline) {
			t.Fatal("changing the sort did not reload the search")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// 9. Without JavaScript the search still works: a plain form.
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.navigate(t, "reload without JavaScript", chromedp.Navigate(f.ts.URL+"/?ui=fr"))
	b.do(t, "type without JS", chromedp.WaitVisible(chromedp.ID("q")), chromedp.SendKeys(chromedp.ID("q"), query))
	b.navigate(t, "search without JS", chromedp.Click(chromedp.CSS("button[type=submit]")))
	b.do(t, "results without JS", chromedp.WaitVisible(chromedp.CSS("ol.hits mark")))
	if got := b.location(t).Query().Get("q"); got != query {
		t.Errorf("without JS, q = %q", got)
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errors {
		t.Errorf("browser reported: %s", e)
	}
}
