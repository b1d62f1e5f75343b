package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// The phases run in child processes of the test binary.
func TestMain(m *testing.M) {
	if v := os.Getenv(phaseEnv); v != "" {
		os.Exit(childMain(v, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// A small run goes through every phase and prints the JSON.
func TestBenchJSON(t *testing.T) {
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"-n", "400", "-feeds", "8", "-queries", "5", "-json",
		"-dir", t.TempDir()}, &out, &errs)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"detail", "feeds", "ingest", "n", "peak_rss_mb", "recrawl", "search", "startup_s"}
	if !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	var rep struct {
		N       int              `json:"n"`
		Feeds   int              `json:"feeds"`
		Search  []map[string]any `json:"search"`
		Recrawl struct {
			Feeds       int     `json:"feeds"`
			CPUS        float64 `json:"cpu_s"`
			IndexWrites *uint64 `json:"index_writes"`
		} `json:"recrawl"`
		StartupS  float64 `json:"startup_s"`
		PeakRSSMB float64 `json:"peak_rss_mb"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	var ingest map[string]float64
	json.Unmarshal(got["ingest"], &ingest)
	if ingest["floor_items_per_s"] <= 0 || ingest["veille_items_per_s"] <= 0 || ingest["ratio"] <= 0 {
		t.Errorf("ingest %v", ingest)
	}
	if rep.N != 400 || rep.Feeds != 8 || rep.Recrawl.Feeds != 8 {
		t.Errorf("n %d feeds %d recrawl feeds %d", rep.N, rep.Feeds, rep.Recrawl.Feeds)
	}
	if rep.Recrawl.IndexWrites == nil || *rep.Recrawl.IndexWrites != 0 {
		t.Errorf("re-crawl index writes %v, want 0", rep.Recrawl.IndexWrites)
	}
	if len(rep.Search) != len(kinds) {
		t.Fatalf("%d search lines, want %d", len(rep.Search), len(kinds))
	}
	for i, l := range rep.Search {
		if l["kind"] != kinds[i] {
			t.Errorf("line %d is %v, want %s", i, l["kind"], kinds[i])
		}
		for _, k := range []string{"floor_p50_ms", "floor_p99_ms", "veille_p50_ms", "veille_p99_ms", "http_p50_ms", "http_p99_ms"} {
			if v, ok := l[k].(float64); !ok || v <= 0 {
				t.Errorf("%s %s = %v", l["kind"], k, l[k])
			}
		}
	}
	if rep.StartupS <= 0 || rep.StartupS > 10 || rep.PeakRSSMB <= 0 {
		t.Errorf("start-up %v s, peak RSS %v MB", rep.StartupS, rep.PeakRSSMB)
	}
}

func TestTable(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"-n", "200", "-feeds", "4", "-queries", "3"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	for _, want := range []string{"items/s", "veille/floor", "extraction (refs", "one-word", "faceted", "re-crawl of 4 unchanged feeds: 4×304", "targets:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBadFlags(t *testing.T) {
	for name, args := range map[string][]string{
		"no items":      {"-n", "0"},
		"more feeds":    {"-n", "10", "-feeds", "11"},
		"unknown phase": {"-phases", "nap"},
		"argument":      {"extra"},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errs bytes.Buffer
			if code := run(context.Background(), args, &out, &errs); code != 2 {
				t.Errorf("exit %d, want 2 (%s)", code, errs.String())
			}
		})
	}
}

// The corpus is the same in every run, and shaped like the news it imitates.
func TestCorpus(t *testing.T) {
	c, err := newCorpus(3000, 30)
	if err != nil {
		t.Fatal(err)
	}
	d, err := newCorpus(3000, 30)
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]int{}
	links := map[string]bool{}
	var text int
	for i := range 3000 {
		g, h := c.item(i), d.item(i)
		if g.Title != h.Title || g.Summary != h.Summary || !slices.Equal(g.Paragraphs, h.Paragraphs) || g.Link != h.Link {
			t.Fatalf("item %d differs between two corpora", i)
		}
		if g.Title == "" || g.Summary == "" || len(g.Paragraphs) == 0 {
			t.Fatalf("item %d is empty: %+v", i, g)
		}
		if links[g.Link] {
			t.Fatalf("item %d repeats link %s", i, g.Link)
		}
		links[g.Link] = true
		if g.Published.After(epoch) || g.Published.Before(epoch.Add(-span-time.Hour)) {
			t.Errorf("item %d published %s", i, g.Published)
		}
		langs[g.Lang]++
		text += len(g.Title) + len(g.Summary) + len(strings.Join(g.Paragraphs, "\n\n"))
		if f := c.feedOf(i); f < 0 || f >= 30 {
			t.Fatalf("item %d in feed %d", i, f)
		} else if from, to := c.feedItems(f); i < from || i >= to {
			t.Fatalf("item %d not in the range [%d, %d) of its feed %d", i, from, to, f)
		}
	}
	if langs["fr"] < 1500 || langs["en"] < 900 {
		t.Errorf("languages %v", langs)
	}
	if mean := text / 3000; mean < 1500 || mean > 6000 {
		t.Errorf("mean text %d bytes, want a few KB", mean)
	}
	if !bytes.Equal(c.renderFeed(3, "http://x/feeds/0003.xml"), d.renderFeed(3, "http://x/feeds/0003.xml")) {
		t.Error("feed 3 differs between two renderings")
	}
}

// Over four rounds each of four paths runs once in each position and
// right after each other path once.
func TestPathOrderBalanced(t *testing.T) {
	const k = 4
	first := map[int]int{}
	after := map[[2]int]int{}
	for n := range k {
		order := pathOrder(n, k)
		seen := map[int]bool{}
		for j, p := range order {
			seen[p] = true
			if j == 0 {
				first[p]++
			} else {
				after[[2]int{order[j-1], p}]++
			}
		}
		if len(seen) != k {
			t.Fatalf("round %d: order %v is not every path once", n, order)
		}
	}
	if len(first) != k || len(after) != k*(k-1) {
		t.Fatalf("first %v, pairs %v: want each path first once and each ordered pair once", first, after)
	}
	for pair, c := range after {
		if c != 1 {
			t.Errorf("%v follows %v %d times", pair[1], pair[0], c)
		}
	}
}
