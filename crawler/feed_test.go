package crawler

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/fixtures"
)

// testNow is the injected clock of the parsing tests.
var testNow = time.Date(2026, 11, 16, 9, 30, 0, 0, time.UTC)

// readTestdata reads a file of this package's testdata or, named
// "sample/…", one of the shared recordings of real sources (see
// internal/fixtures), which the tests of other packages read too.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	if rest, ok := strings.CutPrefix(name, "sample/"); ok {
		return fixtures.Read(t, rest)
	}
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func findItem(items []veille.Item, link string) *veille.Item {
	for i := range items {
		if items[i].Link == link {
			return &items[i]
		}
	}
	return nil
}

func findTitle(items []veille.Item, prefix string) *veille.Item {
	for i := range items {
		if strings.HasPrefix(items[i].Title, prefix) {
			return &items[i]
		}
	}
	return nil
}

// checkItems verifies what every normalised item must satisfy.
func checkItems(t *testing.T, items []veille.Item, src veille.Source) {
	t.Helper()
	ids := map[string]bool{}
	for _, it := range items {
		if it.ID == "" || ids[it.ID] {
			t.Errorf("item %q: empty or repeated ID %q", it.Title, it.ID)
		}
		ids[it.ID] = true
		if it.Title == "" || strings.ContainsAny(it.Title, "\n\t") || strings.Contains(it.Title, "  ") {
			t.Errorf("title not collapsed: %q", it.Title)
		}
		if it.Source != src.ID || len(it.Sources) != 1 || it.Sources[0] != src.ID {
			t.Errorf("%q: source %q sources %v", it.Title, it.Source, it.Sources)
		}
		if it.Jurisdiction != src.Jurisdiction {
			t.Errorf("%q: jurisdiction %q", it.Title, it.Jurisdiction)
		}
		if it.Published.IsZero() || it.Published.Location() != time.UTC {
			t.Errorf("%q: published %v not UTC", it.Title, it.Published)
		}
		if !it.FirstSeen.Equal(testNow) {
			t.Errorf("%q: first seen %v", it.Title, it.FirstSeen)
		}
		if it.Lang == "" {
			t.Errorf("%q: no language", it.Title)
		}
		if it.Link != "" && it.Link != CanonicalURL(it.Link) {
			t.Errorf("%q: link %q not canonical", it.Title, it.Link)
		}
		if len(it.Domains) != 0 || len(it.Competences) != 0 || len(it.Why) != 0 {
			t.Errorf("%q: tagged by the crawler", it.Title)
		}
		if strings.Contains(it.Summary, "<p>") || strings.Contains(it.Content, "<p>") || strings.Contains(it.Content, "&amp;") {
			t.Errorf("%q: markup left in text", it.Title)
		}
	}
}

