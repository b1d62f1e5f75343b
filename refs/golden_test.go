package refs_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/internal/fixtures"
	"github.com/nogentech/veille/refs"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden-extract.json from the current code")

// goldenInputs are the texts the golden file holds results for: every JORF
// item of testdata (as Extract and as Apply read it), every torture file's
// raw bytes and every item the crawler parses from it, the fuzz seeds, and a
// generated text with every shape of number.
func goldenInputs(t *testing.T) map[string][2]string {
	t.Helper()
	in := map[string][2]string{}
	for link, it := range devItems(t) {
		in["jorf "+link] = [2]string{it.Title, it.Content}
		text := it.Content
		if text == "" {
			text = it.Summary
		}
		in["jorf-apply "+link] = [2]string{it.Title, text}
	}
	files := fixtures.TortureAll(t)
	if len(files) < 400 {
		t.Fatalf("%d torture files", len(files))
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range files {
		body := f.Body
		name := "/" + f.Rel
		in["torture-raw "+name] = [2]string{"", string(body)}
		parsed, _ := crawler.Parse(body, "", "", veille.Source{ID: "t", URL: "https://example.org/"}, now)
		for i, it := range parsed {
			in[fmt.Sprintf("torture-item %s #%d", name, i)] = [2]string{it.Title, it.Content + "\n" + it.Summary + "\n" + it.HTML}
		}
	}
	for i, s := range []string{
		"Arrêté du 17 décembre 2020 modifiant l'arrêté du 3 octobre 2010",
		"article L. 521-5 du code de l'environnement, R. 211-38 à R. 211-45 du même code",
		"règlement d'exécution (UE) 2018/2066 ; directive 2003/87/CE ; (CE) n° 1907/2006",
		"rubriques 2430 (pâte (à papier)), 3610a et 3610b ; NF EN 14385 (mai 2004) ; CAS 0541-02-06",
		"29 CFR 1910 subpart Q. Sec. 1910.1200(j)(2)(i) of 29 CFR; 89 FR 44144; 32017R0745",
		"Le présent décret entre en vigueur le 1er janvier 2021. Comments must be received on or before July 15, 2024.",
		"Le code de la santé publique est ainsi modifié :\n1° L'article R. * 1321-52 est abrogé",
		"décrets n° 2020-1262 du 16 octobre 2020 et n° 2020-1310 du 29 octobre 2020",
	} {
		in[fmt.Sprintf("seed %d", i)] = [2]string{s, s}
	}
	in["generated 200 KB"] = [2]string{"Arrêté du 1er juin 2021", bigText(200_000, 2_000)}
	return in
}

// TestExtractGolden holds Extract to the results recorded in
// testdata/golden-extract.json, so that work on its speed cannot change
// what it finds. Rewrite the file with -update-golden only when a change of
// results is meant (and say so in the commit).
func TestExtractGolden(t *testing.T) {
	in := goldenInputs(t)
	got := make(map[string]refs.Result, len(in))
	for k, v := range in {
		got[k] = refs.Extract(v[0], v[1])
	}
	path := filepath.Join("testdata", "golden-extract.json")
	if *updateGolden {
		b, err := json.MarshalIndent(got, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d results to %s", len(got), path)
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with -update-golden)", err)
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(got) {
		t.Errorf("%d inputs, the golden file holds %d", len(got), len(want))
	}
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	bad := 0
	for _, k := range keys {
		g, _ := json.Marshal(got[k])
		var w bytes.Buffer
		if err := json.Compact(&w, want[k]); err != nil {
			t.Errorf("%s: not in the golden file", k)
			continue
		}
		if !bytes.Equal(g, w.Bytes()) {
			if bad++; bad <= 10 {
				t.Errorf("%s:\n got  %s\n want %s", k, g, w.Bytes())
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d results differ", bad, len(keys))
	}
}
