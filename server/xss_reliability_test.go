package server

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/demo"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/internal/xsscheck"
	"github.com/nogentech/veille/store"
	"github.com/nogentech/veille/watch"
)

// xssFeed is an RSS feed with one item per payload of the corpus, in its
// title, link, description (as markup) and author.
func xssFeed() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>XSS</title><link>https://xss.example/</link><language>fr</language>`)
	for i, p := range xsscheck.Payloads() {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid isPermaLink=\"false\">xss-%03d</guid><description>%s</description><author>%s</author><pubDate>%s</pubDate></item>",
			html.EscapeString(fmt.Sprintf("Avis-%03d %s", i, p)), html.EscapeString(p), i, html.EscapeString(p), html.EscapeString(p),
			time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// xssServer crawls the XSS feed through the real pipeline into a fresh
// data dir, adds the same payloads straight into the store and index (as
// if the crawler's own cleaning had failed), and serves the result.
func xssServer(t *testing.T) (*httptest.Server, int) {
	t.Helper()
	ctx := context.Background()
	feed := xssFeed()
	farm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(feed)
	}))
	t.Cleanup(farm.Close)
	cfg, err := demo.Config(farm.URL)
	if err != nil {
		t.Fatal(err)
	}
	src := veille.Source{ID: "xss-feed", Name: `Flux <script>alert("source")</script>`, Kind: veille.KindFeed, URL: farm.URL + "/feed.xml",
		Every: veille.Duration(time.Hour), Lang: "fr"}
	cfg.Sources = append(cfg.Sources, src)
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "veille.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ix, err := index.Open(filepath.Join(dir, "index.bleve"), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	tg, err := veille.NewTagger(cfg.Domains, cfg.Competences)
	if err != nil {
		t.Fatal(err)
	}
	w := watch.New(watch.Options{Config: cfg, Crawler: crawler.New(crawler.Options{AllowPrivateNetworks: true, HostDelay: -1}),
		Tagger: tg, Store: st, Index: ix})
	rep, err := w.Crawl(ctx, watch.CrawlOptions{Sources: []string{src.ID}})
	if err != nil || rep.Failed() > 0 {
		t.Fatalf("crawl: %v %+v", err, rep.Sources)
	}
	crawled := len(rep.New)
	// the raw payloads, past the crawler
	var raw []veille.Item
	for i, p := range xsscheck.Payloads() {
		raw = append(raw, veille.Item{ID: fmt.Sprintf("raw-%03d", i), Title: fmt.Sprintf("Avis-raw-%03d %s", i, p), Link: p, GUID: p,
			Source: src.ID, Sources: []string{src.ID}, Lang: "fr", Summary: p, Content: p, HTML: p, Authors: []string{p},
			Categories: []string{p}, Published: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
			FirstSeen: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC), Domains: []string{"environment"}, Competences: []string{"forging"},
			Why: map[string][]string{"environment": {p}, "forging": {p}}})
	}
	res, err := st.UpsertItems(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Upsert(ctx, append(res.New, res.Updated...), res.MaxSeq); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Config: cfg, Index: ix, Store: st, Logger: testLogger(), Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, crawled + len(raw)
}

func checkPage(t *testing.T, what string, body []byte) {
	t.Helper()
	if f := xsscheck.CountString(string(body)); !f.Clean() {
		t.Errorf("%s: %v", what, f)
	}
}

// TestXSSCorpusInPages renders the 120 payloads, crawled and raw, in the
// search results, every item page, the sources page and the Atom feed:
// parsed as a browser parses them, none has a script element of its own,
// an on* attribute or a javascript: URL.
func TestXSSCorpusInPages(t *testing.T) {
	ts, n := xssServer(t)
	if n < 200 {
		t.Fatalf("only %d hostile items", n)
	}
	shown := 0
	var ids []string
	for offset := 0; offset < n; offset += MaxLimit {
		for _, q := range []string{"", "Avis", "script alert"} {
			// all=1: the hostile items have no tag, and the page without a
			// query lists only tagged items unless asked for every one.
			resp, body := get(t, fmt.Sprintf("%s/?q=%s&limit=%d&offset=%d&all=1", ts.URL, url.QueryEscape(q), MaxLimit, offset))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("search page: %d", resp.StatusCode)
			}
			checkPage(t, "search page q="+q, body)
			if q == "" {
				shown += strings.Count(string(body), "Avis-")
			}
		}
		resp, body := get(t, fmt.Sprintf("%s/api/search?limit=%d&offset=%d", ts.URL, MaxLimit, offset))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("api search: %d", resp.StatusCode)
		}
		// decoded, not split on "id": an act ({"kind", "id"}) holds one too
		var res veille.SearchResult
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatalf("api search: %v", err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
	}
	if shown < n {
		t.Errorf("the search pages show %d of %d items", shown, n)
	}
	if len(ids) != n {
		t.Fatalf("%d ids for %d items", len(ids), n)
	}
	for _, id := range ids {
		resp, body := get(t, ts.URL+"/items/"+id)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("item page %s: %d", id, resp.StatusCode)
		}
		checkPage(t, "item page "+id, body)
	}
	t.Logf("%d hostile items: %d search pages, %d item pages, the sources page and 2 feeds parsed, nothing that runs script", n, 3*((n+MaxLimit-1)/MaxLimit), len(ids))
	_, body := get(t, ts.URL+"/sources")
	checkPage(t, "sources page", body)

	for _, q := range []string{"", "Avis"} {
		resp, body := get(t, fmt.Sprintf("%s/feed.atom?q=%s&limit=%d", ts.URL, url.QueryEscape(q), MaxLimit))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("feed: %d", resp.StatusCode)
		}
		checkAtomXSS(t, body)
	}
}

// checkAtom reads the feed as a feed reader does: links followed, text
// shown as text, html and xhtml content rendered as markup.
func checkAtomXSS(t *testing.T, body []byte) {
	t.Helper()
	type text struct {
		Type  string `xml:"type,attr"`
		Inner string `xml:",innerxml"`
		Chars string `xml:",chardata"`
	}
	type link struct {
		Href string `xml:"href,attr"`
	}
	var feed struct {
		Links   []link `xml:"link"`
		Entries []struct {
			Title   text   `xml:"title"`
			Summary text   `xml:"summary"`
			Content text   `xml:"content"`
			Links   []link `xml:"link"`
			Authors []struct {
				Name string `xml:"name"`
				URI  string `xml:"uri"`
			} `xml:"author"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &feed); err != nil {
		t.Fatalf("feed is not XML: %v", err)
	}
	if len(feed.Entries) < 50 {
		t.Fatalf("feed has %d entries", len(feed.Entries))
	}
	for _, l := range feed.Links {
		if xsscheck.ScriptURL(l.Href) {
			t.Errorf("feed link %q", l.Href)
		}
	}
	for _, e := range feed.Entries {
		for _, l := range e.Links {
			if xsscheck.ScriptURL(l.Href) {
				t.Errorf("entry %q: link %q", e.Title.Chars, l.Href)
			}
		}
		for _, a := range e.Authors {
			if xsscheck.ScriptURL(a.URI) {
				t.Errorf("entry %q: author uri %q", e.Title.Chars, a.URI)
			}
		}
		for _, x := range []text{e.Title, e.Summary, e.Content} {
			switch x.Type {
			case "html":
				checkPage(t, "feed entry html", []byte(x.Chars))
			case "xhtml":
				checkPage(t, "feed entry xhtml", []byte(x.Inner))
			}
		}
	}
}
