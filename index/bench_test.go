package index

import (
	"context"
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	fx "github.com/nogentech/veille/internal/fixtures"
	txt "github.com/nogentech/veille/internal/text"

	"golang.org/x/net/html"

	"github.com/nogentech/veille"
)

// baseEntry is one real entry of the testdata feeds, as plain text.
type baseEntry struct {
	title, text, lang string
	published         time.Time
}

var corpus = sync.OnceValues(loadCorpus)

// loadCorpus reads the JORF Atom feed (French acts with their full text)
// and the European Parliament Think Tank RSS (English abstracts).
func loadCorpus() ([]baseEntry, error) {
	var atom struct {
		Entries []struct {
			Title     string `xml:"title"`
			Content   string `xml:"content"`
			Published string `xml:"published"`
		} `xml:"entry"`
	}
	var rss struct {
		Items []struct {
			Title       string `xml:"title"`
			Description string `xml:"description"`
			PubDate     string `xml:"pubDate"`
		} `xml:"channel>item"`
	}
	var out []baseEntry
	for _, f := range []struct {
		path string
		v    any
	}{{fx.Path(fx.JORFEcology), &atom}, {fx.Path(fx.Europarl), &rss}} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			return nil, err
		}
		if err := xml.Unmarshal(b, f.v); err != nil {
			return nil, fmt.Errorf("%s: %w", f.path, err)
		}
	}
	for _, e := range atom.Entries {
		t, _ := time.Parse(time.RFC3339, e.Published)
		out = append(out, baseEntry{title: e.Title, text: plainText(e.Content), lang: "fr", published: t})
	}
	for _, it := range rss.Items {
		t, _ := time.Parse(time.RFC1123, it.PubDate)
		out = append(out, baseEntry{title: it.Title, text: plainText(it.Description), lang: "en", published: t})
	}
	if len(atom.Entries) == 0 || len(rss.Items) == 0 {
		return nil, fmt.Errorf("testdata feeds: %d atom entries, %d rss items", len(atom.Entries), len(rss.Items))
	}
	return out, nil
}

func plainText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
			b.WriteByte(' ')
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}

var (
	genDomains     = []string{"environment", "health-safety", "medical-devices", "technology"}
	genCompetences = []string{"forging", "machining", "surface-treatment", "heat-treatment", "polishing-finishing",
		"cutlery", "automotive", "aerospace", "agriculture", "medical-implants", "surgical-instruments"}
)

// genItems builds n items from the real entries: each takes one entry's
// title and text plus the start of another entry of the same language, so
// that texts differ, and a deterministic mix of sources, tags and dates.
func genItems(tb testing.TB, from, n int) []veille.Item {
	tb.Helper()
	base, err := corpus()
	if err != nil {
		tb.Fatal(err)
	}
	byLang := map[string][]baseEntry{}
	for _, e := range base {
		byLang[e.lang] = append(byLang[e.lang], e)
	}
	epoch := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	items := make([]veille.Item, 0, n)
	for i := from; i < from+n; i++ {
		b := base[i%len(base)]
		same := byLang[b.lang]
		extra := same[(i*7+3)%len(same)].text
		extra = txt.CutBytes(extra, 1000)
		h := uint(i) * 2654435761 // spread the tags
		var domains, competences []string
		for k := range uint(h % 3) {
			domains = append(domains, genDomains[(h>>(4+k*3))%uint(len(genDomains))])
		}
		for k := range uint((h >> 8) % 4) {
			competences = append(competences, genCompetences[(h>>(12+k*4))%uint(len(genCompetences))])
		}
		jur := "FR"
		if b.lang == "en" {
			jur = "EU"
		}
		src := fmt.Sprintf("source-%02d", h%20)
		link := fmt.Sprintf("https://example.org/gen/%d", i)
		items = append(items, veille.Item{
			ID: veille.ItemID(link), Title: b.title, Link: link, Source: src, Sources: []string{src},
			Published: epoch.Add(-time.Duration(i) * 37 * time.Minute), Lang: b.lang, Jurisdiction: jur,
			Summary: "", Content: b.text + " " + extra, Domains: domains, Competences: competences,
			Why: map[string][]string{},
		})
	}
	return items
}

func TestGeneratedCorpus(t *testing.T) {
	ix := openTemp(t)
	items := genItems(t, 0, 300)
	if err := ix.Upsert(context.Background(), items, 300); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 300 {
		t.Fatalf("count %d", n)
	}
	byID := map[string]veille.Item{}
	for _, it := range items {
		byID[it.ID] = it
	}
	// Words of the real JORF and Parliament texts.
	for _, q := range []string{"dechets", "installations classées", `"code de l'environnement"`, "emissions trading", "arrêté", "préfet article"} {
		res := runSearch(t, ix, veille.SearchRequest{Query: q, Limit: 50})
		if res.Total == 0 {
			t.Errorf("%q finds nothing in the real texts", q)
		}
		marked := 0
		for _, h := range res.Hits {
			if strings.Contains(h.Snippet, "<mark>") {
				marked++
				continue
			}
			// Only the start of a long act is kept for snippets; a
			// match further on cannot be marked.
			if it := byID[h.ID]; len(it.Title)+len(it.Content) <= highlightBytes {
				t.Errorf("%q: snippet without a mark for a short text: %q", q, h.Snippet)
			}
		}
		if marked == 0 {
			t.Errorf("%q: no snippet marks the match", q)
		}
	}
}

