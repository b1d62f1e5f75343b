package crawler

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/fixtures"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// checkGolden compares items, as indented JSON, with testdata/golden/name.
func checkGolden(t *testing.T, name string, items []veille.Item) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep markup readable in review
	enc.SetIndent("", "  ")
	if err := enc.Encode(items); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -run %s -update rewrites it); got:\n%s", path, t.Name(), got)
	}
}

var mdcgSource = veille.Source{
	ID: "mdcg-guidance", Kind: veille.KindHTML, Lang: "en", Jurisdiction: "EU",
	URL: "https://health.example.eu/medical-devices-sector/new-regulations/guidance-mdcg-endorsed-documents_en",
	Select: &veille.Selectors{
		Item:    "table.guidance tbody tr",
		Title:   "td.title a",
		Date:    "td.date",
		Summary: "td.title p.description",
	},
}

func TestParseHTMLListGolden(t *testing.T) {
	items, err := ParseHTML(readTestdata(t, "html/list/mdcg-guidance.html"), "text/html; charset=utf-8", mdcgSource.URL, mdcgSource, testNow)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "mdcg-guidance.json", items)

	// The golden file is reviewed once; these say why it is right.
	if len(items) != 6 {
		t.Fatalf("%d items, want 6 (header and separator rows skipped)", len(items))
	}
	want := []struct {
		link, date, lang string
	}{
		{"https://health.example.eu/medical-devices-sector/new-regulations/guidance/mdcg-2026-14_en", "2026-11-12", "en"}, // base href, utm_* and fragment removed
		{"https://health.example.eu/document/download/mdcg-2026-13-fr.pdf", "2026-12-01", "fr"},                           // "1er décembre", row lang="fr"
		{"https://health.example.eu/document/download/mdcg-2026-12_en.pdf?file=final", "2026-10-28", "en"},                // default port and xtor removed, day first
		{"https://health.example.eu/medical-devices-sector/new-regulations/guidance/mdcg-2026-11_en", "2026-10-15", "en"},
		{"https://health.example.eu/medical-devices-sector/new-regulations/guidance/mdcg-2026-10_en", "2026-11-12", "en"}, // French date; page lang
		{"https://health.example.eu/medical-devices-sector/new-regulations/guidance/mdcg-2026-9_en", "2026-11-16", "en"},  // no date: now
	}
	for i, w := range want {
		it := items[i]
		if it.Link != w.link || it.Published.Format("2006-01-02") != w.date || it.Lang != w.lang {
			t.Errorf("item %d: link %q date %s lang %q, want %q %s %q", i, it.Link, it.Published.Format("2006-01-02"), it.Lang, w.link, w.date, w.lang)
		}
	}
	if items[0].Title != "Guidance on clinical evaluation of orthopaedic implants & legacy devices" {
		t.Errorf("title %q", items[0].Title)
	}
	if !strings.HasPrefix(items[0].Summary, "Sets out how manufacturers of hip, knee and spinal implants") || !strings.Contains(items[0].HTML, `<p class="description">`) {
		t.Errorf("summary %q html %q", items[0].Summary, items[0].HTML)
	}
	checkItems(t, items, mdcgSource)
}

var fdaSource = veille.Source{
	ID: "fda-device-recalls", Kind: veille.KindHTML, Lang: "en", Jurisdiction: "US",
	Select: &veille.Selectors{
		Item:    "html",
		Title:   "meta[property='og:title']@content",
		Link:    "link[rel=canonical]@href",
		Date:    "meta[property='og:updated_time']@content",
		Summary: "meta[name=description]@content",
	},
}

func TestParseHTMLFDADetailPagesGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtures.Path(fixtures.FDADeviceRecalls), "*.html"))
	if err != nil || len(files) != 4 {
		t.Fatalf("fixtures: %v %v", files, err)
	}
	sort.Strings(files)
	var all []veille.Item
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		page := "https://www.fda.gov/medical-devices/medical-device-recalls/" + strings.TrimSuffix(filepath.Base(f), ".html")
		items, err := ParseHTML(body, "text/html; charset=UTF-8", page, fdaSource, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 {
			t.Fatalf("%s: %d items", f, len(items))
		}
		all = append(all, items...)
	}
	checkGolden(t, "fda-device-recalls.json", all)

	byTitle := map[string]veille.Item{}
	for _, it := range all {
		byTitle[it.Title] = it
	}
	mm := byTitle["Medtronic Recalls MiniMed Insulin Pumps"]
	if mm.Link != "http://www.fda.gov/medical-devices/medical-device-recalls/medtronic-recalls-minimed-insulin-pumps-incorrect-insulin-dosing" {
		t.Errorf("link %q", mm.Link)
	}
	// "Tue, 02/04/2020 - 00:00": a US date, 4 February (a Tuesday), not 2 April
	cs := byTitle["GE Healthcare Recalls CARESCAPE Respiratory Modules"]
	if !cs.Published.Equal(time.Date(2020, 2, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v", cs.Published)
	}
	if !mm.Published.Equal(time.Date(2020, 2, 12, 0, 0, 0, 0, time.UTC)) || mm.Lang != "en" {
		t.Errorf("published %v lang %q", mm.Published, mm.Lang)
	}
	if mm.Summary != "Missing or broken retainer ring could cause under or over delivery of insulin. This may cause patient injury or death." {
		t.Errorf("summary %q", mm.Summary)
	}
	checkItems(t, all, fdaSource)
}

