// Package crawler fetches sources over HTTP and turns what they publish
// into normalised items: fetch (conditional GET, limits, politeness, a
// private-network guard), parse (gofeed for feeds, goquery selectors for
// pages, the Federal Register API), normalise (plain text, canonical links,
// dates, language, stable IDs). It knows nothing of the index or the store:
// the caller persists Result.State and indexes Result.Items.
package crawler

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/backoff"
)

// Defaults for zero Options fields: those a config also has are the
// config's own (veille.Default*), not copies.
const (
	DefaultUserAgent   = veille.DefaultUserAgent
	DefaultTimeout     = veille.DefaultTimeout
	DefaultMaxBody     = veille.DefaultMaxBody
	DefaultConcurrency = veille.DefaultConcurrency
	DefaultHostDelay   = veille.DefaultHostDelay
	DefaultMinBackoff  = 5 * time.Minute
	DefaultMaxBackoff  = 12 * time.Hour
	// DefaultEvery is the crawl interval of a source that sets none.
	DefaultEvery = veille.DefaultEvery
	// MaxRedirects is how many redirects one fetch follows.
	MaxRedirects = 5
	// maxRetryAfter bounds what a server may ask: a "come back next year"
	// must not become a permanent stop.
	maxRetryAfter = 7 * 24 * time.Hour
)

// Options configure a Crawler. Zero fields take the defaults above.
type Options struct {
	UserAgent string
	// Timeout bounds a whole request, body read included.
	Timeout time.Duration
	// MaxBody caps the body after decompression.
	MaxBody int64
	// AllowPrivateNetworks lets fetches reach loopback and private
	// addresses: for tests and the offline demo only.
	AllowPrivateNetworks bool
	// AllowNetworks are exceptions to the deny-list when private networks
	// are not allowed: one intranet feed server, say, without opening the
	// whole intranet. Tests use it to reach a loopback farm with the guard on.
	AllowNetworks []netip.Prefix
	// Concurrency bounds the fetches in flight across all hosts.
	Concurrency int
	// HostDelay is the pause between the end of one request to a host and
	// the start of the next; requests to one host never overlap. Zero is
	// the default (1s), negative means no pause.
	HostDelay time.Duration
	// MinBackoff and MaxBackoff bound the delay after consecutive failures.
	MinBackoff, MaxBackoff time.Duration
	// Now is the clock for fetch state; time.Now by default.
	Now    func() time.Time
	Logger *slog.Logger
}

// Crawler fetches sources. It is safe for concurrent use; one Crawler
// should serve a whole process so that its per-host limits hold.
type Crawler struct {
	opts   Options
	client *http.Client
	// guard reports the addresses a fetch must not reach; nil when private
	// networks are allowed.
	guard func(netip.Addr) bool
	log   *slog.Logger
	sem   chan struct{}

	mu    sync.Mutex
	hosts map[string]*hostSlot
}

