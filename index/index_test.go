package index

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/nogentech/veille"
)

func TestUpsertReplaces(t *testing.T) {
	ix, items, _ := fixtureIndex(t)
	ctx := context.Background()
	before, err := ix.Count()
	if err != nil {
		t.Fatal(err)
	}
	if before != uint64(len(items)) {
		t.Fatalf("count %d, want %d", before, len(items))
	}

	changed := items["pfas"]
	changed.Title = "ECHA withdraws the PFAS proposal"
	changed.Summary = "The proposal goes back to the committees."
	changed.Content = ""
	changed.Sources = []string{"echa-news", "eur-lex"}
	changed.Domains = []string{"health-safety"}
	changed.Competences = nil
	changed.Why = map[string][]string{"health-safety": {"PFAS"}}
	if err := ix.Upsert(ctx, []veille.Item{changed}, 99); err != nil {
		t.Fatal(err)
	}
	// The same id twice in one batch: the last one wins.
	again := items["bonds"]
	again.Title = "Treasury bond auction results (corrected)"
	if err := ix.Upsert(ctx, []veille.Item{items["bonds"], again}, 100); err != nil {
		t.Fatal(err)
	}

	if n, _ := ix.Count(); n != before {
		t.Errorf("count %d after upserting existing ids, want %d", n, before)
	}
	h, err := ix.Hit(ctx, changed.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkHit(t, h, changed)
	if h, _ := ix.Hit(ctx, again.ID); h.Title != again.Title {
		t.Errorf("title %q, want %q", h.Title, again.Title)
	}
	if res := runSearch(t, ix, veille.SearchRequest{Query: "fluoropolymer"}); res.Total != 0 {
		t.Errorf("old text still found")
	}
	if res := runSearch(t, ix, veille.SearchRequest{Query: "withdraws"}); res.Total != 1 {
		t.Errorf("new text not found")
	}
	res := runSearch(t, ix, veille.SearchRequest{Sources: []string{"eur-lex"}, Domains: []string{"health-safety"}})
	if len(res.Hits) != 2 { // machinery and the changed pfas
		t.Errorf("filter on new fields: %d hits", len(res.Hits))
	}
}

func TestUpsertRejectsBadInput(t *testing.T) {
	ix, items, _ := fixtureIndex(t)
	ctx := context.Background()
	noID := items["pfas"]
	noID.ID = " "
	if err := ix.Upsert(ctx, []veille.Item{items["bonds"], noID}, 500); err == nil {
		t.Error("item without id accepted")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	fresh := fixture("fresh", "fr", "jorf", "FR", "Nouvel arrêté", "", "", day("2025-01-01"), nil, nil)
	if err := ix.Upsert(cancelled, []veille.Item{fresh}, 501); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled upsert: %v", err)
	}
	if n, _ := ix.Count(); n != uint64(len(items)) {
		t.Errorf("count %d after refused upserts, want %d", n, len(items))
	}
	if cp, _ := ix.Checkpoint(); cp != int64(len(items)) {
		t.Errorf("checkpoint moved to %d by a refused upsert", cp)
	}
}

func TestUpsertOddItems(t *testing.T) {
	ix := openTemp(t)
	ctx := context.Background()
	undated := fixture("undated", "", "", "", "", "", "", time.Time{}, nil, nil)
	undated.FirstSeen = day("2024-02-02")
	ancient := fixture("ancient", "fr-FR", "jorf", "fr", "Ordonnance de 1539", "", "", time.Date(1539, 8, 10, 0, 0, 0, 0, time.UTC), nil, nil)
	ancient.FirstSeen = time.Time{}
	bare := veille.Item{ID: veille.ItemID("bare")}
	if err := ix.Upsert(ctx, []veille.Item{undated, ancient, bare}, 3); err != nil {
		t.Fatal(err)
	}
	h, err := ix.Hit(ctx, undated.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Published.Equal(undated.FirstSeen) {
		t.Errorf("undated item shows %v, want first seen %v", h.Published, undated.FirstSeen)
	}
	if h, _ := ix.Hit(ctx, ancient.ID); h.Published.Year() != 1539 || h.Jurisdiction != "FR" || h.Lang != "fr-fr" {
		t.Errorf("ancient item: %+v", h)
	}
	// fr-FR is analysed as French.
	if res := runSearch(t, ix, veille.SearchRequest{Query: "ordonnances"}); res.Total != 1 {
		t.Errorf("fr-FR item not analysed as French")
	}
	res := runSearch(t, ix, veille.SearchRequest{})
	if res.Total != 3 {
		t.Errorf("total %d", res.Total)
	}
	if res := runSearch(t, ix, veille.SearchRequest{Since: day("2024-01-01")}); len(res.Hits) != 1 || res.Hits[0].ID != undated.ID {
		t.Errorf("since: %+v", res.Hits)
	}
}

func TestCheckpoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ctx := context.Background()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cp, err := ix.Checkpoint(); err != nil || cp != 0 {
		t.Errorf("new index checkpoint %d, %v", cp, err)
	}
	items := fixtures()
	if err := ix.Upsert(ctx, []veille.Item{items["pfas"], items["udi"]}, 1234567890123); err != nil {
		t.Fatal(err)
	}
	if cp, err := ix.Checkpoint(); err != nil || cp != 1234567890123 {
		t.Errorf("checkpoint %d, %v", cp, err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}

	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if cp, err := ix.Checkpoint(); err != nil || cp != 1234567890123 {
		t.Errorf("checkpoint after reopen %d, %v", cp, err)
	}
	if n, _ := ix.Count(); n != 2 {
		t.Errorf("count after reopen %d", n)
	}
	if res := runSearch(t, ix, veille.SearchRequest{Query: "EUDAMED"}); res.Total != 1 {
		t.Errorf("search after reopen: %d", res.Total)
	}
	// A checkpoint alone, with no items.
	if err := ix.Upsert(ctx, nil, 1234567890124); err != nil {
		t.Fatal(err)
	}
	if cp, _ := ix.Checkpoint(); cp != 1234567890124 {
		t.Errorf("checkpoint %d", cp)
	}
}

func TestOpenVersionMismatch(t *testing.T) {
	for name, stored := range map[string][]byte{"older": []byte("0"), "newer": []byte("999"), "missing": nil} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			ix, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if stored == nil {
				err = ix.idx.DeleteInternal(keyMappingVersion)
			} else {
				err = ix.idx.SetInternal(keyMappingVersion, stored)
			}
			if err != nil {
				t.Fatal(err)
			}
			ix.Close()

			_, err = Open(dir, Options{})
			if !errors.Is(err, ErrVersion) {
				t.Fatalf("open: %v, want ErrVersion", err)
			}
			got := "0"
			if stored != nil {
				got = string(stored)
			}
			msg := err.Error()
			for _, want := range []string{"veille reindex", dir, "mapping version " + got, "needs " + strconv.Itoa(MappingVersion)} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
		})
	}
}

func TestOpenLocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	first, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// bbolt's flock belongs to the open file description, so a second
	// open in this process contends like a second process would.
	start := time.Now()
	second, err := Open(dir, Options{})
	took := time.Since(start)
	if err == nil {
		second.Close()
		t.Fatal("second open succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if took > 2*time.Second {
		t.Errorf("second open took %v", took)
	}
	if !strings.Contains(err.Error(), dir) {
		t.Errorf("message %q does not name the index", err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	third, err := Open(dir, Options{BoltTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	third.Close()
}

func TestOpenRefusesForeignDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("open of a foreign dir: %v", err)
	}
	if err := Remove(dir); err == nil {
		t.Error("Remove accepted a foreign dir")
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("foreign file gone: %v", err)
	}
}

func TestOpenEmptyDirAndRemove(t *testing.T) {
	dir := t.TempDir() // exists, empty: created in place
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Upsert(context.Background(), []veille.Item{fixtures()["pfas"]}, 1); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if err := Remove(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("index still there: %v", err)
	}
	if err := Remove(dir); err != nil {
		t.Errorf("remove of an absent index: %v", err)
	}
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != 0 {
		t.Errorf("rebuilt index holds %d", n)
	}
}

func TestQueryErrors(t *testing.T) {
	ix, _, _ := fixtureIndex(t)
	tests := map[string]string{
		"unbalanced quote":         `"dispositifs médicaux`,
		"unbalanced guillemet":     `« dispositifs médicaux`,
		"unbalanced after words":   `chrome "hexavalent`,
		"quote inside a word":      `chrome"hexavalent`,
		"lone minus":               `-`,
		"lone plus":                `+`,
		"minus between words":      `chrome - hexavalent`,
		"double minus":             `--chrome`,
		"unknown field":            `author:dupont`,
		"unknown field quoted":     `author:"Jean Dupont"`,
		"field without value":      `domain:`,
		"field with empty quotes":  `domain:""`,
		"field with blank quotes":  `domain:"  "`,
		"unbalanced field value":   `domain:"medical`,
		"excluded star":            `-*`,
		"invalid UTF-8":            "d\xe9chets",
		"too long":                 strings.Repeat("déchets ", 300),
		"too many terms":           strings.Repeat("a ", 70),
		"unknown field after text": `chrome typo:value`,
		"unknown domain":           `domaine:finance`,
		"open parenthesis":         `(implant OR prothèse`,
		"close parenthesis":        `implant )`,
		"short prefix":             `im*`,
		"too deep":                 strings.Repeat("(", 30) + "a" + strings.Repeat(")", 30),
	}
	for name, q := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseQuery(q)
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("ParseQuery(%q): %v, want *QueryError", q, err)
			}
			if qe.Msg == "" {
				t.Error("empty message")
			}
			_, err = ix.Search(context.Background(), veille.SearchRequest{Query: q})
			if !errors.As(err, &qe) {
				t.Errorf("Search(%q): %v, want *QueryError", q, err)
			}
		})
	}

	requests := map[string]veille.SearchRequest{
		"negative limit":       {Limit: -1},
		"negative offset":      {Offset: -5},
		"unknown sort":         {Sort: "popularity"},
		"since after until":    {Since: day("2025-01-02"), Until: day("2025-01-01")},
		"empty period":         {Since: day("2025-01-01"), Until: day("2025-01-01")},
		"date out of range":    {Since: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)},
		"bad query and filter": {Query: `"x`, Domains: []string{"environment"}},
	}
	for name, r := range requests {
		t.Run(name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), r)
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Errorf("Search(%+v): %v, want *QueryError", r, err)
			}
		})
	}
}

