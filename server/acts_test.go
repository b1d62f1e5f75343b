package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/refs"
	"github.com/nogentech/veille/store"
)

// actsNow is the clock of the act and calendar tests.
var actsNow = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// actsFixture is a store and an index in a temp dir holding items whose
// references, dates and acts the real extraction reads from their text.
type actsFixture struct {
	ts    *httptest.Server
	items map[string]veille.Item
}

// tempRecord is an empty record (store and index) in t's temporary
// directory, closed at the end of the test.
type tempRecord struct {
	st *store.Store
	ix *index.Index
}

func openTempRecord(t *testing.T) *tempRecord {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(t.Context(), filepath.Join(dir, "veille.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ix, err := index.Open(filepath.Join(dir, "index.bleve"), index.Options{Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return &tempRecord{st: st, ix: ix}
}

// add records the items, then indexes what changed, as a crawl does.
func (r *tempRecord) add(t *testing.T, items ...veille.Item) {
	t.Helper()
	res, err := r.st.UpsertItems(t.Context(), items)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.ix.Upsert(t.Context(), append(res.New, res.Updated...), res.MaxSeq); err != nil {
		t.Fatal(err)
	}
}

// serveActs serves r as the act pages' tests read it: UTC, at actsNow.
func serveActs(t *testing.T, r *tempRecord) *actsFixture {
	t.Helper()
	srv, err := New(Options{Config: veille.Config{Location: time.UTC}, Index: r.ix, Store: r.st, Logger: testLogger(),
		Now: func() time.Time { return actsNow }, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	f := &actsFixture{ts: ts}
	return f
}

func newActsFixture(t *testing.T) *actsFixture {
	t.Helper()
	rec := openTempRecord(t)
	st, ix := rec.st, rec.ix
	pub := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	mk := func(id, title, text string, comps ...string) veille.Item {
		it := veille.Item{ID: id, Title: title, Content: text, Lang: "fr", Source: "jorf", Sources: []string{"jorf"},
			Link: "https://example.org/" + id, Published: pub, FirstSeen: pub, Updated: pub,
			Domains: []string{"medical-devices"}, Competences: comps}
		refs.Apply(&it)
		pub = pub.Add(time.Hour)
		return it
	}
	list := []veille.Item{
		mk("mdr", "Règlement (UE) 2017/745 du Parlement européen et du Conseil du 5 avril 2017 relatif aux dispositifs médicaux",
			"Le présent règlement entre en vigueur le 25 mai 2017. Il est applicable à compter du 26 mai 2021.", "medical-implants"),
		mk("amend", "Règlement (UE) 2023/607 modifiant le règlement (UE) 2017/745",
			"Le présent règlement entre en vigueur le 20 mars 2023. Les dispositifs doivent être conformes au plus tard le 26 mai 2026.", "medical-implants"),
		mk("cite", "Avis aux fabricants", "Le règlement (UE) 2017/745 s'applique aux implants. Les nouvelles règles sont applicables à compter du 1er juillet 2027.", "surgical-instruments"),
		mk("decree", "Décret n° 2021-147 du 11 février 2021 portant transposition de la directive (UE) 2020/361",
			"Le présent décret entre en vigueur le 1er janvier 2027. Les essais suivent la norme XP CEN/TS 17405.", "surface-treatment"),
	}
	items := map[string]veille.Item{}
	for _, it := range list {
		items[it.ID] = it
	}
	rec.add(t, list...)
	cfg := veille.Config{
		Domains:     []veille.Category{{ID: "medical-devices", Label: map[string]string{"fr": "Dispositifs médicaux", "en": "Medical devices"}}},
		Competences: []veille.Category{{ID: "medical-implants"}, {ID: "surgical-instruments"}, {ID: "surface-treatment"}},
		Members: []veille.Member{{ID: "implantco", Name: "ImplantCo", Competences: []string{"medical-implants"}},
			{ID: "coatings", Name: "Coatings SA", Competences: []string{"surface-treatment"}}},
		Location: time.UTC,
	}
	srv, err := New(Options{Config: cfg, Index: ix, Store: st, Logger: testLogger(), Now: func() time.Time { return actsNow },
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	f := &actsFixture{ts: httptest.NewServer(srv.Handler()), items: items}
	t.Cleanup(f.ts.Close)
	return f
}

func getAct(t *testing.T, f *actsFixture, path string) (int, ActJSON) {
	t.Helper()
	resp, body := get(t, f.ts.URL+path)
	var a ActJSON
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatalf("%s: %v: %s", path, err, body)
		}
	} else if !strings.Contains(string(body), `"error"`) {
		t.Errorf("%s: %d without a JSON error: %s", path, resp.StatusCode, body)
	}
	return resp.StatusCode, a
}

func hitIDs(hs []veille.Hit) []string {
	var ids []string
	for _, h := range hs {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestActAPI: the act, the items citing it grouped by relation, its dates;
// the id reached escaped (%2F), with a plain slash, in another case.
func TestActAPI(t *testing.T) {
	f := newActsFixture(t)
	if a := f.items["mdr"].Act; a == nil || a.ID != "Regulation (EU) 2017/745" {
		t.Fatalf("the extraction gave the MDR item the act %v", a)
	}
	for _, path := range []string{
		"/api/acts/eu-act/Regulation%20(EU)%202017%2F745",
		"/api/acts/eu-act/Regulation%20(EU)%202017/745",
		"/api/acts/eu-act/regulation%20(eu)%202017%2F745",
	} {
		t.Run(path, func(t *testing.T) {
			status, a := getAct(t, f, path)
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			if a.Kind != "eu-act" || a.ID != "Regulation (EU) 2017/745" {
				t.Errorf("kind %q id %q", a.Kind, a.ID)
			}
			if a.Act == nil || a.Act.ID != "mdr" {
				t.Errorf("act %v, want the item mdr", a.Act)
			}
			var rels []string
			for _, g := range a.CitedBy {
				rels = append(rels, g.Rel)
				want := map[string][]string{"amends": {"amend"}, "cites": {"cite"}}[g.Rel]
				if got := hitIDs(g.Hits); !slices.Equal(got, want) {
					t.Errorf("group %s: %v, want %v", g.Rel, got, want)
				}
			}
			if !slices.Equal(rels, []string{"amends", "cites"}) {
				t.Errorf("groups %v, want amends then cites", rels)
			}
			// the act's own dates and the amending item's, by day
			var days []string
			for _, d := range a.Dates {
				days = append(days, d.Date+" "+d.Kind+" "+d.Item)
			}
			want := []string{"2017-05-25 entry-into-force mdr", "2021-05-26 application mdr",
				"2023-03-20 entry-into-force amend", "2026-05-26 deadline amend"}
			if !slices.Equal(days, want) {
				t.Errorf("dates\n got %v\nwant %v", days, want)
			}
			if a.Official != "http://data.europa.eu/eli/reg/2017/745/oj" {
				t.Errorf("official %q", a.Official)
			}
		})
	}
	// an act veille only sees cited, its id holding a slash and accents
	status, a := getAct(t, f, "/api/acts/eu-act/"+"Directive%20(EU)%202020%2F361")
	if status != http.StatusOK || a.Act != nil || len(a.CitedBy) != 1 || a.CitedBy[0].Rel != "transposes" {
		t.Errorf("directive: %d %+v", status, a)
	}
	status, a = getAct(t, f, "/api/acts/fr-act/d%C3%A9cret%20n%C2%B0%202021-147")
	if status != http.StatusOK || a.Act == nil || a.Act.ID != "decree" {
		t.Errorf("décret: %d %+v", status, a)
	}
	status, a = getAct(t, f, "/api/acts/standard/XP%20CEN%2FTS%2017405")
	if status != http.StatusOK || len(a.CitedBy) != 1 || a.Official != "" {
		t.Errorf("standard: %d %+v", status, a)
	}
	for _, path := range []string{"/api/acts/eu-act/Regulation%20(EU)%202099%2F1", "/api/acts/no-such-kind/x",
		"/api/acts/eu-act/Regulation%20(EU)%202017"} {
		if status, _ := getAct(t, f, path); status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, status)
		}
	}
}

// TestActPage: the page in both languages, links to the items and to the
// official text, no inline script or style; an unknown act is a 404 page.
func TestActPage(t *testing.T) {
	f := newActsFixture(t)
	for lang, words := range map[string][]string{
		"fr": {"Modifié par", "Cité par", "entrée en vigueur", "date limite", "25 mai 2017", "acte dans la veille"},
		"en": {"Amended by", "Cited by", "entry into force", "deadline", "25 May 2017", "The act in the watch"},
	} {
		resp, body := get(t, f.ts.URL+"/acts/eu-act/Regulation%20(EU)%202017%2F745?ui="+lang)
		page := string(body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", lang, resp.StatusCode, page)
		}
		for _, w := range append(words, `href="/items/amend"`, `href="/items/cite"`, `href="/items/mdr"`,
			`href="http://data.europa.eu/eli/reg/2017/745/oj"`) {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the page lacks %q", lang, w)
			}
		}
		// the language switch keeps the escaped id
		if !strings.Contains(page, "/acts/eu-act/Regulation%20%28EU%29%202017%2F745?ui=") &&
			!strings.Contains(page, "/acts/eu-act/Regulation%20(EU)%202017%2F745?ui=") {
			t.Errorf("%s: the switch lost the escaped path", lang)
		}
		assertNoInline(t, page)
	}
	resp, body := get(t, f.ts.URL+"/acts/eu-act/Regulation%20(EU)%202099%2F1")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "Regulation (EU) 2099/1") {
		t.Errorf("unknown act: %d %s", resp.StatusCode, body)
	}
}

// assertNoInline fails on inline script or style, which the CSP forbids.
func assertNoInline(t *testing.T, page string) {
	t.Helper()
	for _, bad := range []string{"<script>", " style=", "<style", " onclick=", "javascript:"} {
		if strings.Contains(page, bad) {
			t.Errorf("inline %q in the page", bad)
		}
	}
}

// TestItemPageRefs: an item page says its references, dates and act in
// words, each reference linking to its act's page.
func TestItemPageRefs(t *testing.T) {
	f := newActsFixture(t)
	resp, body := get(t, f.ts.URL+"/items/decree?ui=fr")
	page := string(body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d", resp.StatusCode)
	}
	for _, w := range []string{`href="/acts/eu-act/Directive%20%28EU%29%202020%2F361"`, `href="/acts/standard/XP%20CEN%2FTS%2017405"`,
		`href="/acts/fr-act/d%C3%A9cret%20n%C2%B0%202021-147"`, "transpose", "entrée en vigueur", "1er janvier 2027", "Cet élément est l"} {
		if !strings.Contains(page, w) {
			t.Errorf("the item page lacks %q", w)
		}
	}
	_, body = get(t, f.ts.URL+"/items/decree?ui=en")
	for _, w := range []string{"transposes", "entry into force", "1 January 2027", "This item is the act"} {
		if !strings.Contains(string(body), w) {
			t.Errorf("the English item page lacks %q", w)
		}
	}
	// every reference and the act link to a page that exists
	for _, id := range []string{"decree", "amend", "cite", "mdr"} {
		_, body := get(t, f.ts.URL+"/items/"+id)
		links := regexp.MustCompile(`href="(/acts/[^"]+)"`).FindAllStringSubmatch(string(body), -1)
		it := f.items[id]
		want := len(it.Refs)
		if it.Act != nil {
			want++
		}
		if len(links) != want || want == 0 {
			t.Errorf("%s: %d links to act pages, want one per reference and act (%d)", id, len(links), want)
		}
		for _, l := range links {
			u := strings.ReplaceAll(l[1], "&amp;", "&")
			if resp, _ := get(t, f.ts.URL+u); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: %s answers %d", id, u, resp.StatusCode)
			}
		}
	}
}

// TestActGroupsPaged: a group holding more items than a page shows lists
// the newest actGroupLimit, says how many it holds in all and links to the
// search by reference; the other groups and the act itself are still read
// whole, however many plain citations there are.
func TestActGroupsPaged(t *testing.T) {
	rec := openTempRecord(t)
	pub := time.Date(2020, 1, 1, 9, 0, 0, 0, time.UTC)
	var list []veille.Item
	add := func(id, title, text string) {
		it := veille.Item{ID: id, Title: title, Content: text, Lang: "fr", Source: "jorf", Sources: []string{"jorf"},
			Link: "https://example.org/" + id, Published: pub, FirstSeen: pub, Updated: pub}
		refs.Apply(&it)
		list = append(list, it)
		pub = pub.Add(time.Hour)
	}
	// the act first: the oldest item, behind every citation
	add("mdr", "Règlement (UE) 2017/745 du Parlement européen et du Conseil du 5 avril 2017 relatif aux dispositifs médicaux",
		"Le présent règlement entre en vigueur le 25 mai 2017.")
	add("amend", "Règlement (UE) 2023/607 modifiant le règlement (UE) 2017/745", "Le présent règlement entre en vigueur le 20 mars 2023.")
	n := actGroupLimit + 7
	for i := range n {
		add(fmt.Sprintf("cite-%03d", i), fmt.Sprintf("Avis n° %d aux fabricants", i), "Le règlement (UE) 2017/745 s'applique aux implants.")
	}
	rec.add(t, list...)
	f := serveActs(t, rec)
	status, a := getAct(t, f, "/api/acts/eu-act/Regulation%20(EU)%202017%2F745")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if a.Act == nil || a.Act.ID != "mdr" || a.Total != uint64(n+2) {
		t.Errorf("act %v, total %d, want mdr and %d", a.Act, a.Total, n+2)
	}
	if len(a.CitedBy) != 2 || a.CitedBy[0].Rel != "amends" || a.CitedBy[1].Rel != "cites" {
		t.Fatalf("groups %+v", a.CitedBy)
	}
	if g := a.CitedBy[0]; g.Total != 1 || len(g.Hits) != 1 || g.Hits[0].ID != "amend" {
		t.Errorf("amends: %d %v", g.Total, hitIDs(g.Hits))
	}
	cites := a.CitedBy[1]
	if cites.Total != uint64(n) || len(cites.Hits) != actGroupLimit {
		t.Fatalf("cites: total %d, %d hits; want %d and %d", cites.Total, len(cites.Hits), n, actGroupLimit)
	}
	// the newest first: the last ones added
	for i, h := range cites.Hits {
		if want := fmt.Sprintf("cite-%03d", n-1-i); h.ID != want {
			t.Errorf("cites[%d] = %s, want %s", i, h.ID, want)
			break
		}
	}
	for lang, want := range map[string]string{"en": fmt.Sprintf("%d items in all: the page shows the %d newest", n, actGroupLimit),
		"fr": fmt.Sprintf("%d éléments en tout : la page montre les %d plus récents", n, actGroupLimit)} {
		_, body := get(t, f.ts.URL+"/acts/eu-act/Regulation%20(EU)%202017%2F745?ui="+lang)
		page := string(body)
		if !strings.Contains(page, want) || !strings.Contains(page, `href="/?ref=eu-act%3ARegulation`) {
			t.Errorf("%s: the page does not say %q with a link to the search", lang, want)
		}
		if strings.Count(page, `href="/items/cite-`) != actGroupLimit {
			t.Errorf("%s: %d citing items listed, want %d", lang, strings.Count(page, `href="/items/cite-`), actGroupLimit)
		}
	}
}

// TestActsCacheFollowsIndex: act pages and calendars are kept between two
// writes to the record, and a write shows at once: a new citing item on the
// act's page, its date in the .ics.
func TestActsCacheFollowsIndex(t *testing.T) {
	rec := openTempRecord(t)
	pub := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	mk := func(id, text string) veille.Item {
		it := veille.Item{ID: id, Title: "Avis " + id, Content: text, Lang: "fr", Source: "jorf", Sources: []string{"jorf"},
			Link: "https://example.org/" + id, Published: pub, FirstSeen: pub, Updated: pub}
		refs.Apply(&it)
		pub = pub.Add(time.Hour)
		return it
	}
	rec.add(t, mk("first", "Le règlement (UE) 2017/745 s'applique. Les fabricants doivent se conformer au plus tard le 26 mai 2026."))
	f := serveActs(t, rec)
	const act = "/api/acts/eu-act/Regulation%20(EU)%202017%2F745"
	for range 2 { // the second answer from the cache
		if _, a := getAct(t, f, act); a.Total != 1 {
			t.Fatalf("total %d, want 1", a.Total)
		}
		if got, _, _ := calendarEvents(t, f, ""); !slices.Equal(got, []string{"2026-05-26 first"}) {
			t.Fatalf("calendar %v", got)
		}
	}
	rec.add(t, mk("second", "Le règlement (UE) 2017/745 est modifié. Les dispositifs doivent être conformes au plus tard le 1er juin 2026."))
	if _, a := getAct(t, f, act); a.Total != 2 {
		t.Errorf("after a write: total %d, want 2", a.Total)
	}
	if got, _, _ := calendarEvents(t, f, ""); !slices.Equal(got, []string{"2026-05-26 first", "2026-06-01 second"}) {
		t.Errorf("after a write: calendar %v", got)
	}
	_, body := get(t, f.ts.URL+"/calendar?ui=en")
	if !strings.Contains(string(body), "1 June 2026") {
		t.Error("after a write: the calendar page lacks the new date")
	}
}