// New returns a Crawler with opts, defaults filled in.
func New(o Options) *Crawler {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.HostDelay < 0 {
		o.HostDelay = 0
	} else if o.HostDelay == 0 {
		o.HostDelay = DefaultHostDelay
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = DefaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	guard := newGuard(o)
	return &Crawler{
		opts:   o,
		guard:  guard,
		client: newClientWithGuard(o, guard),
		log:    o.Logger,
		sem:    make(chan struct{}, o.Concurrency),
		hosts:  map[string]*hostSlot{},
	}
}

// Result is the outcome of one fetch of one source.
type Result struct {
	Source string
	// Items are normalised but not tagged.
	Items []veille.Item
	// NotModified is true when the server answered 304: no items.
	NotModified bool
	// State is the source's new fetch state, to persist. When the caller's
	// context ends the fetch, it is prev unchanged: a shutdown is not a
	// failure of the source.
	State veille.FetchState
	Err   error
	// Cancelled is true when the caller's context ended the fetch (Ctrl-C,
	// shutdown): Err says so, but the source did not fail.
	Cancelled bool
	// URL is the address finally fetched, after redirects.
	URL                          string
	FetchDuration, ParseDuration time.Duration
	// Bytes is the body size after decompression.
	Bytes int64
}

// Due reports whether a source should be fetched at now given its state.
func Due(st veille.FetchState, now time.Time) bool {
	return st.NextAttempt.IsZero() || !now.Before(st.NextAttempt)
}

// Fetch fetches and parses one source once, and computes its next state
// from prev. It never panics: a panic below is turned into Result.Err.
// Errors name the source and the URL.
func (c *Crawler) Fetch(ctx context.Context, src veille.Source, prev veille.FetchState) (res Result) {
	now := c.opts.Now()
	res.Source = src.ID
	res.URL = src.URL
	defer func() {
		if r := recover(); r != nil {
			res.Items, res.NotModified = nil, false
			res.Err = fmt.Errorf("source %s: internal error: %v", src.ID, r)
			res.State = c.failedState(src, prev, now, 0, res.Err, time.Time{})
			c.log.Error("crawler panic", "source", src.ID, "panic", r)
		}
	}()

	start := time.Now()
	resp, err := c.get(ctx, src, prev)
	res.FetchDuration = time.Since(start)
	if resp != nil {
		res.Bytes = int64(len(resp.body))
		res.URL = resp.url
	}
	if err != nil {
		res.Err = fmt.Errorf("source %s: fetch %s: %w", src.ID, redact(src.URL), err)
		if ctx.Err() != nil {
			// the caller gave up (shutdown): not the source's failure
			res.Cancelled = true
			res.State = prev
			res.State.Source = src.ID
			return res
		}
		status := 0
		var retryAt time.Time
		if resp != nil {
			status, retryAt = resp.status, resp.retryAt
		}
		res.State = c.failedState(src, prev, now, status, res.Err, retryAt)
		c.log.Debug("fetch failed", "source", src.ID, "err", res.Err, "duration", res.FetchDuration)
		return res
	}

	if resp.status == http.StatusNotModified {
		res.NotModified = true
		res.State = c.okState(src, prev, now, resp)
		res.State.ItemCount = prev.ItemCount
		c.log.Debug("not modified", "source", src.ID, "duration", res.FetchDuration)
		return res
	}

	start = time.Now()
	items, err := Parse(resp.body, resp.header.Get("Content-Type"), resp.url, src, now)
	res.ParseDuration = time.Since(start)
	if err != nil {
		res.Err = err
		res.State = c.failedState(src, prev, now, resp.status, res.Err, time.Time{})
		return res
	}
	res.Items = items
	res.State = c.okState(src, prev, now, resp)
	res.State.ItemCount = len(items)
	c.log.Debug("fetched", "source", src.ID, "items", len(items), "bytes", res.Bytes,
		"fetch", res.FetchDuration, "parse", res.ParseDuration)
	return res
}

// Parse reads a document a source published into items, by the source's
// kind: a feed, an HTML page read with the source's selectors, or a Federal
// Register API answer. docURL is where the document came from (links are
// resolved against it; "" means src.URL). The items are built, not tagged
// (veille.Tagger) nor made canonical (veille.Item.Normalize). Parse never
// panics: a parser's panic on hostile input is an error, so one bad
// document cannot stop a crawl. Errors name the source and the URL. Fetch
// parses what it downloads with it; tools and tests parse recordings.
func Parse(body []byte, contentType, docURL string, src veille.Source, now time.Time) (items []veille.Item, err error) {
	if docURL == "" {
		docURL = src.URL
	}
	defer func() {
		if r := recover(); r != nil {
			items, err = nil, fmt.Errorf("source %s: parse %s: internal error while parsing: %v", src.ID, redact(docURL), r)
		}
	}()
	switch src.Kind {
	case veille.KindFeed, "":
		items, err = parseFeed(body, contentType, docURL, src, now)
	case veille.KindHTML:
		items, err = parseHTML(body, contentType, docURL, src, now)
	case KindFederalRegister:
		items, err = parseFederalRegister(body, src, now)
	default:
		err = fmt.Errorf("unknown source kind %q (want feed, html or %s)", src.Kind, KindFederalRegister)
	}
	if err != nil {
		return nil, fmt.Errorf("source %s: parse %s: %w", src.ID, redact(docURL), err)
	}
	return items, nil
}

// okState is the state after a successful fetch (200 parsed, or 304).
func (c *Crawler) okState(src veille.Source, prev veille.FetchState, now time.Time, resp *response) veille.FetchState {
	st := prev
	st.Source = src.ID
	st.LastAttempt = now
	st.LastSuccess = now
	st.Status = resp.status
	st.Error = ""
	st.Failures = 0
	if resp.status == http.StatusNotModified {
		// a 304 may refresh the validators; otherwise keep those we sent
		if v := resp.header.Get("ETag"); v != "" {
			st.ETag = v
		}
		if v := resp.header.Get("Last-Modified"); v != "" {
			st.LastModified = v
		}
	} else {
		st.ETag = resp.header.Get("ETag")
		st.LastModified = resp.header.Get("Last-Modified")
	}
	every := src.Every.D()
	if every <= 0 {
		every = DefaultEvery
	}
	// Exactly one interval: the scheduler spreads sources when they are
	// first planned (watch/schedule.go), and a jitter here would make
	// "every" a lie.
	st.NextAttempt = now.Add(every)
	return st
}

// failedState is the state after a failure: one more failure, an
// exponential backoff capped at MaxBackoff (never a permanent stop), and
// no earlier than a server's Retry-After.
func (c *Crawler) failedState(src veille.Source, prev veille.FetchState, now time.Time, status int, err error, retryAt time.Time) veille.FetchState {
	st := prev
	st.Source = src.ID
	st.LastAttempt = now
	st.Status = status
	st.Error = err.Error()
	st.Failures = prev.Failures + 1
	st.NextAttempt = now.Add(c.Backoff(st.Failures))
	if retryAt.After(st.NextAttempt) {
		st.NextAttempt = retryAt
	}
	return st
}

// redact hides a password in a URL before it goes into an error that the
// UI and the logs show.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}

// Backoff is the delay before the next attempt after n consecutive
// failures: MinBackoff·2^(n-1), capped at MaxBackoff.
func (c *Crawler) Backoff(n int) time.Duration {
	return backoff.Doubling(c.opts.MinBackoff, c.opts.MaxBackoff, n)
}