func TestParseHTMLANSM(t *testing.T) {
	src := veille.Source{
		ID: "ansm-securite", Kind: veille.KindHTML, Lang: "fr", Jurisdiction: "FR",
		Select: &veille.Selectors{Item: "body", Title: "h1", Date: "p", Summary: "p"},
	}
	tests := map[string]struct {
		file, title string
		date        time.Time
		summary     string
	}{
		"medicine recall": {
			file:    "sample/ansm/ansm_recall.html",
			title:   "Chloraprep, solution pour application cutanée 60 ampoules en verre de 1 ml avec applicateur – Becton Dickinson France",
			date:    time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC),
			summary: "risque potentiel de perte de stérilité",
		},
		"device recall": {
			file:    "sample/ansm/ansm_device.html",
			title:   "Rapid Refill Continuous Injection System – Boston Scientific",
			date:    time.Date(2026, 7, 9, 0, 0, 0, 0, time.UTC),
			summary: "Rappel n° R2619855 destiné aux pharmacies d'usage intérieur",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			page := "https://ansm.example.fr/informations-de-securite/" + filepath.Base(tc.file)
			items, err := ParseHTML(readTestdata(t, tc.file), "text/html", page, src, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 1 {
				t.Fatalf("%d items", len(items))
			}
			it := items[0]
			if it.Title != tc.title || !it.Published.Equal(tc.date) || it.Lang != "fr" {
				t.Errorf("title %q date %v lang %q", it.Title, it.Published, it.Lang)
			}
			if !strings.Contains(it.Summary, tc.summary) {
				t.Errorf("summary %q lacks %q", it.Summary, tc.summary)
			}
			if it.Link != "" {
				t.Errorf("link %q: the page has no <a>", it.Link)
			}
		})
	}
}

func TestParseHTMLDefaults(t *testing.T) {
	const page = `<!doctype html><html lang="fr-FR"><head><meta charset="windows-1252"></head><body>
<ul class="news">
  <li><a href="actu/1.html">Nouvelle r` + "\xe8" + `gle sur les poussi` + "\xe8" + `res m` + "\xe9" + `talliques</a> <time datetime="2026-11-03T10:00:00+01:00">3 nov.</time></li>
  <li><a href="javascript:void(0)">Lien sans cible</a></li>
  <li><a href="https://other.example.org/x#frag">Autre site</a><span>12/11/2026</span></li>
</ul></body></html>`
	src := veille.Source{ID: "news", Lang: "en", Select: &veille.Selectors{Item: "ul.news li", Date: "span"}}
	items, err := ParseHTML([]byte(page), "text/html", "https://site.example.fr/a/index.html", src, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 {
		t.Fatalf("%d items", len(items))
	}
	if items[0].Title != "Nouvelle règle sur les poussières métalliques 3 nov." {
		t.Errorf("title (item text, decoded from windows-1252): %q", items[0].Title)
	}
	if items[0].Link != "https://site.example.fr/a/actu/1.html" || items[0].Lang != "fr" {
		t.Errorf("link %q lang %q", items[0].Link, items[0].Lang)
	}
	if items[1].Link != "" || items[2].Link != "https://other.example.org/x" {
		t.Errorf("links %q %q", items[1].Link, items[2].Link)
	}
	if !items[2].Published.Equal(time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date %v", items[2].Published)
	}

	// without a date selector, <time datetime> is read
	src.Select.Date = ""
	items, err = ParseHTML([]byte(page), "text/html", "https://site.example.fr/", src, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !items[0].Published.Equal(time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("time[datetime] not used: %v", items[0].Published)
	}
}

func TestParseHTMLErrors(t *testing.T) {
	page := readTestdata(t, "html/list/mdcg-guidance.html")
	tests := map[string]struct {
		sel  *veille.Selectors
		want string
		is   error
	}{
		"no selectors":       {nil, "source s: an html source needs select.item", nil},
		"empty item":         {&veille.Selectors{Title: "h1"}, "needs select.item", nil},
		"bad item selector":  {&veille.Selectors{Item: "tr[[["}, `select.item: invalid CSS selector "tr[[["`, nil},
		"bad title selector": {&veille.Selectors{Item: "tr", Title: "td::("}, `select.title: invalid CSS selector`, nil},
		"item matches none":  {&veille.Selectors{Item: "div.news-card"}, `select.item "div.news-card" matched nothing`, ErrNoItems},
		"no titles":          {&veille.Selectors{Item: "table.guidance tbody tr", Title: "td.missing"}, "none with a title", ErrNoItems},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseHTML(page, "text/html", "https://x.example/", veille.Source{ID: "s", Select: tc.sel}, testNow)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "source s: ") {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error does not wrap %v", tc.is)
			}
		})
	}
}

func TestParseSelector(t *testing.T) {
	tests := map[string]selector{
		"meta[property='og:title']@content": {css: "meta[property='og:title']", attr: "content"},
		"a@href":                            {css: "a", attr: "href"},
		"@href":                             {css: "", attr: "href"},
		"a[href^='mailto:x@y.org']":         {css: "a[href^='mailto:x@y.org']"},
		"time@datetime":                     {css: "time", attr: "datetime"},
		"td.title a":                        {css: "td.title a"},
		" td.date @ data-x":                 {css: "td.date @ data-x"}, // a space after @ is not an attribute
	}
	for spec, want := range tests {
		t.Run(spec, func(t *testing.T) {
			got, err := parseSelector("f", spec)
			if strings.Contains(spec, "@ ") {
				if err == nil {
					t.Errorf("want an invalid selector error, got %+v", got)
				}
				return
			}
			if err != nil || got != want {
				t.Errorf("got %+v %v, want %+v", got, err, want)
			}
		})
	}
}
