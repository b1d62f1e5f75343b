package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
)

// report is the -json output. Its top-level keys are the contract,
// compared across commits by scripts; Detail holds the rest of the table.
type report struct {
	N      int `json:"n"`
	Feeds  int `json:"feeds"`
	Ingest struct {
		Floor  float64 `json:"floor_items_per_s"`
		Veille float64 `json:"veille_items_per_s"`
		Ratio  float64 `json:"ratio"`
	} `json:"ingest"`
	Search  []searchLine `json:"search"`
	Recrawl struct {
		Feeds       int     `json:"feeds"`
		CPUS        float64 `json:"cpu_s"`
		IndexWrites uint64  `json:"index_writes"`
	} `json:"recrawl"`
	StartupS float64 `json:"startup_s"`
	// PeakRSSMB is the highest peak RSS of veille's phases (crawl,
	// re-crawl, serving, digest).
	PeakRSSMB float64 `json:"peak_rss_mb"`
	Detail    detail  `json:"detail"`
}

type searchLine struct {
	Kind      string  `json:"kind"`
	FloorP50  float64 `json:"floor_p50_ms"`
	FloorP99  float64 `json:"floor_p99_ms"`
	VeilleP50 float64 `json:"veille_p50_ms"`
	VeilleP99 float64 `json:"veille_p99_ms"`
	HTTPP50   float64 `json:"http_p50_ms"`
	HTTPP99   float64 `json:"http_p99_ms"`
}

type answers struct {
	OK          int64 `json:"ok"`
	NotModified int64 `json:"not_modified"`
	Other       int64 `json:"other"`
	Bytes       int64 `json:"bytes"`
}

type detail struct {
	CPUs           int                    `json:"cpus"`
	CPUModel       string                 `json:"cpu_model"`
	GoVersion      string                 `json:"go_version"`
	LoadAvg        string                 `json:"loadavg_at_start"`
	Hosts          int                    `json:"loopback_hosts"`
	FeedBytes      int64                  `json:"feed_bytes"`
	TextBytes      float64                `json:"mean_text_bytes_per_item"`
	FloorBatch     int                    `json:"floor_batch"`
	Queries        int                    `json:"samples_per_kind"`
	Phases         map[string]phaseResult `json:"phases"`
	CrawlAnswers   answers                `json:"crawl_answers"`
	RecrawlAnswers answers                `json:"recrawl_answers"`
	ServeRSSMB     float64                `json:"serve_peak_rss_mb"`
	DigestS        float64                `json:"digest_s"`
	DigestItems    int                    `json:"digest_items"`
}

func newReport(o options, hosts int, feedBytes int64, textBytes float64) *report {
	r := &report{N: o.n, Feeds: o.feeds}
	cpus, model, gv := machine()
	load, _ := os.ReadFile("/proc/loadavg")
	r.Detail = detail{CPUs: cpus, CPUModel: model, GoVersion: gv, LoadAvg: strings.TrimSpace(string(load)), Hosts: hosts, FeedBytes: feedBytes,
		TextBytes: textBytes, FloorBatch: o.batch, Queries: o.queries, Phases: map[string]phaseResult{}}
	return r
}

// fill derives the contract's figures from the phases.
func (r *report) fill() {
	ph := r.Detail.Phases
	fi, cr := ph["floor-ingest"], ph["crawl"]
	r.Ingest.Floor = perSecond(r.N, fi.WallS)
	r.Ingest.Veille = perSecond(r.N, cr.WallS)
	r.Ingest.Ratio = round(r.Ingest.Veille/r.Ingest.Floor, 3)
	sp, sv := ph["search"].Paths, ph["serve"]
	r.Search = r.Search[:0]
	for _, k := range kinds {
		r.Search = append(r.Search, searchLine{Kind: k,
			FloorP50: sp["floor"][k].P50, FloorP99: sp["floor"][k].P99,
			VeilleP50: sp["veille"][k].P50, VeilleP99: sp["veille"][k].P99,
			HTTPP50: sp["http"][k].P50, HTTPP99: sp["http"][k].P99})
	}
	rc := ph["recrawl"]
	r.Recrawl.Feeds = r.Feeds
	r.Recrawl.CPUS = round(rc.CPUS, 3)
	r.Recrawl.IndexWrites = toUint(rc.Notes["index_writes"])
	r.StartupS = round(toFloat(sv.Notes["startup_s"]), 3)
	for _, name := range []string{"crawl", "recrawl", "serve", "digest"} {
		r.PeakRSSMB = math.Max(r.PeakRSSMB, ph[name].PeakRSSMB)
	}
	r.PeakRSSMB = round(r.PeakRSSMB, 1)
	r.Detail.ServeRSSMB = round(sv.PeakRSSMB, 1)
	r.Detail.DigestS = round(ph["digest"].WallS, 3)
	r.Detail.DigestItems = ph["digest"].Items
}

