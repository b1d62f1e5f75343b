package crawler

import (
	"testing"

	"github.com/nogentech/veille"
)

// BenchmarkParseFeedJORF parses the JORF file with the largest acts
// (50 entries, full text up to 145 KB each).
func BenchmarkParseFeedJORF(b *testing.B) {
	body := readTestdata(b, "sample/jorf-legifrss/7854d0f/arrete_ministere-de-la-transition-ecologique.xml")
	src := veille.Source{ID: "jorf", Jurisdiction: "FR"}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		items, err := ParseFeed(body, "application/atom+xml", src, testNow)
		if err != nil || len(items) != 27 {
			b.Fatalf("%d items, %v", len(items), err)
		}
	}
}

// BenchmarkNormalise measures normalisation alone (plain text, canonical
// link, language, IDs, dedup) on the drafts of a JORF file.
func BenchmarkNormalise(b *testing.B) {
	body := readTestdata(b, "sample/jorf-legifrss/2d3a598/arrete_ministere-de-la-transition-ecologique.xml")
	src := veille.Source{ID: "jorf", Jurisdiction: "FR"}
	// drafts as the feed parser hands them over
	items, err := ParseFeed(body, "", src, testNow)
	if err != nil {
		b.Fatal(err)
	}
	drafts := make([]draft, len(items))
	var size int64
	for i, it := range items {
		drafts[i] = draft{title: it.Title, link: it.Link, guid: it.GUID, content: it.HTML,
			published: it.Published, updated: it.Updated, authors: it.Authors}
		size += int64(len(it.HTML))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if out := finish(drafts, "", src, testNow); len(out) != len(drafts) {
			b.Fatalf("%d items", len(out))
		}
	}
}

func BenchmarkCanonicalURL(b *testing.B) {
	for b.Loop() {
		CanonicalURL("https://WWW.Example.org:443/actualites/article?id=42&utm_source=rss&utm_medium=feed&xtor=RSS-1#top")
	}
}

func BenchmarkDetectLang(b *testing.B) {
	text := "Les exploitants déclarent à l'inspection des installations classées les rejets de chrome hexavalent ; " +
		"l'arrêté du 12 novembre 2026 s'applique aux installations de traitement de surface relevant de la rubrique 2565."
	for b.Loop() {
		DetectLang(text)
	}
}
