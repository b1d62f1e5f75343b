package server

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/nogentech/veille"
)

// maxCachedResults bounds the result cache; past it the cache starts over.
const maxCachedResults = 20000

// resultCache keeps the results of the searches a member's home repeats
// at every view (its list, its saved searches' unread counts) while the
// index is unchanged: a result depends only on the request and the
// index's content, and every write to the index (Index.Batches) clears
// the cache. At 100k items an unread count costs tens of milliseconds of
// CPU (docs/BENCHMARKS.md), and a home has one per saved search.
type resultCache struct {
	mu      sync.Mutex
	off     bool // benchmarks measure the cold path
	version uint64
	m       map[string]*veille.SearchResult
}

// cachedSearch is s.search through the cache. The result is shared: the
// caller must not change it.
func (s *Server) cachedSearch(ctx context.Context, endpoint string, req veille.SearchRequest) (*veille.SearchResult, error) {
	c := &s.results
	key, err := json.Marshal(req)
	if err != nil || c.off {
		return s.search(ctx, endpoint, req)
	}
	version := s.o.Index.Batches()
	if res, ok := c.get(version, string(key)); ok {
		return res, nil
	}
	res, err := s.search(ctx, endpoint, req)
	if err != nil {
		return nil, err
	}
	c.put(version, string(key), res)
	return res, nil
}

// get returns a cached result of the index at version; a cache of another
// version (or none yet: an index opened by this process starts at 0)
// starts over.
func (c *resultCache) get(version uint64, key string) (*veille.SearchResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.version != version || len(c.m) >= maxCachedResults {
		c.version, c.m = version, map[string]*veille.SearchResult{}
	}
	res, ok := c.m[key]
	return res, ok
}

func (c *resultCache) put(version uint64, key string, res *veille.SearchResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m != nil && c.version == version {
		c.m[key] = res
	}
}
