package server

import (
	"bytes"
	"compress/gzip"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille/internal/i18n"
)

func TestLanguageChoice(t *testing.T) {
	f := sharedFixture(t)
	tests := map[string]struct {
		path     string
		header   []string
		wantLang string
		cookie   string // expected Set-Cookie value, "" for none
	}{
		"French by default":           {path: "/", wantLang: "fr"},
		"English browser":             {path: "/", header: []string{"Accept-Language", "en-GB,en;q=0.9"}, wantLang: "en"},
		"French browser":              {path: "/", header: []string{"Accept-Language", "fr-FR,fr;q=0.9,en;q=0.8"}, wantLang: "fr"},
		"English preferred to French": {path: "/", header: []string{"Accept-Language", "de-DE, fr;q=0.5, en;q=0.7"}, wantLang: "en"},
		"neither: French":             {path: "/", header: []string{"Accept-Language", "de-DE,de;q=0.9"}, wantLang: "fr"},
		"switch wins over browser":    {path: "/sources?ui=en", header: []string{"Accept-Language", "fr"}, wantLang: "en", cookie: "en"},
		"cookie wins over browser":    {path: "/", header: []string{"Accept-Language", "en", "Cookie", uiCookie + "=fr"}, wantLang: "fr"},
		"bad switch value ignored":    {path: "/?ui=xx", header: []string{"Accept-Language", "en"}, wantLang: "en"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, body := get(t, f.ts.URL+tc.path, tc.header...)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if !bytes.Contains(body, []byte(`<html lang="`+tc.wantLang+`">`)) || resp.Header.Get("Content-Language") != tc.wantLang {
				t.Errorf("page not in %s", tc.wantLang)
			}
			var got string
			for _, c := range resp.Cookies() {
				if c.Name == uiCookie {
					got = c.Value
				}
			}
			if got != tc.cookie {
				t.Errorf("cookie %q, want %q", got, tc.cookie)
			}
		})
	}
}

func TestFormatting(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	fr, en := tr{lang: i18n.FR, loc: paris}, tr{lang: i18n.EN, loc: paris}
	// 23:30 UTC on 30 November is already 1 December in Paris.
	d := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	tests := map[string]struct{ got, want string }{
		"French date":        {fr.Date(d), "1er décembre 2026"},
		"English date":       {en.Date(d), "1 December 2026"},
		"French date-time":   {fr.DateTime(d), "1er décembre 2026 à 00:30"},
		"English date-time":  {en.DateTime(d), "1 December 2026, 00:30"},
		"French number":      {fr.Number(1234567), "1\u202f234\u202f567"},
		"English number":     {en.Number(1234567), "1,234,567"},
		"small number":       {fr.Number(42), "42"},
		"negative number":    {en.Number(-1234), "-1,234"},
		"undated in French":  {fr.Date(time.Time{}), "sans date"},
		"interval in hours":  {fr.Duration(2 * time.Hour), "2 h"},
		"interval in days":   {en.Duration(48 * time.Hour), "2 d"},
		"interval in min":    {fr.Duration(30 * time.Minute), "30 min"},
		"French results":     {fr.T("results.range", fr.Number(21), fr.Number(40), fr.Number(1234)), "Résultats 21 à 40 sur 1\u202f234"},
		"English language":   {en.LangName("fr"), "French"},
		"unknown kind as is": {fr.kindName("carrier-pigeon"), "carrier-pigeon"},
	}
	for name, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", name, tc.got, tc.want)
		}
	}
}

