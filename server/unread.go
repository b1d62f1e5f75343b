package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/nogentech/veille"
)

// countNew counts the items a search matches among those veille first saw
// after since: the home's "new since your last visit" and a saved search's
// unread count. "New" is when veille saw an item, not when its publisher
// dated it (a text dated last month, crawled today, is new to the reader).
// The store lists the ids first seen since (few: a crawl's worth per
// visit), and the index counts the matches among them alone, instead of a
// date-filtered search over every item. The count is kept while the index
// is unchanged, like the home's other results (resultcache.go).
func (s *Server) countNew(ctx context.Context, endpoint string, req veille.SearchRequest, since time.Time) (int, error) {
	req.Limit, req.Offset, req.NoFacets, req.NoHighlight, req.Sort, req.IDs = 1, 0, true, true, "date", nil
	c := &s.results
	k, err := json.Marshal(struct {
		New   time.Time
		Req   veille.SearchRequest
		Where string
	}{since.UTC(), req, endpoint})
	if err != nil {
		return 0, err
	}
	key := string(k)
	version := s.o.Index.Batches()
	if !c.off {
		if res, ok := c.get(version, key); ok {
			return int(res.Total), nil
		}
	}
	ids, err := s.o.Store.ItemIDsFirstSeenAfter(ctx, since)
	if err != nil {
		return 0, err
	}
	n := uint64(0)
	if len(ids) > 0 {
		req.IDs = ids
		res, err := s.search(ctx, endpoint, req)
		if err != nil {
			return 0, err
		}
		n = res.Total
	}
	if !c.off {
		c.put(version, key, &veille.SearchResult{Total: n})
	}
	return int(n), nil
}