func BenchmarkUpsertBatch(b *testing.B) {
	ix := openTemp(b)
	ctx := context.Background()
	var bytes int
	batches := make([][]veille.Item, 0, 8)
	for k := range 8 {
		batch := genItems(b, k*1000, 1000)
		batches = append(batches, batch)
		if k == 0 {
			for _, it := range batch {
				bytes += len(it.Title) + len(it.Content)
			}
		}
	}
	for i := 0; b.Loop(); i++ {
		// New ids for the first 8 rounds, then re-upserts of known ones.
		if err := ix.Upsert(ctx, batches[i%len(batches)], int64(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(bytes)/1000, "text-bytes/item")
}

// buildIndex indexes n generated items in batches of 1,000 into dir.
func buildIndex(tb testing.TB, dir string, n int) *Index {
	tb.Helper()
	ix, err := Open(dir, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	for from := 0; from < n; from += 1000 {
		if err := ix.Upsert(context.Background(), genItems(tb, from, min(1000, n-from)), int64(from)); err != nil {
			tb.Fatal(err)
		}
	}
	return ix
}

func dirSize(dir string) int64 {
	var total int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

// BenchmarkIndex10k measures building a 10,000-item index: run with
// -benchtime=1x; it reports items/s and the size on disk after close.
func BenchmarkIndex10k(b *testing.B) {
	const n = 10000
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "index")
		start := time.Now()
		ix := buildIndex(b, dir, n)
		took := time.Since(start)
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(n/took.Seconds(), "items/s")
		b.ReportMetric(float64(dirSize(dir))/(1<<20), "MB")
	}
}

func BenchmarkSearch(b *testing.B) {
	ix := buildIndex(b, filepath.Join(b.TempDir(), "index"), 10000)
	defer ix.Close()
	ctx := context.Background()
	bare := func(r veille.SearchRequest) veille.SearchRequest {
		r.NoFacets, r.NoHighlight = true, true
		return r
	}
	cases := []struct {
		name string
		r    veille.SearchRequest
	}{
		{"word", bare(veille.SearchRequest{Query: "déchets"})},
		{"two words", bare(veille.SearchRequest{Query: "installations classées"})},
		{"phrase", bare(veille.SearchRequest{Query: `"code de l'environnement"`})},
		{"frequent phrase", bare(veille.SearchRequest{Query: `"transition écologique"`})},
		{"filtered", bare(veille.SearchRequest{Query: "déchets", Domains: []string{"environment", "technology"},
			Competences: []string{"surface-treatment"}, Since: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)})},
		{"highlighted", veille.SearchRequest{Query: "déchets", NoFacets: true}},
		{"faceted", veille.SearchRequest{Query: "déchets", NoHighlight: true}},
		{"faceted+highlighted", veille.SearchRequest{Query: "déchets"}},
		{"all by date, faceted", veille.SearchRequest{NoHighlight: true}},
		{"tagged by date, faceted", veille.SearchRequest{NoHighlight: true, Tagged: true}},
		{"broad word, faceted+highlighted", veille.SearchRequest{Query: "arrêté"}},
	}
	// Facets and the newest-first order come from the columns; "bleve"
	// is the same search with Bleve counting and sorting, for comparison.
	if err := ix.cols.build(ix.idx); err != nil {
		b.Fatal(err)
	}
	cols := ix.cols
	defer func() { ix.cols = cols }()
	for _, c := range cases {
		for _, mode := range []string{"columns", "bleve"} {
			if mode == "bleve" && c.r.NoFacets && c.r.Query != "" {
				continue // nothing the columns do
			}
			b.Run(c.name+"/"+mode, func(b *testing.B) {
				ix.cols = cols
				if mode == "bleve" {
					ix.cols = nil
				}
				var total uint64
				for b.Loop() {
					res, err := ix.Search(ctx, c.r)
					if err != nil {
						b.Fatal(err)
					}
					total = res.Total
				}
				b.ReportMetric(float64(total), "hits")
			})
		}
	}
}

// A query of plain words finds the items holding every word (each with
// its inflections), as "+a +b" does, and no item missing one.
func TestEveryWordRequired(t *testing.T) {
	ix := openTemp(t)
	items := genItems(t, 0, 600)
	if err := ix.Upsert(context.Background(), items, 1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"préfet article arrêté", "installations classées", "emissions trading", "déchets dangereux", "code environnement"} {
		every := runSearch(t, ix, veille.SearchRequest{Query: "+" + strings.Join(strings.Fields(q), " +"), Limit: 1000, NoFacets: true, NoHighlight: true})
		plain := runSearch(t, ix, veille.SearchRequest{Query: q, Limit: 1000, NoFacets: true, NoHighlight: true})
		some := runSearch(t, ix, veille.SearchRequest{Query: strings.Join(strings.Fields(q), " OR "), Limit: 1000, NoFacets: true, NoHighlight: true})
		if len(every.Hits) == 0 || len(some.Hits) <= len(every.Hits) {
			t.Fatalf("%q: %d items with every word, %d with some: the corpus does not test this", q, len(every.Hits), len(some.Hits))
		}
		want := map[string]bool{}
		for _, h := range every.Hits {
			want[h.ID] = true
		}
		if len(plain.Hits) != len(every.Hits) {
			t.Errorf("%q: %d hits, want the %d items holding every word", q, len(plain.Hits), len(every.Hits))
		}
		for _, h := range plain.Hits {
			if !want[h.ID] {
				t.Errorf("%q: %q lacks a word", q, h.Title)
				break
			}
		}
	}
}