// TestSearchPage checks what the page shows for a search: the query kept,
// facets that toggle filters, removable active filters, paging, the feed
// link, highlights and the tags with their reasons.
func TestSearchPage(t *testing.T) {
	f := sharedFixture(t)
	all := apiSearch(t, f, url.Values{})
	domain := all.Facets["domain"][0]
	resp, body := get(t, f.ts.URL+"/?domain="+domain.Term)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	page := string(body)
	l := tr{lang: i18n.FR}
	label := html.EscapeString(f.srv.termLabel(l, "domain", domain.Term))
	for name, want := range map[string]string{
		"active filter, removable": `<a class="chip" href="/" title="Retirer le filtre Domaine : ` + label + `">Domaine : ` + label + `</a>`,
		"facet marked active":      `<li class="active"><a href="/" rel="nofollow">` + label + `</a>`,
		"count":                    strconv.Itoa(domain.Count),
		"feed link":                `href="/feed.atom?domain=` + domain.Term + `"`,
		"alternate link":           `<link rel="alternate" type="application/atom+xml"`,
		"filter kept in the form":  `<input type="hidden" name="domain" value="` + domain.Term + `">`,
		"jurisdiction facet":       `data-facet="jurisdiction"`,
		"period facet":             `data-facet="period"`,
		"why":                      `<span class="why">pourquoi : `,
		"hashed stylesheet":        `<link rel="stylesheet" href="/static/style.`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("%s: page lacks %s", name, want)
		}
	}
	if domain.Count > 20 {
		if !strings.Contains(page, `href="/?domain=`+domain.Term+`&amp;offset=20" rel="next"`) {
			t.Error("no next-page link")
		}
	}
	if n := strings.Count(page, `<li class="hit"`); n != min(domain.Count, 20) {
		t.Errorf("%d hits shown, want %d", n, min(domain.Count, 20))
	}

	// A second value of the same filter is OR; its link adds to the first.
	for _, other := range apiSearch(t, f, url.Values{"domain": {domain.Term}}).Facets["domain"] {
		if other.Term != domain.Term && !strings.Contains(page, `href="/?domain=`+domain.Term+`&amp;domain=`+other.Term+`"`) {
			t.Errorf("facet %s does not add to the active filter", other.Term)
		}
	}
}

func TestPeriodFacet(t *testing.T) {
	f := sharedFixture(t)
	// The sample has items of 2021 and of late 2026: pin "now" to the
	// newest item so that the periods are not all empty.
	newest := apiSearch(t, f, url.Values{"limit": {"1"}}).Hits[0].Published
	ts := newServer(t, f, func(o *Options) { o.Now = func() time.Time { return newest.Add(time.Hour) } })
	// Every item (all=1), as the API counts; the tagged home page counts
	// its own items (TestHomePageTagged).
	_, body := get(t, ts.URL+"/?all=1")
	page := string(body)
	re := regexp.MustCompile(`<li(?: class="active")?><a href="/\?all=1&amp;since=(\d{4}-\d{2}-\d{2})" rel="nofollow">([^<]+)</a> <span class="count">([^<]+)</span></li>`)
	ms := re.FindAllStringSubmatch(page, -1)
	if len(ms) != len(periods) {
		t.Fatalf("%d period terms, want %d", len(ms), len(periods))
	}
	prev := -1
	for _, m := range ms {
		since, label, count := m[1], m[2], strings.ReplaceAll(m[3], "\u202f", "")
		n, _ := strconv.Atoi(count)
		want := apiSearch(t, f, url.Values{"since": {since}}).Total
		if uint64(n) != want {
			t.Errorf("%s (since %s) shows %d, the API finds %d", label, since, n, want)
		}
		if n < prev {
			t.Errorf("%s counts %d, fewer than the shorter period's %d", label, n, prev)
		}
		prev = n
	}
	if prev == 0 {
		t.Error("every period is empty")
	}
}

func TestSearchPageErrors(t *testing.T) {
	f := sharedFixture(t)
	tests := map[string]struct {
		path, want string
		status     int
	}{
		// French by default: the mistakes are said in French.
		"bad parameter": {"/?limit=500", "limit vaut au plus 100", 400},
		"bad query":     {"/?q=" + url.QueryEscape(`"open`), "guillemet non refermé", 400},
		"bad date":      {"/?since=31/12/2026", "since", 400},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, body := get(t, f.ts.URL+tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d", resp.StatusCode)
			}
			page := html.UnescapeString(string(body))
			if !strings.Contains(page, `role="alert"`) || !strings.Contains(page, tc.want) || !strings.Contains(page, `<form class="search"`) {
				t.Errorf("page does not show the error %q with the form", tc.want)
			}
		})
	}
}