func perSecond(n int, s float64) float64 {
	if s <= 0 {
		return 0
	}
	return round(float64(n)/s, 1)
}

func round(v float64, digits int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// toFloat and toUint read numbers back from the JSON of a phase's notes.
func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return 0
}

func toUint(v any) uint64 { return uint64(toFloat(v)) }

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a/b)
}

func mark(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

// printTable writes the human-readable report.
func printTable(w io.Writer, r *report) {
	d := r.Detail
	ph := d.Phases
	fmt.Fprintf(w, "veille-bench: %d items in %d feeds (RSS and Atom, 3 in 5 French), %.1f KB of text per item, %.0f MB of feeds on %d loopback hosts\n",
		r.N, r.Feeds, d.TextBytes/1000, float64(d.FeedBytes)/(1<<20), d.Hosts)
	fmt.Fprintf(w, "machine: %d CPUs, %s, %s, load average at start %s; each phase in its own process (peak RSS = its VmHWM)\n\n",
		d.CPUs, d.CPUModel, d.GoVersion, d.LoadAvg)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fi, cr := ph["floor-ingest"], ph["crawl"]
	fmt.Fprintln(tw, "ingest\tfloor\tveille\tveille/floor\t")
	fmt.Fprintf(tw, "items/s\t%.0f\t%.0f\t%s\t\n", r.Ingest.Floor, r.Ingest.Veille, ratio(r.Ingest.Veille, r.Ingest.Floor))
	fmt.Fprintf(tw, "wall s\t%.1f\t%.1f\t%s\t\n", fi.WallS, cr.WallS, ratio(cr.WallS, fi.WallS))
	fmt.Fprintf(tw, "CPU s\t%.1f\t%.1f\t%s\t\n", fi.CPUS, cr.CPUS, ratio(cr.CPUS, fi.CPUS))
	fmt.Fprintf(tw, "items per CPU s\t%.0f\t%.0f\t%s\t\n", float64(r.N)/fi.CPUS, float64(r.N)/cr.CPUS, ratio(fi.CPUS, cr.CPUS))
	fmt.Fprintf(tw, "peak RSS MB\t%.0f\t%.0f\t%s\t\n", fi.PeakRSSMB, cr.PeakRSSMB, ratio(cr.PeakRSSMB, fi.PeakRSSMB))
	tw.Flush()
	if ex := ph["extract"]; ex.Items > 0 {
		fmt.Fprintf(w, "extraction (refs, part of the crawl above, here alone on the same items): %.1f µs CPU per item, %.0f items per CPU s, %.1f%% of the crawl's CPU; %.0f refs and %.0f dates, %.0f items citing something\n",
			1e6*ex.CPUS/float64(ex.Items), float64(ex.Items)/ex.CPUS, 100*ex.CPUS/cr.CPUS,
			toFloat(ex.Notes["refs"]), toFloat(ex.Notes["dates"]), toFloat(ex.Notes["items_with_refs"]))
	}

	fmt.Fprintf(w, "\nsearch, ms (%d samples per kind and path, the paths interleaved; 20 hits, stored fields, 5 facets; veille and HTTP add snippets)\n", d.Queries)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tfloor p50\tp95\tp99\tveille p50\tp95\tp99\tHTTP p50\tp95\tp99\tveille/floor p50\tp99\tHTTP/floor p50\tp99\thits\t")
	sp := ph["search"].Paths
	for _, k := range kinds {
		f, v, h := sp["floor"][k], sp["veille"][k], sp["http"][k]
		fmt.Fprintf(tw, "%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%s\t%s\t%s\t%.0f\t\n", k,
			f.P50, f.P95, f.P99, v.P50, v.P95, v.P99, h.P50, h.P95, h.P99,
			ratio(v.P50, f.P50), ratio(v.P99, f.P99), ratio(h.P50, f.P50), ratio(h.P99, f.P99), v.Hits)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nwhere veille's time goes, p50 ms: the floor's query; veille's query through plain Bleve (Bleve's facets and sort) on the same index; the search function (facets and newest-first order from veille's columns, snippets, hits)")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tfloor\tveille's query\tsearch function\tfloor hits\tveille hits\t")
	for _, k := range kinds {
		fmt.Fprintf(tw, "%s\t%.1f\t%.1f\t%.1f\t%.0f\t%.0f\t\n", k, sp["floor"][k].P50, sp["query"][k].P50, sp["veille"][k].P50,
			sp["floor"][k].Hits, sp["veille"][k].Hits)
	}
	tw.Flush()

	rc, dg, sv := ph["recrawl"], ph["digest"], ph["serve"]
	fmt.Fprintf(w, "\nre-crawl of %d unchanged feeds: %d×304, %d×200, %d index writes, store sequence %.0f → %.0f, %.2f CPU s, %.2f s wall, peak RSS %.0f MB\n",
		r.Feeds, d.RecrawlAnswers.NotModified, d.RecrawlAnswers.OK, r.Recrawl.IndexWrites,
		toFloat(rc.Notes["store_seq_before"]), toFloat(rc.Notes["store_seq_after"]), rc.CPUS, rc.WallS, rc.PeakRSSMB)
	fmt.Fprintf(w, "weekly digest (environment-weekly, %v, %.0f of the store's %.0f items first seen in it): %d items listed, %.0f older left out, digest_s %.2f (wall), %.2f CPU s, peak RSS %.0f MB; store open %.2f s\n",
		dg.Notes["period"], toFloat(dg.Notes["first_seen_in_week"]), toFloat(dg.Notes["store_items"]), dg.Items,
		toFloat(dg.Notes["older"]), dg.WallS, dg.CPUS, dg.PeakRSSMB, toFloat(dg.Notes["store_open_s"]))
	fmt.Fprintf(w, "start-up on the data dir (process start → store + index open, catch-up, first /api/search answered): %.3f s\n", r.StartupS)
	fmt.Fprintf(w, "serving (start-up, then the query mix 3 times through the search function and HTTP): peak RSS %.0f MB\n", sv.PeakRSSMB)
	fmt.Fprintf(w, "act page and calendar, ms p50/p99, first answer, CPU ms per answer (%d samples each, in process; after the first, answers come from the server's cache): ", d.Queries)
	for i, p := range actPaths {
		if i > 0 {
			fmt.Fprint(w, ", ")
		}
		fmt.Fprintf(w, "%s %.1f/%.1f first %.1f CPU %.1f", p.name, toFloat(sv.Notes[p.name+"_p50_ms"]), toFloat(sv.Notes[p.name+"_p99_ms"]),
			toFloat(sv.Notes[p.name+"_first_ms"]), toFloat(sv.Notes[p.name+"_cpu_ms"]))
	}
	fmt.Fprintf(w, "; %.0f events in the default calendar\n\n", toFloat(sv.Notes["calendar_events"]))

	var checks []string
	check := func(name string, ok bool) { checks = append(checks, fmt.Sprintf("  %-60s %s", name, mark(ok))) }
	check("ingest ≥ 0.7× floor", r.Ingest.Ratio >= 0.7)
	for _, l := range r.Search {
		check(fmt.Sprintf("%s: search p50, p99 ≤ 1.2× floor", l.Kind), l.VeilleP50 <= 1.2*l.FloorP50 && l.VeilleP99 <= 1.2*l.FloorP99)
		check(fmt.Sprintf("%s: HTTP p50, p99 ≤ 1.5× floor", l.Kind), l.HTTPP50 <= 1.5*l.FloorP50 && l.HTTPP99 <= 1.5*l.FloorP99)
		if l.Kind == "filtered" || l.Kind == "faceted" {
			check(fmt.Sprintf("%s: p99 ≤ 100 ms (target at 1M items)", l.Kind), l.VeilleP99 <= 100)
		}
	}
	check(fmt.Sprintf("re-crawl: ≤ 2 CPU s per 1,000 feeds (%.2f for %d), no index write", r.Recrawl.CPUS, r.Feeds),
		r.Recrawl.CPUS <= 2*float64(r.Feeds)/1000 && r.Recrawl.IndexWrites == 0)
	check("start-up ≤ 3 s (target at 1M items)", r.StartupS <= 3)
	check(fmt.Sprintf("digest_s ≤ 5 s, every item first seen in its week (target at 1M items; %.2f s)", dg.WallS),
		dg.WallS <= 5 && toFloat(dg.Notes["first_seen_in_week"]) == toFloat(dg.Notes["store_items"]))
	for _, p := range []string{"act_page", "calendar_ics"} {
		check(fmt.Sprintf("%s p99 ≤ 100 ms (target at 1M items)", p), toFloat(sv.Notes[p+"_p99_ms"]) <= 100)
	}
	check("serving peak RSS ≤ 1.5 GiB (target at 1M items)", sv.PeakRSSMB <= 1536)
	fmt.Fprintln(w, "targets:")
	fmt.Fprintln(w, strings.Join(checks, "\n"))
}
