package veille

import (
	"errors"
	"time"
)

// ErrUnknownSource is returned when a crawl names a source the config lacks.
var ErrUnknownSource = errors.New("unknown source")

// MaxReportedNew bounds CrawlReport.New.
const MaxReportedNew = 10000

// SourceReport is what one source gave in one crawl.
type SourceReport struct {
	Source      string
	Name        string
	Fetched     int // items parsed
	New         int
	Updated     int
	Unchanged   int
	NotModified bool
	Skipped     bool // not due yet (scheduled crawls only)
	Status      int
	Err         error
	Duration    time.Duration
	// FetchDuration and ParseDuration split Duration, for the metrics.
	FetchDuration, ParseDuration time.Duration
	// Cancelled is true when the crawl's context ended the fetch; Err
	// then says so, and the source is not counted as failed.
	Cancelled bool
}

// CrawlReport is the outcome of one crawl (watch.Report).
type CrawlReport struct {
	Sources []SourceReport
	// New are the items first seen in this crawl, as stored but without
	// their text (Content and HTML), at most MaxReportedNew of them: a
	// first crawl brings every item of every feed, and holding them here
	// took gigabytes. NewCount counts them all.
	New      []Item
	NewCount int
	Updated  int
	Started  time.Time
	Finished time.Time
}

// Failed counts the sources that failed (not those cancelled).
func (r CrawlReport) Failed() int {
	n := 0
	for _, s := range r.Sources {
		if s.Err != nil && !s.Cancelled {
			n++
		}
	}
	return n
}

// Cancelled counts the sources whose fetch the crawl's context ended.
func (r CrawlReport) Cancelled() int {
	n := 0
	for _, s := range r.Sources {
		if s.Cancelled {
			n++
		}
	}
	return n
}
