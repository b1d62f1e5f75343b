package server

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/i18n"

	"github.com/mmcdole/gofeed"
)

// feedSearches are the feeds checked: everything, a word, a filter, a
// search with nothing in it.
func feedSearches(t *testing.T, f *fixture) map[string]url.Values {
	all := apiSearch(t, f, url.Values{})
	return map[string]url.Values{
		"everything":  {},
		"a word":      {"q": {"arrêté"}},
		"a domain":    {"domain": {all.Facets["domain"][0].Term}},
		"two filters": {"domain": {all.Facets["domain"][0].Term}, "lang": {"fr"}, "limit": {"10"}},
		"nothing":     {"q": {"zzzqqqxxx"}},
		"hostile":     {"q": {"guillemets"}},
	}
}

// checkAtom applies the rules of RFC 4287 that a reader relies on.
func checkAtom(t *testing.T, body []byte) {
	t.Helper()
	type link struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	}
	type entry struct {
		IDs       []string `xml:"id"`
		Titles    []string `xml:"title"`
		Updated   []string `xml:"updated"`
		Published []string `xml:"published"`
		Links     []link   `xml:"link"`
		Authors   []string `xml:"author>name"`
		Content   []string `xml:"content"`
	}
	var feed struct {
		XMLName xml.Name
		IDs     []string `xml:"id"`
		Titles  []string `xml:"title"`
		Updated []string `xml:"updated"`
		Links   []link   `xml:"link"`
		Authors []string `xml:"author>name"`
		Entries []entry  `xml:"entry"`
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	if err := dec.Decode(&feed); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || feed.XMLName.Local != "feed" {
		t.Fatalf("root %v", feed.XMLName)
	}
	iri := func(what, s string) {
		u, err := url.Parse(s)
		if err != nil || u.Scheme == "" {
			t.Errorf("%s %q is not an absolute IRI", what, s)
		}
	}
	date := func(what, s string) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%s %q is not RFC 3339", what, s)
		}
	}
	if len(feed.IDs) != 1 || len(feed.Titles) != 1 || len(feed.Updated) != 1 {
		t.Fatalf("feed has %d ids, %d titles, %d updated; want one each", len(feed.IDs), len(feed.Titles), len(feed.Updated))
	}
	iri("feed id", feed.IDs[0])
	date("feed updated", feed.Updated[0])
	self := false
	for _, l := range feed.Links {
		iri("feed link", l.Href)
		self = self || l.Rel == "self"
	}
	if !self {
		t.Error("no rel=self link")
	}
	if len(feed.Authors) == 0 {
		t.Error("no feed author (then every entry would need one)")
	}
	seen := map[string]bool{}
	for i, e := range feed.Entries {
		if len(e.IDs) != 1 || len(e.Titles) != 1 || len(e.Updated) != 1 {
			t.Errorf("entry %d has %d ids, %d titles, %d updated", i, len(e.IDs), len(e.Titles), len(e.Updated))
			continue
		}
		iri("entry id", e.IDs[0])
		if seen[e.IDs[0]] {
			t.Errorf("entry id %s twice", e.IDs[0])
		}
		seen[e.IDs[0]] = true
		date("entry updated", e.Updated[0])
		for _, p := range e.Published {
			date("entry published", p)
		}
		alternate := false
		for _, l := range e.Links {
			iri("entry link", l.Href)
			alternate = alternate || l.Rel == "alternate" || l.Rel == ""
		}
		if !alternate && len(e.Content) == 0 {
			t.Errorf("entry %d has neither content nor an alternate link", i)
		}
		if strings.TrimSpace(e.Titles[0]) == "" {
			t.Errorf("entry %d has an empty title", i)
		}
	}
}