func TestParseFeedRealFixtures(t *testing.T) {
	tests := map[string]struct {
		file        string
		contentType string
		src         veille.Source
		count       int
		link        string // a known item, by link (or title prefix when it has none)
		title       string
		published   time.Time
		lang        string
		check       func(t *testing.T, it *veille.Item, items []veille.Item)
	}{
		"jorf education (duplicates, entries without link)": {
			file:      "sample/jorf-legifrss/2602a99/all_ministere-de-l-education-nationale-de-la-jeunesse-et-des-sports.xml",
			src:       veille.Source{ID: "jorf-education", Jurisdiction: "FR"},
			count:     24, // 50 entries, 24 distinct acts
			link:      "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000043183695",
			title:     "Décret n° 2021-209 du 25 février 2021 relatif à l'organisation",
			published: time.Date(2021, 2, 26, 0, 0, 0, 0, time.UTC),
			lang:      "fr",
			check: func(t *testing.T, it *veille.Item, _ []veille.Item) {
				if it.ID != veille.ItemID(it.Link) {
					t.Errorf("ID not derived from the link")
				}
				if len(it.Authors) != 1 || !strings.HasPrefix(it.Authors[0], "Ministère de l'éducation nationale") {
					t.Errorf("authors %q", it.Authors)
				}
			},
		},
		"jorf transition ecologique (empty and full duplicates)": {
			file:  "sample/jorf-legifrss/7854d0f/arrete_ministere-de-la-transition-ecologique.xml",
			src:   veille.Source{ID: "jorf-te", Jurisdiction: "FR", Lang: "fr"},
			count: 27,
			link:  "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000043173093",
			title: "Arrêté du 12 janvier 2021 relatif aux meilleures techniques disponibles",
			lang:  "fr",
			check: func(t *testing.T, it *veille.Item, _ []veille.Item) {
				// the entry with a link has empty content; its duplicate without a
				// link carries the 145 KB act: the merge must keep all of it
				if len(it.Content) < 50_000 || len(it.HTML) < 100_000 {
					t.Errorf("content %d bytes, HTML %d bytes: full text lost", len(it.Content), len(it.HTML))
				}
				if !strings.Contains(it.Content, "Article 1") {
					t.Errorf("content lacks the articles: %.200q", it.Content)
				}
				if len([]rune(it.Summary)) > summaryMax+1 || it.Summary == "" {
					t.Errorf("summary %d runes", len([]rune(it.Summary)))
				}
			},
		},
		"jorf with 100 KB entries": {
			file:      "sample/jorf-legifrss/2d3a598/arrete_ministere-de-la-transition-ecologique.xml",
			src:       veille.Source{ID: "jorf-te2", Jurisdiction: "FR"},
			count:     50,
			link:      "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000042754330",
			title:     "Arrêté du 1er décembre 2020 modifiant le cahier des charges des éco-organismes",
			published: time.Date(2020, 12, 30, 0, 0, 0, 0, time.UTC),
			lang:      "fr",
		},
		"jorf file with accented name": {
			file:  "sample/jorf-legifrss/48d0f9e/arrete_ministère-de-la-transition-écologique.xml",
			src:   veille.Source{ID: "jorf-te3", Jurisdiction: "FR"},
			count: 70,
			link:  "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000042741911",
			title: "Arrêté du 1er décembre 2020 fixant la liste des produits chimiques mentionnés au 7° de l'article L. 541-10-1 du code de l'environnement",
			lang:  "fr",
		},
		"ameli lpp atom (related links only)": {
			file:      "sample/ameli-lpp/ameli_lpp.xml",
			src:       veille.Source{ID: "ameli-lpp", Jurisdiction: "FR", Lang: "fr"},
			count:     149,
			link:      "http://www.codage.ext.cnamts.fr/f_mediam/fo/tips/LPP493.zip",
			title:     "Nomenclature LPP Version 493",
			published: time.Date(2018, 5, 13, 8, 0, 20, 111339000, time.UTC),
			lang:      "fr",
			check: func(t *testing.T, it *veille.Item, _ []veille.Item) {
				if it.GUID != "urn:ameli:lpp:v493" || it.Summary != "Version 493 disponible" {
					t.Errorf("guid %q summary %q", it.GUID, it.Summary)
				}
				if !strings.Contains(it.Content, "TIII Ch4 HEARTWARE\nTIII Ch1 NOVAE") {
					t.Errorf("xhtml content lost its lines: %.300q", it.Content)
				}
			},
		},
		"ameli lpp rss2 (no links)": {
			file:  "ameli/ameli_lpp.rss2",
			src:   veille.Source{ID: "ameli-lpp-rss", Jurisdiction: "FR", Lang: "fr"},
			count: 145,
			title: "Nomenclature LPP Version 489",
			lang:  "fr",
			check: func(t *testing.T, it *veille.Item, _ []veille.Item) {
				if it.Link != "" {
					t.Errorf("link %q from nowhere", it.Link)
				}
				if want := veille.ItemID("ameli-lpp-rss\x00guid\x00urn:ameli:lpp:v489"); it.ID != want {
					t.Errorf("ID %s, want the source-scoped GUID id %s", it.ID, want)
				}
				if !it.Published.Equal(time.Date(2018, 4, 11, 16, 49, 48, 0, time.UTC)) {
					t.Errorf("published %v", it.Published)
				}
				if !strings.Contains(it.Summary, "Arrêté du 28 mars 2018") && !strings.Contains(it.Content, "Arrêté du 28 mars 2018") {
					t.Errorf("description text lost: %q", it.Summary)
				}
			},
		},
		"europarl think tank (CRLF)": {
			file:      "sample/europarl-thinktank/thinktank_rss_2026_09_15.xml",
			src:       veille.Source{ID: "europarl-thinktank", Jurisdiction: "EU", Lang: "fr"},
			count:     25,
			link:      "https://www.europarl.europa.eu/thinktank/en/document/EPRS_BRI(2026)791484",
			title:     "Briefing - Is Nepal's young leader meeting expectations of change? - 14-09-2026",
			published: time.Date(2026, 9, 13, 22, 0, 0, 0, time.UTC),
			lang:      "en", // the channel says EN, over the source default
			check: func(t *testing.T, it *veille.Item, items []veille.Item) {
				if it.GUID != "EPRS_BRI(2026)791484_EN_20260914" {
					t.Errorf("guid %q", it.GUID)
				}
				for _, x := range items {
					if strings.ContainsRune(x.Summary+x.Content+x.Title, '\r') {
						t.Errorf("carriage return left in %q", x.Title)
					}
				}
			},
		},
		"fda food recalls": {
			file:        "sample/fda/fda_food_safety_recalls_slice.xml",
			contentType: "application/rss+xml; charset=utf-8",
			src:         veille.Source{ID: "fda-food", Jurisdiction: "US"},
			count:       3,
			link:        "https://www.fda.gov/safety/recalls-market-withdrawals-safety-alerts/palmer-candy-company-recalls-white-confectionary-products-because-possible-health-risk",
			title:       "Palmer Candy Company Recalls White Confectionary Products Because of Possible Health Risk",
			published:   time.Date(2024, 5, 5, 14, 9, 0, 0, time.UTC), // 10:09 EDT
			lang:        "en",
			check: func(t *testing.T, it *veille.Item, _ []veille.Item) {
				if len(it.Authors) != 1 || it.Authors[0] != "FDA" {
					t.Errorf("authors %v", it.Authors)
				}
				if !strings.Contains(it.Summary, "“White Coated Confectionary Items”") {
					t.Errorf("summary %q", it.Summary)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			items, err := ParseFeed(readTestdata(t, tc.file), tc.contentType, tc.src, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != tc.count {
				t.Errorf("%d items, want %d", len(items), tc.count)
			}
			checkItems(t, items, tc.src)
			var it *veille.Item
			if tc.link != "" {
				it = findItem(items, tc.link)
			} else {
				it = findTitle(items, tc.title)
			}
			if it == nil {
				t.Fatalf("item %q / %q not found", tc.link, tc.title)
			}
			if !strings.HasPrefix(it.Title, tc.title) {
				t.Errorf("title %q, want prefix %q", it.Title, tc.title)
			}
			if !tc.published.IsZero() && !it.Published.Equal(tc.published) {
				t.Errorf("published %v, want %v", it.Published, tc.published)
			}
			if it.Lang != tc.lang {
				t.Errorf("lang %q, want %q", it.Lang, tc.lang)
			}
			if tc.check != nil {
				tc.check(t, it, items)
			}
		})
	}
}

func TestJORFDuplicatesMerge(t *testing.T) {
	body := readTestdata(t, "sample/jorf-legifrss/2602a99/all_ministere-de-l-education-nationale-de-la-jeunesse-et-des-sports.xml")
	src := veille.Source{ID: "jorf", Jurisdiction: "FR"}
	items, err := ParseFeed(body, "", src, testNow)
	if err != nil {
		t.Fatal(err)
	}
	// Every distinct <id> of the file is one item, whether its entries had a
	// <link> or only the id: both give the same canonical link.
	ids := map[string]bool{}
	for _, part := range strings.Split(string(body), "<id>")[2:] { // [1] is the feed's id
		ids[part[:strings.Index(part, "</id>")]] = true
	}
	if len(items) != len(ids) {
		t.Errorf("%d items for %d distinct entry ids", len(items), len(ids))
	}
	for _, it := range items {
		if !ids[it.Link] || it.GUID != it.Link {
			t.Errorf("item %q: link %q guid %q", it.Title, it.Link, it.GUID)
		}
		if it.ID != veille.ItemID(it.Link) {
			t.Errorf("%q: duplicates must keep the link-derived ID so other feeds of the same act match", it.Title)
		}
	}
	// The same act in another feed gets the same ID: the cross-source dedup.
	other, err := ParseFeed(readTestdata(t, "sample/jorf-legifrss/7854d0f/arrete_ministere-de-la-transition-ecologique.xml"), "", veille.Source{ID: "other"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if it := findItem(other, "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000043173093"); it == nil || it.ID != veille.ItemID("https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000043173093") {
		t.Errorf("link-derived ID expected in the other feed too: %+v", it)
	}
}

func TestParseFeedEncodings(t *testing.T) {
	tests := map[string]struct {
		file        string
		contentType string
		strip       string // remove this from the document first
		title       string
		summary     string // a substring
	}{
		"iso-8859-1 declared in the prolog": {
			file:    "own/latin1.xml",
			title:   "Arrêté du 12 novembre 2026 relatif aux installations de traitement de surface (rubrique n° 2565)",
			summary: "déclarent à l'inspection des installations classées les rejets de chrome hexavalent ; ça s'applique dès le 1er janvier 2027.",
		},
		"iso-8859-1 declared in Content-Type only": {
			file:        "own/latin1.xml",
			contentType: "application/rss+xml; charset=ISO-8859-1",
			strip:       ` encoding="ISO-8859-1"`,
			title:       "Arrêté du 12 novembre 2026 relatif aux installations de traitement de surface (rubrique n° 2565)",
			summary:     "ça s'applique dès",
		},
		"iso-8859-1 undeclared": {
			file:    "own/latin1.xml",
			strip:   ` encoding="ISO-8859-1"`,
			title:   "Arrêté du 12 novembre 2026 relatif aux installations de traitement de surface (rubrique n° 2565)",
			summary: "installations classées",
		},
		"utf-8 header lying about latin-1 bytes": {
			file:        "own/latin1.xml",
			contentType: "text/xml; charset=utf-8",
			title:       "Arrêté du 12 novembre 2026 relatif aux installations de traitement de surface (rubrique n° 2565)",
			summary:     "ça s'applique",
		},
		"windows-1252 in Content-Type": {
			file:        "own/cp1252.xml",
			contentType: "application/atom+xml; charset=windows-1252",
			title:       "Décret n° 2026-1234 : l’œuvre de « simplification » – coût estimé 150 €",
			summary:     "moins de 50 salariés… et prévoit une aide de 150 € par poste.",
		},
		"windows-1252 undeclared": {
			file:    "own/cp1252.xml",
			title:   "Décret n° 2026-1234 : l’œuvre de « simplification » – coût estimé 150 €",
			summary: "150 € par poste",
		},
		"utf-8 with a BOM and a wrong latin-1 header": {
			file:        "own/rdf.xml",
			contentType: "application/rdf+xml; charset=iso-8859-1",
			title:       "NF EN 9100 : la nouvelle édition entre en application",
			summary:     "aéronautique",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			body := readTestdata(t, tc.file)
			if tc.strip != "" {
				body = []byte(strings.Replace(string(body), tc.strip, "", 1))
			}
			if strings.Contains(name, "BOM") {
				body = append([]byte{0xEF, 0xBB, 0xBF}, body...)
			}
			items, err := ParseFeed(body, tc.contentType, veille.Source{ID: "enc", Lang: "fr"}, testNow)
			if err != nil {
				t.Fatal(err)
			}
			it := findTitle(items, tc.title)
			if it == nil {
				var got []string
				for _, x := range items {
					got = append(got, x.Title)
				}
				t.Fatalf("title %q not found in %q", tc.title, got)
			}
			if !strings.Contains(it.Summary, tc.summary) {
				t.Errorf("summary %q lacks %q", it.Summary, tc.summary)
			}
		})
	}
}

func TestParseFeedOwnFormats(t *testing.T) {
	t.Run("latin-1 rss details", func(t *testing.T) {
		items, err := ParseFeed(readTestdata(t, "own/latin1.xml"), "", veille.Source{ID: "l1", Lang: "en"}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 {
			t.Fatalf("%d items", len(items))
		}
		it := items[0]
		if it.Link != "https://veille.example.fr/textes/2565-traitement-surface?id=42" {
			t.Errorf("link %q: tracking parameter kept", it.Link)
		}
		if it.Lang != "fr" || items[1].Lang != "fr" {
			t.Errorf("lang %q %q, want fr from <language>fr-FR</language>", it.Lang, items[1].Lang)
		}
		if !it.Published.Equal(time.Date(2026, 11, 12, 7, 30, 0, 0, time.UTC)) {
			t.Errorf("published %v", it.Published)
		}
		if len(it.Categories) != 1 || it.Categories[0] != "Environnement" {
			t.Errorf("categories %v", it.Categories)
		}
		if it.GUID != "veille-2565-2026" || it.ID != veille.ItemID(it.Link) {
			t.Errorf("guid %q id %q", it.GUID, it.ID)
		}
	})
	t.Run("relative atom link resolved", func(t *testing.T) {
		items, err := ParseFeed(readTestdata(t, "own/cp1252.xml"), "", veille.Source{ID: "w"}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].Link != "https://veille.example.fr/textes/decret-2026-1234" {
			t.Fatalf("items %+v", items)
		}
	})
	t.Run("rdf with item language", func(t *testing.T) {
		items, err := ParseFeed(readTestdata(t, "own/rdf.xml"), "application/rdf+xml", veille.Source{ID: "std", Lang: "fr"}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 {
			t.Fatalf("%d items", len(items))
		}
		iso, nf := items[0], items[1]
		if iso.Lang != "en" || nf.Lang != "fr" {
			t.Errorf("langs %q %q, want en (channel) and fr (item dc:language)", iso.Lang, nf.Lang)
		}
		if !iso.Published.Equal(time.Date(2026, 11, 2, 9, 15, 0, 0, time.UTC)) || !nf.Published.Equal(time.Date(2026, 10, 28, 13, 0, 0, 0, time.UTC)) {
			t.Errorf("dates %v %v", iso.Published, nf.Published)
		}
		if iso.Link != "https://standards.example.org/news/iso-10993-1-2026" || len(nf.Authors) != 1 || nf.Authors[0] != "Comité de normalisation" {
			t.Errorf("link %q authors %v", iso.Link, nf.Authors)
		}
	})
	t.Run("json feed", func(t *testing.T) {
		src := veille.Source{ID: "cluster", Lang: "fr"}
		items, err := ParseFeed(readTestdata(t, "own/jsonfeed.json"), "application/feed+json", src, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 5 {
			t.Fatalf("%d items", len(items))
		}
		byTitle := map[string]veille.Item{}
		for _, it := range items {
			byTitle[it.Title] = it
		}
		am := byTitle["Journée technique fabrication additive métal"]
		if am.Link != "https://cluster.example.fr/actu/journee-fabrication-additive" || am.ID != veille.ItemID(am.Link) {
			t.Errorf("link from an http id: %q", am.Link)
		}
		if am.Summary != "Fusion laser et implants en titane" || am.Content != "Retour sur la fusion laser sur lit de poudre de titane pour les implants." {
			t.Errorf("summary %q content %q", am.Summary, am.Content)
		}
		if !strings.Contains(am.HTML, "<strong>fusion laser</strong>") {
			t.Errorf("html %q", am.HTML)
		}
		if strings.Join(am.Categories, "|") != "Technologie|Fabrication additive" || strings.Join(am.Authors, "|") != "Pôle technique" {
			t.Errorf("categories %v authors %v", am.Categories, am.Authors)
		}
		web := byTitle["Webinar: the new EU Machinery Regulation for press builders"]
		if web.Lang != "en" || web.Link != "https://cluster.example.fr/actu/english-webinar" {
			t.Errorf("item language %q link %q", web.Lang, web.Link)
		}
		if am.Lang != "fr" {
			t.Errorf("feed language not applied: %q", am.Lang)
		}
		// two agenda items share one link: their IDs come from their GUIDs
		a1, a2 := byTitle["Atelier REACH : restriction du chrome hexavalent"], byTitle["Atelier bruit et vibrations en polissage"]
		if a1.Link != "https://cluster.example.fr/agenda" || a2.Link != a1.Link {
			t.Errorf("shared link %q %q", a1.Link, a2.Link)
		}
		if a1.ID != veille.ItemID("cluster\x00guid\x00agenda-2026-11-20") || a2.ID != veille.ItemID("cluster\x00guid\x00agenda-2026-11-27") {
			t.Errorf("shared-link items need GUID ids: %s %s", a1.ID, a2.ID)
		}
		memo := byTitle["Note interne : calendrier des audits EN 9100"]
		if memo.Link != "" || memo.ID != veille.ItemID("cluster\x00guid\x00memo-sans-lien") {
			t.Errorf("link %q id %q", memo.Link, memo.ID)
		}
		if !memo.Published.Equal(time.Date(2026, 11, 8, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("published should fall back to the modified date: %v", memo.Published)
		}
	})
}

func TestParseFeedIDsStable(t *testing.T) {
	// no link, no guid, no date: the ID must still be the same every crawl
	const doc = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Avis aux exploitants de presses</title><description>Texte.</description></item>
<item><title>Avis aux exploitants de fours</title><description>Texte.</description></item>
</channel></rss>`
	src := veille.Source{ID: "s", Lang: "fr"}
	a, err := ParseFeed([]byte(doc), "", src, testNow)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseFeed([]byte(doc), "", src, testNow.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 2 || a[0].ID == a[1].ID {
		t.Fatalf("items %+v", a)
	}
	for i := range a {
		if a[i].ID != b[i].ID {
			t.Errorf("ID of %q changed between crawls", a[i].Title)
		}
		if !a[i].Published.Equal(testNow) {
			t.Errorf("undated item published %v, want now", a[i].Published)
		}
	}
}

func TestParseFeedErrors(t *testing.T) {
	src := veille.Source{ID: "ansm-dm"}
	tests := map[string]struct {
		body, contentType, want string
	}{
		"html page":         {readFile(t, "sample/ansm/ansm_recall.html"), "text/html; charset=utf-8", "source ansm-dm: expected a feed, got an HTML page"},
		"xhtml page":        {`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>x</body></html>`, "", "expected a feed, got an HTML page"},
		"empty":             {"  \n", "", "source ansm-dm: not a feed: empty document"},
		"plain text":        {"Service unavailable", "text/plain", "not a feed"},
		"broken xml":        {`<rss version="2.0"><channel><item><title>a</ti`, "", "source ansm-dm:"},
		"unknown xml root":  {`<?xml version="1.0"?><urlset><url/></urlset>`, "", "not a feed"},
		"truncated json":    {`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":`, "", "source ansm-dm:"},
		"unknown charset":   {"<?xml version=\"1.0\" encoding=\"x-klingon\"?><rss version=\"2.0\"><channel><title>\xe9</title></channel></rss>", "", ""},
		"nul bytes in body": {"<rss version=\"2.0\"><channel><item><title>a\x00b</title></item></channel></rss>", "", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			items, err := ParseFeed([]byte(tc.body), tc.contentType, src, testNow)
			if tc.want == "" {
				// must not panic; an error or items are both acceptable
				if err != nil && !strings.HasPrefix(err.Error(), "source ansm-dm: ") {
					t.Errorf("error does not name the source: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, %d items", len(items))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
			if strings.Contains(name, "page") && !errors.Is(err, ErrNotAFeed) {
				t.Errorf("error should wrap ErrNotAFeed: %v", err)
			}
		})
	}
}

func readFile(t testing.TB, name string) string { return string(readTestdata(t, name)) }

func TestParseFeedUntitledItem(t *testing.T) {
	const doc = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><language>fr</language>
<item><link>https://example.fr/a</link><description>&lt;p&gt;Le préfet a signé l'arrêté de mise en demeure de l'exploitant de l'atelier de traitement de surface de Nogent pour ses rejets de nickel dans la Marne.&lt;/p&gt;</description></item>
</channel></rss>`
	items, err := ParseFeed([]byte(doc), "", veille.Source{ID: "s"}, testNow)
	if err != nil || len(items) != 1 {
		t.Fatalf("%v %+v", err, items)
	}
	if got := items[0].Title; !strings.HasPrefix(got, "Le préfet a signé l'arrêté") || !strings.HasSuffix(got, "…") || len([]rune(got)) > titleMax+1 {
		t.Errorf("title %q", got)
	}
}
