package refs_test

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/internal/fixtures"
	"github.com/nogentech/veille/refs"
)

// checkResult holds what any extraction must satisfy, whatever the input:
// known kinds, non-empty ids, real calendar dates, one entry per key.
func checkResult(t *testing.T, r refs.Result) {
	t.Helper()
	seen := map[string]bool{}
	for _, x := range r.Refs {
		if !slices.Contains(refs.Kinds, x.Kind) || strings.TrimSpace(x.ID) == "" || x.Text == "" {
			t.Fatalf("bad ref %+v", x)
		}
		if !utf8.ValidString(x.ID) {
			t.Fatalf("ref id not UTF-8: %q", x.ID)
		}
		if seen[x.Key()] {
			t.Fatalf("ref %s twice", x.Key())
		}
		seen[x.Key()] = true
	}
	for _, d := range r.Dates {
		if _, err := time.Parse(time.DateOnly, d.Date); err != nil {
			t.Fatalf("bad date %+v: %v", d, err)
		}
		switch d.Kind {
		case refs.DateEntryIntoForce, refs.DateApplication, refs.DateDeadline, refs.DateComment:
		default:
			t.Fatalf("bad date kind %+v", d)
		}
		if seen["date:"+d.Kind+d.Date] {
			t.Fatalf("date %+v twice", d)
		}
		seen["date:"+d.Kind+d.Date] = true
	}
	if r.Act != nil && (r.Act.ID == "" || !slices.Contains(refs.Kinds, r.Act.Kind)) {
		t.Fatalf("bad act %+v", r.Act)
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"Arrêté du 17 décembre 2020 modifiant l'arrêté du 3 octobre 2010",
		"article L. 521-5 du code de l'environnement, R. 211-38 à R. 211-45 du même code",
		"règlement d'exécution (UE) 2018/2066 ; directive 2003/87/CE ; (CE) n° 1907/2006",
		"rubriques 2430 (pâte (à papier)), 3610a et 3610b ; NF EN 14385 (mai 2004) ; CAS 0541-02-06",
		"29 CFR 1910 subpart Q. Sec. 1910.1200(j)(2)(i) of 29 CFR; 89 FR 44144; 32017R0745",
		"Le présent décret entre en vigueur le 1er janvier 2021. Comments must be received on or before July 15, 2024.",
		"Le code de la santé publique est ainsi modifié :\n1° L'article R. * 1321-52 est abrogé",
		"décrets n° 2020-1262 du 16 octobre 2020 et n° 2020-1310 du 29 octobre 2020",
		"applicable à compter de cette date", "TREL1821693V", "R. 613-1-A", "((((((((", "n° n° n°",
	} {
		f.Add("", s)
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, title, text string) {
		checkResult(t, refs.Extract(title, text))
	})
}

// TestExtractTorture runs extraction over every item the crawler reads from
// the feed-parser torture corpus (crawler/testdata/torture), and over each
// file's raw bytes as text: no panic, and every result well-formed.
func TestExtractTorture(t *testing.T) {
	files := fixtures.TortureAll(t)
	if len(files) < 400 {
		t.Fatalf("%d torture files", len(files))
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	items, panics := 0, 0
	for _, tf := range files {
		f, body := tf.Path, tf.Body
		run := func(title, text string) {
			defer func() {
				if r := recover(); r != nil {
					panics++
					t.Errorf("%s: panic %v", f, r)
				}
			}()
			checkResult(t, refs.Extract(title, text))
		}
		run("", string(body))
		parsed, _ := crawler.Parse(body, "", "", veille.Source{ID: "t", URL: "https://example.org/"}, now)
		for _, it := range parsed {
			items++
			refs.Apply(&it)
			run(it.Title, it.Content+"\n"+it.Summary+"\n"+it.HTML)
		}
	}
	t.Logf("%d files, %d items, %d panics", len(files), items, panics)
}

// bigText is n bytes of legal prose holding count numbers of every shape the
// grammars read: articles, acts, rubriques, CAS-like and date-like numbers.
func bigText(n, count int) string {
	shapes := []string{
		"l'article R. %d-%d du code de l'environnement", "rubrique %d", "le décret n° 20%d-%d",
		"CAS %d-%d-0", "entre en vigueur le %d juin 20%d", "%d CFR %d", "NF EN %d-%d", "règlement (UE) 2020/%d",
	}
	var b strings.Builder
	b.Grow(n + 200)
	filler := strings.Repeat("Les exploitants déclarent leurs émissions selon les modalités prévues ", 4)
	per := n / count
	for i := 0; b.Len() < n; i++ {
		sh := shapes[i%len(shapes)]
		// the numbers differ, so that deduplication does not hide the work
		switch strings.Count(sh, "%d") {
		case 1:
			fmt.Fprintf(&b, sh, 1000+i%4000)
		default:
			fmt.Fprintf(&b, sh, 10+i%19, i)
		}
		b.WriteString(" ; ")
		if pad := per - 40; pad > 0 {
			b.WriteString(filler[:min(pad, len(filler))])
		}
		b.WriteString(". ")
	}
	return b.String()
}

// TestExtractLargeText extracts from 10 MB holding about 100,000 numbers, and
// from a tenth of it: the time must grow about linearly with the text (the
// grammars are RE2 regular expressions; lookups of context are bounded), and
// the memory allocated stays a small multiple of the text.
func TestExtractLargeText(t *testing.T) {
	if testing.Short() {
		t.Skip("10 MB extraction skipped in -short mode")
	}
	measure := func(n, count int) (time.Duration, uint64, int) {
		text := bigText(n, count)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		r := refs.Extract("Arrêté du 1er juin 2021", text)
		el := time.Since(start)
		runtime.ReadMemStats(&after)
		checkResult(t, r)
		return el, after.TotalAlloc - before.TotalAlloc, len(r.Refs) + len(r.Dates)
	}
	smallT, smallA, smallN := measure(1<<20, 10_000)
	bigT, bigA, bigN := measure(10<<20, 100_000)
	t.Logf("1 MB: %v, %d MB allocated, %d refs+dates", smallT, smallA>>20, smallN)
	t.Logf("10 MB: %v, %d MB allocated, %d refs+dates", bigT, bigA>>20, bigN)
	if bigN < 10_000 {
		t.Errorf("only %d references and dates found in 100,000 numbers", bigN)
	}
	// linear would be 10×; quadratic would be 100×
	if ratio := float64(bigT) / float64(smallT); ratio > 30 {
		t.Errorf("10× the text took %.1f× the time: not linear", ratio)
	}
	if bigA > 60*(10<<20) {
		t.Errorf("allocated %d MB for 10 MB of text", bigA>>20)
	}
}
