package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nogentech/veille"
)

// spec is what the parent tells a phase process.
type spec struct {
	Phase   string `json:"phase"`
	Work    string `json:"work"` // the run's directory
	N       int    `json:"n"`
	Feeds   int    `json:"feeds"`
	Queries int    `json:"queries"` // samples per kind and path
	Batch   int    `json:"batch"`   // the floor's batch size
	Writers int    `json:"writers"` // the floor's concurrent Batch calls
	Profile string `json:"profile,omitempty"`
}

func (s spec) floorDir() string    { return filepath.Join(s.Work, "floor.bleve") }
func (s spec) itemsFile() string   { return filepath.Join(s.Work, "items.jsonl") }
func (s spec) sourcesFile() string { return filepath.Join(s.Work, "sources.json") }
func (s spec) dataDir() string     { return filepath.Join(s.Work, "data") }
func (s spec) storePath() string   { return filepath.Join(s.dataDir(), "veille.db") }
func (s spec) indexDir() string    { return filepath.Join(s.dataDir(), "index.bleve") }

// phaseResult is what a phase process reports; the parent adds the peak
// RSS and CPU of the whole process from its rusage.
type phaseResult struct {
	Phase string  `json:"phase"`
	WallS float64 `json:"wall_s"` // the measured stretch
	CPUS  float64 `json:"cpu_s"`  // CPU of that stretch
	Items int     `json:"items,omitempty"`
	// Paths holds search latencies by path (floor, query, veille, http)
	// and by query kind.
	Paths map[string]map[string]latency `json:"paths,omitempty"`
	Notes map[string]any                `json:"notes,omitempty"`

	ProcessCPUS float64 `json:"process_cpu_s"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
}

// phases maps a phase name to the function a child process runs; each
// lives in a file phase_<what>.go (extractRefs in extract.go).
var phases = map[string]func(context.Context, spec) (phaseResult, error){
	"floor-ingest": floorIngest,
	"crawl":        veilleCrawl,
	"extract":      extractRefs,
	"recrawl":      veilleRecrawl,
	"search":       searchPaths,
	"serve":        veilleServe,
	"digest":       veilleDigest,
}

// benchConfig is the shipped taxonomy, digests and alerts, with the
// benchmark's sources.
func benchConfig(s spec) (veille.Config, error) {
	cfg, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		return cfg, fmt.Errorf("shipped config: %w", err)
	}
	b, err := os.ReadFile(s.sourcesFile())
	if err != nil {
		return cfg, err
	}
	cfg.Sources = nil
	if err := json.Unmarshal(b, &cfg.Sources); err != nil {
		return cfg, fmt.Errorf("%s: %w", s.sourcesFile(), err)
	}
	cfg.Fetch.AllowPrivateNetworks = true
	return cfg, nil
}