func TestParseQueryAccepts(t *testing.T) {
	tests := map[string]string{
		"empty":               "",
		"blank":               "  \t ",
		"star":                "*",
		"word":                "ICPE",
		"phrase":              `"2017/745"`,
		"empty phrase":        `""`,
		"standard reference":  "ISO 13485:2016",
		"URL":                 "https://eur-lex.europa.eu/eli/reg/2017/745/oj",
		"exclusion":           "-PFAS",
		"required phrase":     `+"chrome hexavalent"`,
		"excluded phrase":     `-"chrome hexavalent"`,
		"French field name":   `compétence:"surface-treatment"`,
		"field case":          "Domain:Environment",
		"code article":        "L. 541-10",
		"hyphenated":          "éco-organisme",
		"elision":             "l'environnement d’une",
		"star among words":    "* PFAS",
		"excluded field":      "-jurisdiction:US",
		"phrase then word":    `"traitement de surface"ICPE`,
		"punctuation only":    "!!! ???",
		"colon without field": ": :x",
	}
	for name, q := range tests {
		t.Run(name, func(t *testing.T) {
			qq, err := ParseQuery(q)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", q, err)
			}
			if qq == nil {
				t.Fatal("nil query")
			}
		})
	}
}

func TestParseTree(t *testing.T) {
	voc := shippedVocabulary()
	tests := map[string]struct{ q, want string }{
		"words and phrase": {`chrome "traitement de surface" -PFAS +REACH`,
			`AND(chrome "traitement de surface" NOT(ACR:PFAS) ACR:REACH)`},
		"fields normalised": {`Domaine:Environment jurisdiction:eu -source:"ECHA-news"`,
			`AND(domains:environment jurisdiction:EU NOT(sources:echa-news))`},
		"French field values": {`domaine:environnement compétence:traitement-de-surface langue:français`,
			`AND(domains:environment competences:surface-treatment lang:fr)`},
		"references stay words": {`510(k) 2017/745 13485:2016 https://x.org/a`,
			`AND(510(k) 2017/745 13485:2016 https://x.org/a)`},
		"star dropped": {"* ICPE", `ACR:ICPE`},
		"typographic quotes": {"«\u00a0chrome hexavalent\u00a0» -“PFAS”x domaine:«medical-devices»",
			`AND("\u00a0chrome hexavalent\u00a0" NOT("PFAS") x domains:medical-devices)`},
		"operators in English": {`implant OR prothese NOT dentaire AND recall`,
			`OR(implant AND(prothese NOT(dentaire) recall))`},
		"operators in French": {`implant OU prothese SAUF dentaire ET rappel`,
			`OR(implant AND(prothese NOT(dentaire) rappel))`},
		"parentheses":                       {`(implant OR prothèse) -(dentaire OR "vis osseuse")`, `AND(OR(implant prothèse) NOT(OR(dentaire "vis osseuse")))`},
		"parenthesis in a word":             {`(510(k) OR QMSR)`, `OR(510(k) ACR:QMSR)`},
		"prefix":                            {`implant* stérilis*`, `AND(implant* stérilis*)`},
		"operators in lower case are words": {`implant or prothese`, `AND(implant or prothese)`},
		"dangling operators are words":      {`OR implant NOT`, `AND(implant NOT)`},
		"shouting is not acronyms":          {`DISPOSITIFS MEDICAUX IMPLANTABLES`, `AND(DISPOSITIFS MEDICAUX IMPLANTABLES)`},
		"mixed-case acronym":                {`RoHS Reach`, `AND(ACR:RoHS Reach)`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := parse(tc.q, voc)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want {
				t.Errorf("parse(%q)\n got %s\nwant %s", tc.q, got, tc.want)
			}
		})
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "*", "dechets", `"dispositifs médicaux"`, `-"x y" +z`, `domain:"a b"`,
		`author:x`, "510(k) 2017/745 L. 541-10", `"`, "-", "d\xe9chets", "l’environnement", "a:\"", "+-\"\"",
		"(a OR (b NOT c)) -(d)", "NOT", "OU SAUF ET", "implant*", "((", "))", "-(", "REACH OR reach", "domaine:environnement"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("ParseQuery(%q): %v is not a *QueryError", s, err)
			}
			return
		}
		if q == nil {
			t.Fatalf("ParseQuery(%q): nil query and no error", s)
		}
	})
}