func TestFeedAtom(t *testing.T) {
	f := sharedFixture(t)
	parser := gofeed.NewParser()
	for name, v := range feedSearches(t, f) {
		t.Run(name, func(t *testing.T) {
			resp, body := get(t, f.ts.URL+"/feed.atom?"+v.Encode())
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
				t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			checkAtom(t, body)
			feed, err := parser.ParseString(string(body))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if feed.FeedType != "atom" || feed.FeedVersion != "1.0" {
				t.Errorf("gofeed sees %s %s", feed.FeedType, feed.FeedVersion)
			}
			// The same search by date, as the API gives it.
			want := url.Values{}
			for k, vs := range v {
				want[k] = vs
			}
			want.Set("sort", "date")
			if want.Get("limit") == "" {
				want.Set("limit", "50")
			}
			res := apiSearch(t, f, want)
			if len(feed.Items) != len(res.Hits) {
				t.Fatalf("%d entries, the search has %d hits", len(feed.Items), len(res.Hits))
			}
			// Items published at the same instant may be cut at the page's edge
			// in either order, so compare sets: every hit newer than the
			// page's oldest date must be an entry.
			entries := map[string]bool{}
			for _, it := range feed.Items {
				entries[it.GUID] = true
			}
			var oldest time.Time
			if len(res.Hits) > 0 {
				oldest = res.Hits[len(res.Hits)-1].Published
			}
			for _, h := range res.Hits {
				if h.Published.After(oldest) && !entries[ItemEntryID(h.ID)] {
					t.Errorf("hit %s (%s) is not an entry of the feed", h.ID, h.Published)
				}
			}
			hits := map[string]veille.Hit{}
			for _, h := range res.Hits {
				hits[ItemEntryID(h.ID)] = h
			}
			for i, it := range feed.Items {
				h, ok := hits[it.GUID]
				if !ok {
					// Another item of the oldest instant, cut differently.
					continue
				}
				if it.UpdatedParsed == nil || it.Title == "" || it.Link == "" {
					t.Errorf("entry %d: updated %v, title %q, link %q", i, it.UpdatedParsed, it.Title, it.Link)
				}
				// gofeed reads a category's label when it has one.
				terms := append([]string(nil), it.Categories...)
				var want []string
				l := tr{lang: i18n.FR}
				for _, d := range h.Domains {
					want = append(want, f.srv.termLabel(l, "domain", d))
				}
				for _, c := range h.Competences {
					want = append(want, f.srv.termLabel(l, "competence", c))
				}
				slices.Sort(terms)
				slices.Sort(want)
				if !slices.Equal(terms, want) {
					t.Errorf("entry %d categories %v, want the tags %v", i, terms, want)
				}
			}
		})
	}
}

func TestFeedIDsAreStable(t *testing.T) {
	f := sharedFixture(t)
	parser := gofeed.NewParser()
	domain := apiSearch(t, f, url.Values{}).Facets["domain"][0].Term
	load := func(query string) *gofeed.Feed {
		t.Helper()
		_, body := get(t, f.ts.URL+"/feed.atom?"+query)
		feed, err := parser.ParseString(string(body))
		if err != nil {
			t.Fatal(err)
		}
		return feed
	}
	a := load("domain=" + domain + "&lang=fr")
	b := load("lang=fr&domain=" + domain)
	if a.FeedLink != b.FeedLink || len(a.Items) != len(b.Items) {
		t.Fatalf("the same search in another order gives another feed")
	}
	var idA, idB struct {
		ID string `xml:"id"`
	}
	_, bodyA := get(t, f.ts.URL+"/feed.atom?domain="+domain+"&lang=fr")
	_, bodyB := get(t, f.ts.URL+"/feed.atom?lang=fr&domain="+domain)
	xml.Unmarshal(bodyA, &idA)
	xml.Unmarshal(bodyB, &idB)
	if idA.ID == "" || idA.ID != idB.ID {
		t.Errorf("feed ids %q and %q", idA.ID, idB.ID)
	}
	// Ids do not depend on where the feed is served from: moving the
	// server to another address must not make readers see every item anew.
	moved := newServer(t, f, func(o *Options) { o.Config.Server.BaseURL = "https://watch.other.example" })
	_, bodyC := get(t, moved.URL+"/feed.atom?domain="+domain+"&lang=fr")
	c, err := parser.ParseString(string(bodyC))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Items) != len(a.Items) || !strings.HasPrefix(c.FeedLink, "https://watch.other.example/") {
		t.Fatalf("moved feed: %d items, self %s", len(c.Items), c.FeedLink)
	}
	for i := range c.Items {
		if c.Items[i].GUID != a.Items[i].GUID {
			t.Errorf("entry %d id %s after the move, %s before", i, c.Items[i].GUID, a.Items[i].GUID)
		}
	}
	// A reader polling an unchanged feed gets 304.
	resp, _ := get(t, f.ts.URL+"/feed.atom?domain="+domain)
	resp2, _ := get(t, f.ts.URL+"/feed.atom?domain="+domain, "If-None-Match", resp.Header.Get("ETag"))
	if resp.Header.Get("ETag") == "" || resp2.StatusCode != 304 {
		t.Errorf("ETag %q, revalidation %d", resp.Header.Get("ETag"), resp2.StatusCode)
	}
}

