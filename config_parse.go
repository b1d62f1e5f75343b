package veille

import (
	"fmt"
	"os"
	"sort"
	"strings"

	yamltoken "github.com/goccy/go-yaml/token"

	// The time zone database is embedded so that Config.Location loads on
	// hosts without zoneinfo (scratch containers, some Windows machines).
	_ "time/tzdata"
)

// Problem is one thing wrong in a config file.
type Problem struct {
	Line, Column int
	// Path names the offending value, such as sources[3].url.
	Path string
	Msg  string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", p.Line, p.Column)
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// ConfigError lists every problem found in a config file, so that one run
// of `veille check` shows them all.
type ConfigError struct {
	File     string
	Problems []Problem
}

// Error returns one line per problem: "feeds.yaml:42:5: sources[3].url: msg".
func (e *ConfigError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = e.File + ":" + p.String()
	}
	return strings.Join(lines, "\n")
}

// Check is a rule the config package cannot judge alone, passed to
// ParseConfig by the package that can (an alert's query needs the index's
// parser). It sees the config with its defaults and returns the problems
// it finds, each naming its value by Path (alerts[2].query); ParseConfig
// gives them their line and column, and lists them with its own.
type Check func(Config) []Problem

// maxConfigSize bounds what ParseConfig reads: a real feeds.yaml is tens of
// kilobytes, and anything far larger is a mistake, not a config.
const maxConfigSize = 8 << 20

// LoadConfig reads, validates and completes (defaults, Location) the config
// file at path. A config with problems gives a *ConfigError listing every
// one; a file that cannot be read gives an error wrapping the os error.
func LoadConfig(path string, checks ...Check) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(data, path, checks...)
}

// ParseConfig parses, validates and completes a config; filename is only
// used in messages. The checks run after the config's own rules, on the
// completed config, and their problems are listed with the others.
func ParseConfig(data []byte, filename string, checks ...Check) (Config, error) {
	var cfg Config
	d := newDecoder()
	if len(data) > maxConfigSize {
		d.problem(yamltoken.Position{Line: 1, Column: 1}, "", "file is %d bytes, more than the %d a config may have", len(data), maxConfigSize)
		return Config{}, d.err(filename)
	}
	d.decodeFile(data, &cfg)
	if d.fatal {
		return Config{}, d.err(filename)
	}
	validate(&cfg, d)
	applyDefaults(&cfg)
	c := checker{d: d}
	for _, check := range checks {
		for _, p := range check(cfg) {
			c.add(p.Path, "%s", p.Msg)
		}
	}
	if len(d.problems) > 0 {
		return Config{}, d.err(filename)
	}
	return cfg, nil
}

// Bounds on the work one config may cause. A real feeds.yaml has a few
// thousand nodes and a few problems.
const (
	maxDecodeSteps = 100_000
	maxDecodeDepth = 100
	maxProblems    = 200
)

func (d *decoder) problem(p yamltoken.Position, path, format string, args ...any) {
	if len(d.problems) >= maxProblems {
		if !d.fatal {
			d.fatal = true
			d.problems = append(d.problems, Problem{Line: p.Line, Column: p.Column, Msg: "too many problems, stopping here"})
		}
		return
	}
	d.problems = append(d.problems, Problem{Line: p.Line, Column: p.Column, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) err(filename string) *ConfigError {
	ps := append([]Problem(nil), d.problems...)
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		if ps[i].Column != ps[j].Column {
			return ps[i].Column < ps[j].Column
		}
		return ps[i].Path < ps[j].Path
	})
	return &ConfigError{File: filename, Problems: ps}
}
