package index

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
)

func runSearch(t *testing.T, ix *Index, r veille.SearchRequest) *veille.SearchResult {
	t.Helper()
	if r.Limit == 0 {
		r.Limit = 100
	}
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("search %+v: %v", r, err)
	}
	for _, h := range res.Hits {
		checkSnippetSafe(t, h.Snippet)
	}
	return res
}

// checkSnippetSafe: once the <mark> tags are removed, a snippet must hold
// no markup at all.
func checkSnippetSafe(t *testing.T, s string) {
	t.Helper()
	bare := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
	if strings.ContainsAny(bare, "<>") {
		t.Errorf("snippet carries unescaped markup: %q", s)
	}
	if !utf8.ValidString(s) {
		t.Errorf("snippet is not valid UTF-8: %q", s)
	}
}

func TestSearchText(t *testing.T) {
	ix, items, names := fixtureIndex(t)
	all := make([]string, 0, len(items))
	for n := range items {
		all = append(all, n)
	}
	tests := map[string]struct {
		q    string
		want []string
	}{
		"unaccented finds accented":     {"dechets", []string{"dechets", "hostile"}}, // hostile is about waste: a synonym
		"accented":                      {"déchets", []string{"dechets", "hostile"}},
		"reglementation finds accented": {"reglementation", []string{"mdr", "icpe", "silice"}},
		// 510k says "device" only: it is found by its tag, medical-devices,
		// whose label the words are.
		"plural and accents, French":       {"dispositifs médicaux", []string{"mdr", "udi", "510k"}},
		"singular without accents, French": {"dispositif medical", []string{"mdr", "udi", "510k"}},
		"English plural finds singular":    {"machines", []string{"machinery"}},
		"devices finds device":             {"devices", []string{"510k"}},
		"English words":                    {"chromium trioxide", []string{"reach"}},
		"French words in an English title": {"chrome hexavalent", []string{"reach"}},
		"English query across languages":   {"medical devices", []string{"mdr", "udi", "510k"}},
		"acronym ICPE":                     {"ICPE", []string{"icpe"}},
		"acronym lower case":               {"icpe", []string{"icpe"}},
		"acronym UDI":                      {"UDI", []string{"udi"}},
		"acronym PFAS":                     {"PFAS", []string{"pfas"}},
		"510(k)":                           {"510(k)", []string{"510k"}},
		"EU act number":                    {"2017/745", []string{"mdr"}},
		"other act number":                 {"2023/1230", []string{"machinery"}},
		"code article":                     {"L. 541-10", []string{"l541"}},
		"code article quoted":              {`"L. 541-10"`, []string{"l541"}},
		"œ typed as oe":                    {"oeuvre", []string{"mais"}},
		"ï typed as i":                     {"ouie", []string{"silice"}},
		"ï":                                {"ouïe", []string{"silice"}},
		"short words and œ":                {"mise en œuvre", []string{"mais"}},
		"phrase":                           {`"traitement de surface"`, []string{"dechets", "icpe"}},
		"phrase in guillemets":             {"« traitement de surface »", []string{"dechets", "icpe"}},
		"phrase in curly quotes":           {"“traitement de surface”", []string{"dechets", "icpe"}},
		// reach in English ("surface treatment"), pfas by its tag.
		"same words unquoted":             {"traitement surface", []string{"dechets", "icpe", "silice", "reach", "pfas"}},
		"every word is required":          {"PFAS zzzunknownword", nil},
		"exclusion":                       {"dispositifs -UDI", []string{"mdr"}},
		"phrase exclusion":                {`surface -"traitement de surface"`, []string{"silice", "reach"}},
		"field exclusion alone":           {"-domain:environment", []string{"mdr", "machinery", "udi", "510k", "silice", "mais", "bonds"}},
		"field domain":                    {"domain:medical-devices", []string{"mdr", "udi", "510k"}},
		"field French name, quoted value": {`domaine:"medical-devices"`, []string{"mdr", "udi", "510k"}},
		"field competence":                {"competence:surface-treatment", []string{"dechets", "reach", "icpe", "pfas"}},
		"field source":                    {"source:echa-news", []string{"reach", "pfas"}},
		"field lang":                      {"lang:en", []string{"reach", "machinery", "pfas", "510k", "hostile", "bonds"}},
		"field jurisdiction, any case":    {"jurisdiction:us", []string{"510k", "bonds"}},
		"same field twice is OR":          {"domain:medical-devices domain:health-safety", []string{"mdr", "udi", "510k", "reach", "machinery", "silice"}},
		"two fields are AND":              {"domain:environment lang:fr", []string{"dechets", "icpe", "l541"}},
		"word and field":                  {"restriction domain:environment", []string{"reach", "pfas"}},
		"empty matches all":               {"", all},
		"star matches all":                {"*", all},
		"required unknown word":           {"+zzzunknown PFAS", nil},
		"required unknown phrase":         {`"zzz unknown" PFAS`, nil},
		"required phrase of known words":  {`"restriction proposal" PFAS`, []string{"pfas"}},
		"stop words only":                 {"de la", nil},
		"stop words and a field":          {"de la domain:medical-devices", []string{"mdr", "udi", "510k"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := runSearch(t, ix, veille.SearchRequest{Query: tc.q})
			got := hitNames(t, res, names)
			if !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Errorf("query %q: got %v, want %v", tc.q, sorted(got), sorted(tc.want))
			}
			if res.Total != uint64(len(tc.want)) {
				t.Errorf("query %q: total %d, want %d", tc.q, res.Total, len(tc.want))
			}
			if res.Query != tc.q {
				t.Errorf("result query %q, want %q", res.Query, tc.q)
			}
		})
	}

	t.Run("field id", func(t *testing.T) {
		res := runSearch(t, ix, veille.SearchRequest{Query: "id:" + items["pfas"].ID})
		if got := hitNames(t, res, names); !slices.Equal(got, []string{"pfas"}) {
			t.Errorf("got %v", got)
		}
	})
}

