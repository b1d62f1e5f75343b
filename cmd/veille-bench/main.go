// Command veille-bench measures veille against Bleve's own floor on the same
// documents: a deterministic corpus of regulatory news in French and
// English, served as RSS and Atom feeds on loopback, indexed straight into
// Bleve (the floor) and crawled through veille's crawler, tagger, store and
// index; then the same query mix against both, a re-crawl of the unchanged
// feeds, a weekly digest and the start-up on the built data dir.
//
//	go run ./cmd/veille-bench [-n 100000] [-feeds 1000] [-json]
//
// Each phase runs in its own process so that its peak RSS (VmHWM) and CPU
// time are its own; this process only generates the corpus and serves the
// feeds. See docs/BENCHMARKS.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nogentech/veille"
)

// processStart is when this process started, for the start-up time.
var processStart = time.Now()

// phaseEnv carries a phase's spec to the child process that runs it.
const phaseEnv = "VEILLE_BENCH_PHASE"

func main() {
	if v := os.Getenv(phaseEnv); v != "" {
		os.Exit(childMain(v, os.Stdout, os.Stderr))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// childMain runs one phase and prints its result as JSON.
func childMain(specJSON string, stdout, stderr io.Writer) int {
	var s spec
	if err := json.Unmarshal([]byte(specJSON), &s); err != nil {
		fmt.Fprintln(stderr, "veille-bench: bad phase spec:", err)
		return 2
	}
	fn := phases[s.Phase]
	if fn == nil {
		fmt.Fprintln(stderr, "veille-bench: unknown phase", s.Phase)
		return 2
	}
	res, err := fn(context.Background(), s)
	if err != nil {
		fmt.Fprintf(stderr, "veille-bench: phase %s: %v\n", s.Phase, err)
		return 1
	}
	res.PeakRSSMB = peakRSSMB()
	res.ProcessCPUS = cpuSeconds()
	if err := json.NewEncoder(stdout).Encode(res); err != nil {
		fmt.Fprintln(stderr, "veille-bench:", err)
		return 1
	}
	return 0
}

type options struct {
	n, feeds, queries, batch, hosts, writers int
	json, keep                               bool
	dir, profile, out                        string
	phases                                   []string
}

var allPhases = []string{"floor-ingest", "crawl", "extract", "recrawl", "search", "serve", "digest"}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("veille-bench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var o options
	fl.IntVar(&o.n, "n", 100000, "number of items")
	fl.IntVar(&o.feeds, "feeds", 1000, "number of feeds the items are split over")
	fl.BoolVar(&o.json, "json", false, "print one JSON object instead of the table")
	fl.IntVar(&o.queries, "queries", 0, "samples per query kind and path (default: 40 below 50k items, 200 up to 200k, 60 above)")
	fl.IntVar(&o.batch, "batch", 1000, "documents per Bleve batch for the floor")
	fl.IntVar(&o.writers, "writers", 2, "concurrent Bleve batches for the floor (2 was fastest on 2 cores)")
	fl.IntVar(&o.hosts, "hosts", 8, "loopback addresses the feeds are spread over")
	fl.StringVar(&o.dir, "dir", "", "work directory, kept afterwards (default: a temporary directory, removed)")
	fl.BoolVar(&o.keep, "keep", false, "keep the temporary work directory (indexes, store, corpus)")
	fl.StringVar(&o.profile, "profile", "", "write a CPU and heap profile of each phase into this directory")
	fl.StringVar(&o.out, "out", "", "also write the JSON report to this file")
	phaseList := fl.String("phases", strings.Join(allPhases, ","), "phases to run, for profiling one of them on a kept -dir")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "veille-bench: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	switch {
	case o.n < 1:
		fmt.Fprintln(stderr, "veille-bench: -n must be at least 1")
		return 2
	case o.feeds < 1 || o.feeds > o.n:
		fmt.Fprintln(stderr, "veille-bench: -feeds must be between 1 and -n")
		return 2
	case o.batch < 1 || o.hosts < 1 || o.hosts > 250 || o.queries < 0:
		fmt.Fprintln(stderr, "veille-bench: -batch and -hosts must be positive (hosts at most 250), -queries not negative")
		return 2
	}
	for _, p := range strings.Split(*phaseList, ",") {
		if phases[p] == nil {
			fmt.Fprintf(stderr, "veille-bench: unknown phase %q (phases: %s)\n", p, strings.Join(allPhases, ", "))
			return 2
		}
		o.phases = append(o.phases, p)
	}
	if o.queries == 0 {
		// Enough samples for a p99 at the sizes the report is made at,
		// few enough that -n 20000 runs in under a minute on 2 cores.
		switch {
		case o.n < 50000:
			o.queries = 40
		case o.n <= 200000:
			o.queries = 200
		default:
			o.queries = 60
		}
	}
	rep, err := bench(ctx, o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "veille-bench:", err)
		return 1
	}
	if o.out != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err == nil {
			err = os.WriteFile(o.out, append(b, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "veille-bench:", err)
			return 1
		}
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "veille-bench:", err)
			return 1
		}
		return 0
	}
	printTable(stdout, rep)
	return 0
}

