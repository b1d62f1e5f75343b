package server

import (
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/i18n"
)

var (
	pageHitIDs   = regexp.MustCompile(`id="hit-([^"]+)"`)
	countLine    = regexp.MustCompile(`id="count">([^<]*)<`)
	langFacetRe  = regexp.MustCompile(`<a href="/\?lang=[a-z]+" rel="nofollow">[^<]+</a> <span class="count">([^<]+)</span>`)
	homeSwitchRe = regexp.MustCompile(`id="home-switch">([^<]*)<a href="([^"]*)">([^<]*)</a>`)
)

// TestHomePageTagged: on the demo sample, the page without a query lists
// only the items with a domain or a competence, says how many it leaves
// out and links to every item; the API's empty query is still every item.
func TestHomePageTagged(t *testing.T) {
	f := sharedFixture(t)
	all, err := f.index.Search(t.Context(), veille.SearchRequest{Limit: 10000, NoFacets: true, NoHighlight: true})
	if err != nil {
		t.Fatal(err)
	}
	tagged := map[string]bool{}
	for _, h := range all.Hits {
		if len(h.Domains)+len(h.Competences) > 0 {
			tagged[h.ID] = true
		}
	}
	n, every := len(tagged), len(all.Hits)
	if n < 21 || every-n < 21 {
		t.Fatalf("%d of %d sample items tagged: the sample does not test this", n, every)
	}
	en := tr{lang: i18n.EN}

	// The API and its empty query: every item, untagged ones included.
	api := apiSearch(t, f, url.Values{"limit": {"100"}})
	if api.Total != uint64(every) {
		t.Errorf("API empty query: total %d, want every item (%d)", api.Total, every)
	}
	untaggedInAPI := false
	for _, h := range api.Hits {
		untaggedInAPI = untaggedInAPI || !tagged[h.ID]
	}
	if !untaggedInAPI {
		t.Errorf("API's first 100 items are all tagged; the sample's newest untagged items are missing")
	}

	// The home page: tagged items only, and the switch.
	_, body := get(t, f.ts.URL+"/?ui=en")
	page := string(body)
	ids := pageHitIDs.FindAllStringSubmatch(page, -1)
	if len(ids) != 20 {
		t.Fatalf("home page lists %d items, want 20", len(ids))
	}
	for _, m := range ids {
		if !tagged[m[1]] {
			t.Errorf("home page lists %s, which has no domain or competence", m[1])
		}
	}
	wantCount := en.T("results.range", "1", "20", en.Number(int64(n)))
	if c := countLine.FindStringSubmatch(page); c == nil || strings.TrimSpace(html.UnescapeString(c[1])) != wantCount {
		t.Errorf("home page count %q, want %q", c, wantCount)
	}
	// The facets count the items listed, not the hidden ones.
	langs := 0
	for _, m := range langFacetRe.FindAllStringSubmatch(page, -1) {
		c, _ := strconv.Atoi(strings.NewReplacer(",", "", "\u202f", "").Replace(m[1]))
		langs += c
	}
	if langs != n {
		t.Errorf("home page language facet adds up to %d, want %d", langs, n)
	}
	sw := homeSwitchRe.FindStringSubmatch(page)
	if sw == nil {
		t.Fatal("home page has no switch to every item")
	}
	hidden := en.Number(int64(every - n))
	if got := strings.TrimSpace(html.UnescapeString(sw[1])); got != en.T("home.hidden", hidden) {
		t.Errorf("switch says %q, want %q", got, en.T("home.hidden", hidden))
	}
	if html.UnescapeString(sw[3]) != en.T("home.showall", hidden) {
		t.Errorf("switch link %q", sw[3])
	}
	// In French too.
	_, frBody := get(t, f.ts.URL+"/?ui=fr")
	fr := tr{lang: i18n.FR}
	if !strings.Contains(html.UnescapeString(string(frBody)), fr.T("home.showall", fr.Number(int64(every-n)))) {
		t.Error("French home page has no switch to every item")
	}

	// The switch: every item, untagged ones on the page, and a way back.
	allURL := html.UnescapeString(sw[2])
	resp, body := get(t, f.ts.URL+allURL+"&ui=en")
	if resp.StatusCode != 200 {
		t.Fatalf("%s: status %d", allURL, resp.StatusCode)
	}
	page = string(body)
	wantCount = en.T("results.range", "1", "20", en.Number(int64(every)))
	if c := countLine.FindStringSubmatch(page); c == nil || strings.TrimSpace(html.UnescapeString(c[1])) != wantCount {
		t.Errorf("every item: count %q, want %q", c, wantCount)
	}
	untagged := false
	for _, m := range pageHitIDs.FindAllStringSubmatch(page, -1) {
		untagged = untagged || !tagged[m[1]]
	}
	if !untagged {
		t.Error("the page of every item shows no untagged item")
	}
	back := homeSwitchRe.FindStringSubmatch(page)
	if back == nil || html.UnescapeString(back[3]) != en.T("home.tagged") || html.UnescapeString(back[2]) != "/" {
		t.Errorf("no way back to the tagged items: %q", back)
	}
	// Facet links and pages keep the choice of every item.
	if !strings.Contains(page, `lang=fr&amp;`+allParam+`=1`) && !strings.Contains(page, allParam+`=1&amp;lang=fr`) {
		t.Error("the language facet's link drops all=1")
	}

	// A typed query searches every item: no switch.
	_, body = get(t, f.ts.URL+"/?ui=en&q=parliament")
	if homeSwitchRe.Match(body) {
		t.Error("a search shows the home page's switch")
	}
}