func TestSearchRanking(t *testing.T) {
	ix, _, names := fixtureIndex(t)
	tests := map[string]struct {
		q     string
		first []string // the hits must start with these, in order
	}{
		"every word":               {"restriction PFAS", []string{"pfas"}},
		"three words":              {"chrome hexavalent REACH", []string{"reach"}},
		"both words before one":    {"traitement surface", nil},
		"title outweighs the text": {"réglementation", []string{"silice"}},
		// The light stemmer gives maïs and mai (May) one stem; the title match wins.
		"maïs": {"maïs", []string{"mais"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := runSearch(t, ix, veille.SearchRequest{Query: tc.q})
			got := hitNames(t, res, names)
			if len(got) < len(tc.first) || !slices.Equal(got[:len(tc.first)], tc.first) {
				t.Errorf("query %q ranks %v, want it to start with %v", tc.q, got, tc.first)
			}
			for i := 1; i < len(res.Hits); i++ {
				if res.Hits[i].Score > res.Hits[i-1].Score {
					t.Errorf("hits not by score: %v", got)
				}
			}
			if len(res.Hits) > 0 && res.Hits[0].Score <= 0 {
				t.Errorf("relevance hits carry no score")
			}
		})
	}
	// The French items on surface treatment come first; the English one
	// found through the glossary ("surface treatment") before the one
	// found only by its tag (surface-treatment).
	res := runSearch(t, ix, veille.SearchRequest{Query: "traitement surface"})
	got := hitNames(t, res, names)
	if len(got) != 5 || !slices.Equal(sorted(got[:2]), []string{"dechets", "icpe"}) || slices.Index(got, "reach") > slices.Index(got, "pfas") {
		t.Errorf("traitement surface: %v, want dechets and icpe first, reach before pfas", got)
	}
}

