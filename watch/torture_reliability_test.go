package watch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/fixtures"
	"github.com/nogentech/veille/watch"
)

// tortureDir is the feed-parser torture corpus (feedparser and gofeed test
// cases, see crawler/testdata/SOURCES.md), shared with the crawler's tests.
var tortureDir = fixtures.TortureDir()

// tortureCase is one file of the corpus as a source of a crawl.
type tortureCase struct {
	rel         string // path under tortureDir
	contentType string // from the file's "Header: Content-type:" line, if any
	wellFormed  bool
	// items is how many distinct usable entries (title or link) gofeed
	// alone reads in a well-formed file: the pipeline must keep them all.
	items int
}

var expectLine = regexp.MustCompile(`(?m)^Expect:\s*(.*)$`)

func loadTorture(t *testing.T) []tortureCase {
	t.Helper()
	var out []tortureCase
	for _, f := range fixtures.Torture(t) {
		c := tortureCase{rel: f.Rel, contentType: f.ContentType}
		c.wellFormed, c.items = expectation(f.Path, f.Body)
		out = append(out, c)
	}
	return out
}

func expectation(path string, body []byte) (wellFormed bool, items int) {
	rel := filepath.ToSlash(path)
	if strings.Contains(rel, "/gofeed/") {
		exp := strings.TrimSuffix(path, filepath.Ext(path)) + ".json"
		if strings.HasSuffix(path, ".json") {
			exp = strings.TrimSuffix(path, ".json") + "_expected.json"
		}
		b, err := os.ReadFile(exp)
		if err != nil {
			return false, 0
		}
		if !json.Valid(b) {
			return false, 0
		}
		return true, usableEntries(body)
	}
	// feedparser: ill-formed by folder, or by an expectation of "bozo"
	m := expectLine.FindSubmatch(body)
	if strings.Contains(rel, "/illformed/") || (m != nil && strings.HasPrefix(strings.TrimSpace(string(m[1])), "bozo")) {
		return false, 0
	}
	return true, usableEntries(body)
}

// usableEntries parses body with gofeed alone, as an independent count of
// the entries that carry something a reader can use: a title, a link or
// some text (the pipeline drops entries with none of these).
func usableEntries(body []byte) int {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return -1
	}
	keys := map[string]bool{}
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		if k := strings.TrimSpace(it.Title) + "|" + strings.TrimSpace(it.Link); k != "|" {
			keys[k] = true
		}
	}
	return len(keys)
}

// unsupported are well-formed cases in formats veille does not read, or
// that feedparser's lenient parser accepts although they are not XML.
var unsupported = map[string]string{
	"entities/160.xml": "truncated: ends with `</rss` and no `>`",
}

func isUnsupported(rel string) (string, bool) {
	if why, ok := unsupported[rel]; ok {
		return why, true
	}
	if strings.Contains(rel, "/cdf") || strings.HasPrefix(rel, "wellformed/cdf/") {
		return "Microsoft CDF, not RSS, Atom, RDF or JSON Feed", true
	}
	return "", false
}

// TestTortureCorpusThroughCrawl sends every file of the torture corpus
// through the real crawl path (HTTP, charset, parse, normalise, tag, store,
// index) in one crawl, one source per file: no panic, no hang; each
// well-formed file yields its items; each ill-formed one yields what is
// recoverable or an error naming its source; the index ends with exactly
// what the store holds.
func TestTortureCorpusThroughCrawl(t *testing.T) {
	cases := loadTorture(t)
	if len(cases) < 390 { // 463 files less gofeed's expected outputs
		t.Fatalf("only %d torture files", len(cases))
	}
	mux := http.NewServeMux()
	sources := make([]veille.Source, len(cases))
	for i, c := range cases {
		ct := c.contentType
		mux.HandleFunc("GET /"+c.rel, func(w http.ResponseWriter, r *http.Request) {
			if ct != "" {
				w.Header().Set("Content-Type", ct)
			}
			http.ServeFile(w, r, filepath.Join(tortureDir, c.rel))
		})
		sources[i] = feedSrc(fmt.Sprintf("t%03d", i), "") // URL set below
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for i, c := range cases {
		sources[i].URL = srv.URL + "/" + c.rel
		sources[i].Name = c.rel
	}
	r := newRig(t, sources, nil)
	start := time.Now()
	rep := r.crawl(watch.CrawlOptions{})
	took := time.Since(start)

	var wellFormed, illFormed, failed, items, recovered int
	for i, c := range cases {
		id := fmt.Sprintf("t%03d", i)
		sr := report(t, rep, id)
		items += sr.Fetched
		if sr.Err != nil {
			failed++
			if msg := sr.Err.Error(); !strings.HasPrefix(msg, "source "+id+": ") || !strings.Contains(msg, c.rel) {
				t.Errorf("%s: error does not name the source and its URL: %v", c.rel, sr.Err)
			}
			if strings.Contains(sr.Err.Error(), "internal error") {
				t.Errorf("%s: panicked: %v", c.rel, sr.Err)
			}
		}
		why, unsup := isUnsupported(c.rel)
		switch {
		case c.wellFormed && unsup:
			if sr.Err == nil {
				t.Errorf("%s (%s): parsed without error, %d items", c.rel, why, sr.Fetched)
			}
		case c.wellFormed:
			wellFormed++
			if sr.Err != nil {
				t.Errorf("%s: well-formed but failed: %v", c.rel, sr.Err)
			} else if sr.Fetched < c.items {
				t.Errorf("%s: %d items, gofeed alone reads %d usable entries", c.rel, sr.Fetched, c.items)
			}
		default:
			illFormed++
			if sr.Err == nil {
				recovered++
			}
		}
	}
	stored, err := r.store.CountItems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	indexed, err := r.index.Count()
	if err != nil {
		t.Fatal(err)
	}
	if uint64(stored) != indexed || stored == 0 {
		t.Errorf("store holds %d items, index %d documents", stored, indexed)
	}
	if wellFormed < 300 {
		t.Errorf("only %d well-formed cases were checked", wellFormed)
	}
	t.Logf("%d files in %v: %d well-formed, %d ill-formed (%d recovered without error), %d failed with an error; %d items fetched, %d stored and indexed",
		len(cases), took.Round(time.Millisecond), wellFormed, illFormed, recovered, failed, items, stored)
}
