package server

import (
	"strings"
	"sync"

	"github.com/nogentech/veille/refs"
)

// Act pages and calendars depend only on the request, the day and the
// index's content, and are asked again and again between two crawls:
// calendar clients poll their subscription, the same acts are opened by
// many readers. They are kept until the index changes (Index.Batches), as
// the result cache keeps searches (resultcache.go), each cache bounded: past
// max entries it starts over.

// versionCache holds values computed from one version of the index.
type versionCache[V any] struct {
	mu      sync.Mutex
	off     bool // benchmarks measure the cold path
	max     int
	version uint64
	m       map[string]V
}

// through returns the value for key at version, computing it on a miss;
// errors are not kept. The value is shared: callers must not change it.
func (c *versionCache[V]) through(version uint64, key string, compute func() (V, error)) (V, error) {
	if c.off {
		return compute()
	}
	c.mu.Lock()
	if c.m == nil || c.version != version || len(c.m) >= c.max {
		c.version, c.m = version, map[string]V{}
	}
	v, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.version == version {
		c.m[key] = v
	}
	c.mu.Unlock()
	return v, nil
}

// actsCaches are the act pages' and the calendars' caches.
type actsCaches struct {
	acts   versionCache[actFound]
	events versionCache[calendarResult]
	ics    versionCache[[]byte]
}

// actFound is an act as act() returns it.
type actFound struct {
	a  ActJSON
	ok bool
}

// calendarResult is a calendar's events as events() returns them.
type calendarResult struct {
	evs []refs.Event
	cut calendarCut
}

func newActsCaches() actsCaches {
	return actsCaches{
		acts:   versionCache[actFound]{max: 2000},
		events: versionCache[calendarResult]{max: 200},
		// a .ics of 1,000 dates is about 1 MB
		ics: versionCache[[]byte]{max: 32},
	}
}

// cacheKey joins a request's parts into a key.
func cacheKey(parts ...string) string { return strings.Join(parts, "\x00") }