// bench runs every phase and gathers the report.
func bench(ctx context.Context, o options, logw io.Writer) (*report, error) {
	logf := func(format string, args ...any) {
		fmt.Fprintf(logw, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
	work := o.dir
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "veille-bench-"); err != nil {
			return nil, err
		}
		if !o.keep {
			defer os.RemoveAll(work)
		}
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	} else if entries, _ := os.ReadDir(work); len(entries) > 0 && len(o.phases) == len(allPhases) {
		return nil, fmt.Errorf("work directory %s is not empty (reuse it with -phases)", work)
	}
	if o.keep || o.dir != "" {
		logf("work directory: %s (kept)", work)
	}
	if o.profile != "" {
		if err := os.MkdirAll(o.profile, 0o755); err != nil {
			return nil, err
		}
	}

	c, err := newCorpus(o.n, o.feeds)
	if err != nil {
		return nil, err
	}
	logf("corpus: rendering %d feeds of %d items", o.feeds, o.n)
	fs, err := startFeedServer(c, o.hosts)
	if err != nil {
		return nil, err
	}
	defer fs.close()
	srcs := fs.sources()
	b, err := json.Marshal(srcs)
	if err != nil {
		return nil, err
	}
	s := spec{Work: work, N: o.n, Feeds: o.feeds, Queries: o.queries, Batch: o.batch, Writers: o.writers, Profile: o.profile}
	if err := os.WriteFile(s.sourcesFile(), b, 0o644); err != nil {
		return nil, err
	}
	logf("corpus: %.0f MB of feeds on %d loopback hosts; writing the floor's tagged items", float64(fs.totalBytes())/(1<<20), len(fs.servers))
	var textBytes float64
	if _, err := os.Stat(s.itemsFile()); err != nil || slices.Contains(o.phases, "floor-ingest") {
		if textBytes, err = writeItems(c, srcs, s.itemsFile()); err != nil {
			return nil, err
		}
	}

	rep := newReport(o, len(fs.servers), fs.totalBytes(), textBytes)
	runPhase := func(name string) (phaseResult, error) {
		if err := ctx.Err(); err != nil {
			return phaseResult{}, err
		}
		if !slices.Contains(o.phases, name) {
			return phaseResult{}, nil
		}
		logf("phase %s", name)
		ps := s
		ps.Phase = name
		res, err := runChild(ctx, ps, logw)
		if err != nil {
			return res, fmt.Errorf("phase %s: %w", name, err)
		}
		logf("phase %s: %.1f s wall, %.1f s CPU, peak RSS %.0f MB", name, res.WallS, res.CPUS, res.PeakRSSMB)
		rep.Detail.Phases[name] = res
		return res, nil
	}
	if _, err := runPhase("floor-ingest"); err != nil {
		return nil, err
	}
	fs.resetCounts()
	if _, err := runPhase("crawl"); err != nil {
		return nil, err
	}
	rep.Detail.CrawlAnswers = answers{OK: fs.ok.Load(), NotModified: fs.notModified.Load(), Other: fs.other.Load(), Bytes: fs.bytes.Load()}
	if _, err := runPhase("extract"); err != nil {
		return nil, err
	}
	fs.resetCounts()
	if _, err := runPhase("recrawl"); err != nil {
		return nil, err
	}
	rep.Detail.RecrawlAnswers = answers{OK: fs.ok.Load(), NotModified: fs.notModified.Load(), Other: fs.other.Load(), Bytes: fs.bytes.Load()}
	for _, name := range []string{"search", "serve", "digest"} {
		if _, err := runPhase(name); err != nil {
			return nil, err
		}
	}
	rep.fill()
	if rep.Detail.RecrawlAnswers.OK+rep.Detail.RecrawlAnswers.Other > 0 {
		return rep, fmt.Errorf("re-crawl: the feed server answered %d×200 and %d other statuses besides %d×304",
			rep.Detail.RecrawlAnswers.OK, rep.Detail.RecrawlAnswers.Other, rep.Detail.RecrawlAnswers.NotModified)
	}
	return rep, nil
}

// runChild runs one phase in a new process of this same program.
func runChild(ctx context.Context, s spec, logw io.Writer) (phaseResult, error) {
	var res phaseResult
	exe, err := os.Executable()
	if err != nil {
		return res, err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return res, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), phaseEnv+"="+string(b))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = logw
	if err := cmd.Run(); err != nil {
		return res, err
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return res, fmt.Errorf("phase output %q: %w", out.String(), err)
	}
	return res, nil
}

// writeItems writes the items as the floor indexes them, tagged by the same
// tagger as veille's, one JSON object a line; it returns the mean text size.
func writeItems(c *corpus, srcs []veille.Source, path string) (float64, error) {
	cfg, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		return 0, err
	}
	tagger, err := veille.NewTagger(cfg.Domains, cfg.Competences)
	if err != nil {
		return 0, err
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var next, text atomic.Int64
	errs := make([]error, runtime.NumCPU())
	const chunk = 500
	for k := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			for {
				from := int(next.Add(chunk)) - chunk
				if from >= c.n {
					return
				}
				buf.Reset()
				for i := from; i < min(from+chunk, c.n); i++ {
					g := c.item(i)
					src := srcs[c.feedOf(i)]
					it := c.veilleItem(i, g, src)
					tagger.Tag(&it, src)
					text.Add(int64(len(it.Title) + len(it.Summary) + len(it.Content)))
					if err := enc.Encode(it); err != nil {
						errs[k] = err
						return
					}
				}
				mu.Lock()
				_, err := w.Write(buf.Bytes())
				mu.Unlock()
				if err != nil {
					errs[k] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		f.Close()
		return 0, err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	return float64(text.Load()) / float64(c.n), f.Close()
}

// machine describes where the figures were measured.
func machine() (cpus int, model, goVersion string) {
	model = "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return runtime.NumCPU(), model, runtime.Version()
}
