// Command veille is the regulatory and technology watch: it crawls the
// sources of feeds.yaml, tags and indexes what they publish, and serves
// search, digests and alerts.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// exitUsage is returned for a bad command line or a bad config.
const exitUsage = 2

// exitInterrupted is returned by a command stopped by SIGINT or SIGTERM
// before its end: 128 + SIGINT, as shells report a Ctrl-C.
const exitInterrupted = 130

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, g *globals, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the scheduler and the HTTP server", runServe},
		{"crawl", "fetch sources once, tag and index what they bring", runCrawl},
		{"search", "search the index", runSearch},
		{"check", "validate the config", runCheck},
		{"reindex", "rebuild the search index from the stored items", runReindex},
		{"demo", "offline demo on an embedded sample of real feeds", runDemo},
		{"digest", "build and send a digest for a period (or --dry-run)", runDigest},
		{"alert", "alert test: what a rule would have sent over past items", runAlert},
		{"import-opml", "append the feeds of an OPML file to the config", runImportOPML},
	}
}

// globals are the flags every command accepts.
type globals struct {
	config string
	data   string
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.config, "config", envOr("VEILLE_CONFIG", "feeds.yaml"), "config file (env VEILLE_CONFIG)")
	fs.StringVar(&g.data, "data", envOr("VEILLE_DATA", "data"), "data directory: index and store (env VEILLE_DATA)")
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// usageError marks mistakes on the command line, answered with exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// interruptedError marks a command stopped by a signal, answered with exit
// code 130.
type interruptedError struct{ msg string }

func (e interruptedError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	g.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel()}))
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, g, args[1:])
		if err == nil {
			return 0
		}
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "veille %s: %v\n", c.name, err)
		var ue usageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		var ie interruptedError
		if errors.As(err, &ie) {
			return exitInterrupted
		}
		return 1
	}
	fmt.Fprintf(stderr, "veille: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func logLevel() slog.Level {
	switch strings.ToLower(os.Getenv("VEILLE_LOG")) {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: veille COMMAND [--config FILE] [--data DIR] [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `veille COMMAND -h` for a command's flags.")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(g *globals, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("veille "+name, flag.ContinueOnError)
	fs.SetOutput(g.stderr)
	g.register(fs)
	return fs
}

// parseFlags parses and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*m = append(*m, p)
		}
	}
	return nil
}