func TestSearchFilters(t *testing.T) {
	ix, items, names := fixtureIndex(t)
	at := func(name string) time.Time { return items[name].Published }
	tests := map[string]struct {
		r    veille.SearchRequest
		want []string
	}{
		"one domain":                  {veille.SearchRequest{Domains: []string{"environment"}}, []string{"dechets", "reach", "icpe", "pfas", "l541", "hostile"}},
		"two domains are OR":          {veille.SearchRequest{Domains: []string{"medical-devices", "health-safety"}}, []string{"mdr", "udi", "510k", "reach", "machinery", "silice"}},
		"domain and lang are AND":     {veille.SearchRequest{Domains: []string{"environment"}, Langs: []string{"en"}}, []string{"reach", "pfas", "hostile"}},
		"competence":                  {veille.SearchRequest{Competences: []string{"medical-implants"}}, []string{"mdr", "udi", "510k"}},
		"two competences":             {veille.SearchRequest{Competences: []string{"forging", "agriculture"}}, []string{"machinery", "mais"}},
		"source":                      {veille.SearchRequest{Sources: []string{"ansm-dm"}}, []string{"mdr", "udi"}},
		"source in another case":      {veille.SearchRequest{Sources: []string{"ANSM-DM"}}, []string{"mdr", "udi"}},
		"jurisdiction":                {veille.SearchRequest{Jurisdictions: []string{"FR"}}, []string{"dechets", "icpe", "silice", "l541", "mais"}},
		"jurisdiction lower case":     {veille.SearchRequest{Jurisdictions: []string{"fr", "us"}}, []string{"dechets", "icpe", "silice", "l541", "mais", "510k", "bonds"}},
		"since":                       {veille.SearchRequest{Since: day("2025-01-01")}, []string{"pfas", "510k", "bonds"}},
		"since inclusive, until not":  {veille.SearchRequest{Since: at("udi"), Until: at("hostile")}, []string{"udi", "reach"}},
		"until exclusive":             {veille.SearchRequest{Until: at("l541")}, []string{"dechets"}},
		"every kind at once":          {veille.SearchRequest{Domains: []string{"environment"}, Jurisdictions: []string{"EU"}, Since: day("2024-01-01")}, []string{"reach", "pfas", "hostile"}},
		"text and filter":             {veille.SearchRequest{Query: "restriction", Jurisdictions: []string{"EU"}}, []string{"reach", "pfas"}},
		"text and excluding filter":   {veille.SearchRequest{Query: "restriction", Langs: []string{"fr"}}, nil},
		"unknown word and filter":     {veille.SearchRequest{Query: "zzzunknown", Langs: []string{"fr"}}, nil},
		"stop words and filter":       {veille.SearchRequest{Query: "de la", Langs: []string{"fr"}}, nil},
		"required unknown and filter": {veille.SearchRequest{Query: "+zzzunknown déchets", Langs: []string{"fr"}}, nil},
		"unknown value":               {veille.SearchRequest{Domains: []string{"nope"}}, nil},
		"empty filter values ignored": {veille.SearchRequest{Domains: []string{""}, Langs: []string{" "}}, []string{
			"dechets", "mdr", "reach", "machinery", "icpe", "udi", "pfas", "510k", "silice", "l541", "mais", "hostile", "bonds"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := runSearch(t, ix, tc.r)
			got := hitNames(t, res, names)
			if !slices.Equal(sorted(got), sorted(tc.want)) {
				t.Errorf("got %v, want %v", sorted(got), sorted(tc.want))
			}
			if res.Total != uint64(len(tc.want)) {
				t.Errorf("total %d, want %d", res.Total, len(tc.want))
			}
		})
	}
}

