package crawler

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nogentech/veille"
)

// The fuzz targets call the unexported parsers, which do not recover, so
// that a panic is found rather than hidden. `go test` runs their seeds;
// `go test -fuzz FuzzParseFeed` explores further.

func FuzzParseFeed(f *testing.F) {
	for _, name := range []string{"own/latin1.xml", "own/cp1252.xml", "own/rdf.xml", "own/jsonfeed.json", "sample/fda/fda_food_safety_recalls_slice.xml"} {
		f.Add(readTestdata(f, name), "")
	}
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="html">&lt;b&gt;x</title><link href="/a"/></entry></feed>`), "application/atom+xml; charset=iso-8859-1")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","url":"http://a/#x"},{"id":"2","url":"http://a/"}]}`), "application/json")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		items, err := parseFeed(body, contentType, "https://example.org/feed", veille.Source{ID: "fz", Lang: "fr"}, testNow)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, it := range items {
			if it.ID == "" || seen[it.ID] {
				t.Fatalf("empty or repeated ID in %+v", items)
			}
			seen[it.ID] = true
			if !utf8.ValidString(it.Title) || !utf8.ValidString(it.Summary) || !utf8.ValidString(it.Content) {
				t.Fatalf("invalid UTF-8 in %+v", it)
			}
			if it.Published.IsZero() || it.Lang == "" {
				t.Fatalf("published %v lang %q", it.Published, it.Lang)
			}
		}
	})
}

func FuzzParseHTML(f *testing.F) {
	f.Add(readTestdata(f, "html/list/mdcg-guidance.html"))
	f.Add(readTestdata(f, "sample/ansm/ansm_recall.html"))
	f.Add([]byte(`<table class="guidance"><tbody><tr><td class="title"><a href="//x">t</a></td><td class="date">31/12/99</td></tr></tbody></table>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := parseHTML(body, "text/html", "https://example.org/list", mdcgSource, testNow)
		if err != nil {
			return
		}
		for _, it := range items {
			if it.ID == "" || it.Title == "" {
				t.Fatalf("item %+v", it)
			}
		}
	})
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<p>a</p><p>b</p>", "a &amp; b", "<pre>x\n y</pre>", "<script>x</script>y", "\x92\xe9", "<td>a</td><td>b</td>", "\u0092 x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := PlainText(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		if strings.TrimSpace(out) != out || strings.Contains(out, "  ") || strings.Contains(out, "\n\n") || strings.Contains(out, " \n") || strings.Contains(out, "\n ") {
			t.Fatalf("blanks not collapsed: %q → %q", s, out)
		}
	})
}

func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{"HTTPS://A.org:443/x?utm_source=1&b=2#f", "http://[::1]:80/", "urn:x", "http://a/?&&", "http://a/b?%zz=1&utm_x=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := CanonicalURL(s)
		if again := CanonicalURL(c); again != c {
			t.Fatalf("not idempotent: %q → %q → %q", s, c, again)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1er décembre 2026", "Tue, 02/04/2020 - 00:00", "November 12, 2026", "2026-11-12T14:30:00+01:00", "31/02/2026"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, monthFirst bool) {
		d := parseDate(s, monthFirst)
		if !d.IsZero() && d.Location().String() != "UTC" {
			t.Fatalf("%q: %v not UTC", s, d)
		}
	})
}