func TestMappingFields(t *testing.T) {
	ix, _, _ := fixtureIndex(t)
	fields, err := ix.idx.Fields()
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(fields, "_all") {
		t.Errorf("index has an _all field: %v", fields)
	}
	// Full texts are searchable but not stored: a hit carries no body.
	res := runSearch(t, ix, veille.SearchRequest{Query: "EUDAMED"})
	doc, err := ix.idx.Document(res.Hits[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{} // a document read back holds its stored fields only
	doc.VisitFields(func(f bleveindex.Field) { stored[f.Name()] = true })
	for _, name := range []string{fTextFr, fTextEn, fTitleFr, fTitleEn} {
		if stored[name] {
			t.Errorf("%s is stored", name)
		}
	}
	for _, name := range []string{fTitle, fLink, fHighlight, fWhy, fPublishedAt, fDomains} {
		if !stored[name] {
			t.Errorf("%s is not stored", name)
		}
	}
}

func TestUpsertSplitsLargeInput(t *testing.T) {
	ix := openTemp(t)
	ix.maxBatch = 1 // byte: every item fills a batch
	var logs strings.Builder
	ix.log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var list []veille.Item
	for _, it := range fixtures() {
		list = append(list, it)
	}
	if err := ix.Upsert(context.Background(), list, 77); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != uint64(len(list)) {
		t.Errorf("count %d, want %d", n, len(list))
	}
	if cp, _ := ix.Checkpoint(); cp != 77 {
		t.Errorf("checkpoint %d", cp)
	}
	if !strings.Contains(logs.String(), "batches="+strconv.Itoa(len(list))) {
		t.Errorf("input not split into one batch per item: %s", logs.String())
	}
}