// expectedFacets counts, from the fixtures themselves, what each facet
// should say, sorted by count then term.
func expectedFacets(items []veille.Item) map[string][]veille.FacetCount {
	counts := map[string]map[string]int{"domain": {}, "competence": {}, "source": {}, "lang": {}, "jurisdiction": {}, "ref": {}}
	for _, it := range items {
		// the acts it is or cites, as written, once each
		acts := map[string]bool{}
		if it.Act != nil {
			acts[veille.RefKey(it.Act.Kind, it.Act.ID)] = true
		}
		for _, r := range it.Refs {
			if refs.IsAct(r.Kind) {
				acts[r.Key()] = true
			}
		}
		for k := range acts {
			counts["ref"][k]++
		}
		for _, d := range it.Domains {
			counts["domain"][d]++
		}
		for _, c := range it.Competences {
			counts["competence"][c]++
		}
		for _, s := range it.Sources {
			counts["source"][s]++
		}
		counts["lang"][it.Lang]++
		counts["jurisdiction"][it.Jurisdiction]++
	}
	out := map[string][]veille.FacetCount{}
	for name, m := range counts {
		fc := []veille.FacetCount{}
		for term, n := range m {
			fc = append(fc, veille.FacetCount{Term: term, Count: n})
		}
		sort.Slice(fc, func(i, j int) bool {
			if fc[i].Count != fc[j].Count {
				return fc[i].Count > fc[j].Count
			}
			return fc[i].Term < fc[j].Term
		})
		out[name] = fc
	}
	return out
}

func TestSearchFacets(t *testing.T) {
	ix, items, _ := fixtureIndex(t)
	var all, medical []veille.Item
	for _, it := range items {
		all = append(all, it)
		if slices.Contains(it.Domains, "medical-devices") {
			medical = append(medical, it)
		}
	}
	tests := map[string]struct {
		r     veille.SearchRequest
		items []veille.Item
	}{
		"every item":           {veille.SearchRequest{}, all},
		"filtered by domain":   {veille.SearchRequest{Domains: []string{"medical-devices"}}, medical},
		"same through query":   {veille.SearchRequest{Query: "domain:medical-devices"}, medical},
		"paging leaves facets": {veille.SearchRequest{Limit: 1, Offset: 2}, all},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := runSearch(t, ix, tc.r)
			want := expectedFacets(tc.items)
			if !reflect.DeepEqual(res.Facets, want) {
				t.Errorf("facets\n got %v\nwant %v", res.Facets, want)
			}
		})
	}
	t.Run("no facets", func(t *testing.T) {
		res := runSearch(t, ix, veille.SearchRequest{NoFacets: true})
		if res.Facets != nil {
			t.Errorf("facets computed: %v", res.Facets)
		}
	})
}