// pythonWithFeedparser finds a Python that can import feedparser. Debian's
// python3-feedparser installs it for the system python3, which a user's
// PATH may shadow with another Python.
func pythonWithFeedparser() string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import feedparser").Run() == nil {
			return py
		}
	}
	return ""
}

const feedparserScript = `
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": int(d.bozo),
    "exception": repr(d.get("bozo_exception", "")),
    "version": d.version,
    "ids": [e.id for e in d.entries],
    "titles": [e.title for e in d.entries],
    "updated": [e.get("updated_parsed") is not None for e in d.entries],
    "links": [e.get("link", "") for e in d.entries],
    "tags": [sorted(t.term for t in e.get("tags", [])) for e in d.entries],
}))
`

// TestFeedAtomFeedparser checks the feeds with a second, independent
// parser: Python's feedparser, which flags any XML or Atom problem in bozo.
func TestFeedAtomFeedparser(t *testing.T) {
	py := pythonWithFeedparser()
	if py == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 with feedparser not found; .ci/run must apt-get install python3-feedparser")
		}
		t.Skip("python3-feedparser is not installed: skipping the second Atom parser")
	}
	f := sharedFixture(t)
	dir := t.TempDir()
	for name, v := range feedSearches(t, f) {
		t.Run(name, func(t *testing.T) {
			_, body := get(t, f.ts.URL+"/feed.atom?"+v.Encode())
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".atom")
			if err := os.WriteFile(path, body, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(py, "-c", feedparserScript, path).Output()
			if err != nil {
				t.Fatalf("feedparser: %v", err)
			}
			var got struct {
				Bozo      int
				Exception string
				Version   string
				IDs       []string
				Titles    []string
				Updated   []bool
				Links     []string
				Tags      [][]string
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if got.Bozo != 0 || got.Version != "atom10" {
				t.Fatalf("feedparser: bozo %d (%s), version %q", got.Bozo, got.Exception, got.Version)
			}
			feed, err := gofeed.NewParser().ParseString(string(body))
			if err != nil {
				t.Fatal(err)
			}
			want := url.Values{"sort": {"date"}, "limit": {"50"}}
			for k, vs := range v {
				want[k] = vs
			}
			hits := apiSearch(t, f, want).Hits
			if len(got.IDs) != len(feed.Items) || len(hits) != len(feed.Items) {
				t.Fatalf("feedparser sees %d entries, gofeed %d", len(got.IDs), len(feed.Items))
			}
			for i, it := range feed.Items {
				if got.IDs[i] != it.GUID || got.Titles[i] != it.Title || !got.Updated[i] || got.Links[i] != it.Link {
					t.Errorf("entry %d: feedparser %q %q %v %q, gofeed %q %q %q", i, got.IDs[i], got.Titles[i], got.Updated[i], got.Links[i], it.GUID, it.Title, it.Link)
				}
				tags := append(append([]string{}, hits[i].Domains...), hits[i].Competences...)
				slices.Sort(tags)
				if !slices.Equal(got.Tags[i], tags) && !(len(got.Tags[i]) == 0 && len(tags) == 0) {
					t.Errorf("entry %d tags: feedparser %v, the item has %v", i, got.Tags[i], tags)
				}
			}
		})
	}
}