// TestEscaping: a publisher's text never becomes markup, and its HTML is
// shown only once sanitised.
func TestEscaping(t *testing.T) {
	f := sharedFixture(t)
	_, item := get(t, f.ts.URL+"/items/"+hostileID)
	_, results := get(t, f.ts.URL+"/?q=guillemets")
	for name, page := range map[string]string{"item page": string(item), "results": string(results)} {
		if !strings.Contains(page, `Alerte &lt;script&gt;alert(&#34;titre&#34;)&lt;/script&gt; &amp; &#34;guillemets&#34;`) {
			t.Errorf("%s: title not escaped as text", name)
		}
		for _, bad := range []string{"<script>alert", "<img", "javascript:", "<iframe", "<style", "tracker.example"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
		// Publisher text may mention onerror=; no tag may carry a handler.
		if m := regexp.MustCompile(`<[a-z][^>]*\son[a-z]+=`).FindString(page); m != "" {
			t.Errorf("%s has an event handler: %s", name, m)
		}
	}
	for _, want := range []string{"<b>gras</b>", `href="https://example.org/ok"`, `rel="nofollow noreferrer noopener"`, "piège"} {
		if !strings.Contains(string(item), want) {
			t.Errorf("sanitised HTML lacks %s", want)
		}
	}
	if !strings.Contains(string(results), "<li class=\"hit\" id=\"hit-"+hostileID+"\"") {
		t.Error("the hostile item is not in the results of its own word")
	}
}

func TestItemPage(t *testing.T) {
	f := sharedFixture(t)
	// An item with tags: its page lists them with the terms that matched.
	res := apiSearch(t, f, url.Values{"domain": {apiSearch(t, f, url.Values{}).Facets["domain"][0].Term}, "limit": {"1"}})
	h := res.Hits[0]
	it, err := f.store.Item(t.Context(), h.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, body := get(t, f.ts.URL+"/items/"+h.ID, "Accept-Language", "en")
	page := string(body)
	l := tr{lang: i18n.EN, loc: f.cfg.Location}
	wants := []string{
		"<h1>" + html.EscapeString(it.Title) + "</h1>",
		"Published</dt><dd><time datetime=\"" + it.Published.UTC().Format(time.RFC3339) + "\">" + l.Date(it.Published) + "</time>",
		"<dt>Language</dt><dd>" + l.LangName(it.Lang) + "</dd>",
	}
	if it.Link != "" {
		wants = append(wants, `<a class="original" href="`+html.EscapeString(it.Link)+`"`)
	}
	for _, d := range it.Domains {
		wants = append(wants, f.srv.termLabel(l, "domain", d))
		if why := it.Why[d]; len(why) > 0 {
			wants = append(wants, html.EscapeString("matched terms: "+strings.Join(why, ", ")))
		}
	}
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("item page lacks %s", w)
		}
	}
}

func TestSourcesPage(t *testing.T) {
	f := sharedFixture(t)
	_, body := get(t, f.ts.URL+"/sources")
	page := string(body)
	if n := strings.Count(page, `<tr id="source-`); n != len(f.cfg.Sources) {
		t.Errorf("%d rows for %d sources", n, len(f.cfg.Sources))
	}
	// The stale source comes first, marked, with the date of its last success.
	first := strings.Index(page, `<tr id="source-`)
	if !strings.HasPrefix(page[first:], `<tr id="source-`+brokenSource+`" class="stale">`) {
		t.Errorf("first row is not the stale source: %.80s", page[first:])
	}
	if !strings.Contains(page, `<span class="state stale">Obsolète</span><br><span class="note">obsolète depuis le `) {
		t.Error("no stale mark with its date")
	}
	if !strings.Contains(page, "en bonne santé : "+strconv.Itoa(len(f.cfg.Sources)-1)) {
		t.Errorf("summary line wrong")
	}
}