func TestSearchSortAndPaging(t *testing.T) {
	ix, items, names := fixtureIndex(t)
	byDate := make([]string, 0, len(items))
	for n := range items {
		byDate = append(byDate, n)
	}
	sort.Slice(byDate, func(i, j int) bool { return items[byDate[i]].Published.After(items[byDate[j]].Published) })

	t.Run("empty query is newest first", func(t *testing.T) {
		got := hitNames(t, runSearch(t, ix, veille.SearchRequest{}), names)
		if !slices.Equal(got, byDate) {
			t.Errorf("got %v, want %v", got, byDate)
		}
	})
	t.Run("field-only query is newest first", func(t *testing.T) {
		got := hitNames(t, runSearch(t, ix, veille.SearchRequest{Query: "domain:medical-devices"}), names)
		if want := []string{"510k", "udi", "mdr"}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("text query sorted by date", func(t *testing.T) {
		got := hitNames(t, runSearch(t, ix, veille.SearchRequest{Query: "traitement surface", Sort: "date"}), names)
		if want := []string{"pfas", "reach", "silice", "icpe", "dechets"}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("empty query sorted by relevance still works", func(t *testing.T) {
		res := runSearch(t, ix, veille.SearchRequest{Sort: "relevance"})
		if len(res.Hits) != len(items) {
			t.Errorf("%d hits", len(res.Hits))
		}
	})
	t.Run("pages", func(t *testing.T) {
		for _, q := range []string{"", "traitement surface domain:environment -PFAS", "environnement OR restriction surface"} {
			fullRes := runSearch(t, ix, veille.SearchRequest{Query: q})
			full := hitNames(t, fullRes, names)
			var paged []string
			var scores []float64
			for off := 0; off < len(full)+3; off += 3 {
				res := runSearch(t, ix, veille.SearchRequest{Query: q, Limit: 3, Offset: off})
				if res.Total != uint64(len(full)) {
					t.Errorf("%q offset %d: total %d, want %d", q, off, res.Total, len(full))
				}
				if len(res.Hits) > 3 {
					t.Errorf("%q: %d hits for limit 3", q, len(res.Hits))
				}
				paged = append(paged, hitNames(t, res, names)...)
				for _, h := range res.Hits {
					scores = append(scores, h.Score)
				}
			}
			// Every item on exactly one page, in the order of one page of
			// all but within runs of equal scores: they are ordered on
			// each page (sortPage), so a run that crosses a page's edge is
			// ordered in parts.
			if len(paged) != len(full) || !slices.Equal(sorted(paged), sorted(full)) {
				t.Errorf("%q: pages %v, full %v", q, paged, full)
			}
			for i := 1; i < len(scores); i++ {
				if scores[i] > scores[i-1] {
					t.Errorf("%q: pages not by score: %v", q, scores)
					break
				}
			}
			for i, h := range fullRes.Hits {
				if i < len(scores) && h.Score != scores[i] {
					t.Errorf("%q: hit %d scores %v on its page, %v in one page", q, i, scores[i], h.Score)
				}
			}
		}
	})
}

func TestSearchDefaultLimit(t *testing.T) {
	ix := openTemp(t)
	var items []veille.Item
	for i := range 25 {
		items = append(items, fixture(fmt.Sprintf("n%d", i), "fr", "jorf", "FR", fmt.Sprintf("Avis n° %d relatif aux déchets", i),
			"", "", day("2024-01-01").Add(time.Duration(i)*time.Hour), nil, nil))
	}
	if err := ix.Upsert(context.Background(), items, 1); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), veille.SearchRequest{Query: "déchets"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 20 || res.Total != 25 {
		t.Errorf("got %d hits of %d, want 20 of 25", len(res.Hits), res.Total)
	}
}

func TestSearchHitFields(t *testing.T) {
	ix, items, _ := fixtureIndex(t)
	want := items["udi"]
	res := runSearch(t, ix, veille.SearchRequest{Query: "EUDAMED"})
	if len(res.Hits) != 1 {
		t.Fatalf("%d hits", len(res.Hits))
	}
	h := res.Hits[0]
	checkHit(t, h, want)
	if h.Score <= 0 {
		t.Errorf("score %v", h.Score)
	}
	if res.TookMS < 0 {
		t.Errorf("took %d", res.TookMS)
	}
}

func checkHit(t *testing.T, h veille.Hit, want veille.Item) {
	t.Helper()
	got := veille.Hit{ID: h.ID, Title: h.Title, Link: h.Link, Source: h.Source, Sources: h.Sources,
		Published: h.Published, Lang: h.Lang, Jurisdiction: h.Jurisdiction, Domains: h.Domains,
		Competences: h.Competences, Why: h.Why}
	exp := veille.Hit{ID: want.ID, Title: want.Title, Link: want.Link, Source: want.Source, Sources: want.Sources,
		Published: want.Published, Lang: want.Lang, Jurisdiction: want.Jurisdiction, Domains: want.Domains,
		Competences: want.Competences, Why: want.Why}
	if exp.Domains == nil {
		exp.Domains = []string{}
	}
	if exp.Competences == nil {
		exp.Competences = []string{}
	}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("hit\n got %+v\nwant %+v", got, exp)
	}
}

func TestSnippets(t *testing.T) {
	ix, items, _ := fixtureIndex(t)
	snip := func(r veille.SearchRequest, name string) string {
		t.Helper()
		for _, h := range runSearch(t, ix, r).Hits {
			if h.ID == items[name].ID {
				return h.Snippet
			}
		}
		t.Fatalf("%+v: %s not found", r, name)
		return ""
	}
	tests := map[string]struct {
		r        veille.SearchRequest
		item     string
		contains []string
		absent   []string
	}{
		"accented match": {veille.SearchRequest{Query: "déchets"}, "dechets",
			[]string{"<mark>déchets</mark>"}, nil},
		"unaccented query marks the accented word": {veille.SearchRequest{Query: "dechets"}, "dechets",
			[]string{"<mark>déchets</mark>"}, nil},
		"stemmed match": {veille.SearchRequest{Query: "dispositif medical"}, "mdr",
			[]string{"<mark>dispositifs</mark> <mark>médicaux</mark>"}, nil},
		"English stem": {veille.SearchRequest{Query: "devices"}, "510k",
			[]string{"<mark>device</mark>"}, nil},
		"split reference": {veille.SearchRequest{Query: "510(k)"}, "510k",
			[]string{"<mark>510</mark>(<mark>k</mark>)"}, nil},
		"title-only match shows the title": {veille.SearchRequest{Query: "recycling"}, "hostile",
			[]string{"<mark>recycling</mark>", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "&amp;", "&lt;img"}, []string{"<script", "<img"}},
		"body match leaves the title out": {veille.SearchRequest{Query: "waste"}, "hostile",
			[]string{"<mark>Waste</mark> shipments &lt;img src=x onerror=alert(1)&gt;", "&amp; consent"}, []string{"script", "<img"}},
		"excluded words are not marked": {veille.SearchRequest{Query: "dispositifs -UDI"}, "mdr",
			[]string{"<mark>dispositifs</mark>"}, []string{"<mark>UDI"}},
		"nothing to mark gives the start of the text": {veille.SearchRequest{Query: "domain:medical-devices"}, "mdr",
			[]string{"Le règlement relatif aux dispositifs médicaux"}, []string{"<mark>", "Règlement (UE)"}},
		"no highlight": {veille.SearchRequest{Query: "déchets", NoHighlight: true}, "dechets", nil, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := snip(tc.r, tc.item)
			if tc.r.NoHighlight && s != "" {
				t.Errorf("snippet %q despite NoHighlight", s)
			}
			for _, c := range tc.contains {
				if !strings.Contains(s, c) {
					t.Errorf("snippet %q lacks %q", s, c)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(s, a) {
					t.Errorf("snippet %q holds %q", s, a)
				}
			}
		})
	}
}

func TestSnippetLongText(t *testing.T) {
	ix := openTemp(t)
	filler := strings.Repeat("Les dispositions transitoires restent applicables aux exploitants existants. ", 20)
	it := fixture("long", "fr", "jorf", "FR", "Arrêté portant diverses dispositions", "",
		filler+"Le chrome hexavalent est interdit dans les bains de traitement. "+filler+strings.Repeat("fin ", 40000),
		day("2024-01-01"), nil, nil)
	if err := ix.Upsert(context.Background(), []veille.Item{it}, 1); err != nil {
		t.Fatal(err)
	}
	res := runSearch(t, ix, veille.SearchRequest{Query: "chrome hexavalent"})
	if len(res.Hits) != 1 {
		t.Fatalf("%d hits", len(res.Hits))
	}
	s := res.Hits[0].Snippet
	if !strings.Contains(s, "<mark>chrome</mark> <mark>hexavalent</mark>") || !strings.HasPrefix(s, "… ") || !strings.HasSuffix(s, " …") {
		t.Errorf("snippet %q", s)
	}
	if len(s) > 400 {
		t.Errorf("snippet is %d bytes: %q", len(s), s)
	}
	// Words past the stored highlight text still match: the full text is indexed.
	if res := runSearch(t, ix, veille.SearchRequest{Query: "fin"}); res.Total != 1 {
		t.Errorf("text beyond the snippet is not searchable")
	}
}

func TestHit(t *testing.T) {
	ix, items, _ := fixtureIndex(t)
	for _, name := range []string{"pfas", "bonds", "mdr"} {
		h, err := ix.Hit(context.Background(), items[name].ID)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkHit(t, h, items[name])
		if h.Snippet == "" {
			t.Errorf("%s: no snippet", name)
		}
		checkSnippetSafe(t, h.Snippet)
	}
	_, err := ix.Hit(context.Background(), "0123456789abcdef01234567")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
}

func TestSearchCancelled(t *testing.T) {
	ix, _, _ := fixtureIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, veille.SearchRequest{Query: "déchets"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled search: %v", err)
	}
}