func TestAssetsAndCaching(t *testing.T) {
	f := sharedFixture(t)
	_, body := get(t, f.ts.URL+"/")
	css := regexp.MustCompile(`href="(/static/style\.[0-9a-f]{10}\.css)"`).FindSubmatch(body)
	js := regexp.MustCompile(`src="(/static/app\.[0-9a-f]{10}\.js)"`).FindSubmatch(body)
	if css == nil || js == nil {
		t.Fatal("no hashed asset names in the page")
	}
	resp, cssBody := get(t, f.ts.URL+string(css[1]))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") ||
		resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !bytes.Contains(cssBody, []byte("--accent")) {
		t.Errorf("css: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	resp, _ = get(t, f.ts.URL+string(css[1]), "If-None-Match", resp.Header.Get("ETag"))
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d, want 304", resp.StatusCode)
	}
	resp, _ = get(t, f.ts.URL+string(js[1]))
	if !strings.Contains(resp.Header.Get("Content-Type"), "javascript") {
		t.Errorf("js type %s", resp.Header.Get("Content-Type"))
	}
	// The logical name still works, without the year-long promise.
	resp, _ = get(t, f.ts.URL+"/static/style.css")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("logical name: %d %s", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	// Pages are not cached as assets are.
	resp, _ = get(t, f.ts.URL+"/")
	if resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("page Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
}

func TestGzip(t *testing.T) {
	f := sharedFixture(t)
	tests := map[string]struct {
		path, accept string
		gzipped      bool
		starts       string
	}{
		"page":                  {"/", "gzip, deflate, br", true, "<!doctype html>"},
		"api":                   {"/api/search?limit=50", "gzip", true, `{"query"`},
		"feed":                  {"/feed.atom", "gzip", true, "<?xml"},
		"not accepted":          {"/", "", false, "<!doctype html>"},
		"refused with q=0":      {"/", "gzip;q=0, identity", false, "<!doctype html>"},
		"too small to bother":   {"/healthz", "gzip", false, "ok"},
		"metrics do their own":  {"/metrics", "gzip", true, "# HELP"},
		"stylesheet compressed": {"/static/style.css", "gzip", true, "/*"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var h []string
			if tc.accept != "" {
				h = []string{"Accept-Encoding", tc.accept}
			}
			resp, body := get(t, f.ts.URL+tc.path, h...)
			if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tc.gzipped {
				t.Fatalf("gzipped = %v, want %v", got, tc.gzipped)
			}
			if tc.gzipped {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !strings.HasPrefix(string(body), tc.starts) {
				t.Errorf("body starts %.40q, want %q", body, tc.starts)
			}
			if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Accept-Encoding") {
				t.Error("no Vary: Accept-Encoding")
			}
		})
	}
}

func TestAcceptGzip(t *testing.T) {
	tests := map[string]bool{
		"gzip": true, "GZIP": true, "deflate, gzip;q=0.5": true, "*": true, "gzip;q=0": false, "identity": false, "": false, "br": false,
	}
	for h, want := range tests {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v", h, got)
		}
	}
}

func TestPagination(t *testing.T) {
	st := searchState{url.Values{"q": {"x"}}}
	tests := map[string]struct {
		offset, limit, total int
		want                 string // page numbers, 0 for a gap, * for current
		prev, next           bool
	}{
		"one page":       {0, 20, 15, "", false, false},
		"first of three": {0, 20, 60, "*1 2 3", false, true},
		"middle of many": {200, 20, 1000, "1 0 9 10 *11 12 13 0 50", true, true},
		"last":           {980, 20, 1000, "1 0 48 49 *50", true, false},
		"capped depth":   {0, 100, 1_000_000, "*1 2 3 0 101", false, true},
	}
	for name, tc := range tests {
		pages, prev, next := pagination(st, tc.offset, tc.limit, tc.total)
		var parts []string
		for _, p := range pages {
			switch {
			case p.Number == 0:
				parts = append(parts, "0")
			case p.Current:
				parts = append(parts, "*"+strconv.Itoa(p.Number))
			default:
				parts = append(parts, strconv.Itoa(p.Number))
			}
		}
		if got := strings.Join(parts, " "); got != tc.want || (prev != "") != tc.prev || (next != "") != tc.next {
			t.Errorf("%s: pages %q prev %v next %v, want %q %v %v", name, got, prev != "", next != "", tc.want, tc.prev, tc.next)
		}
	}
}
