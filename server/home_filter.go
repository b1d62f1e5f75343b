package server

import (
	"context"
	"net/url"

	"github.com/nogentech/veille"
)

// allParam is the switch from the tagged home page to every item.
const allParam = "all"

// homeFilter decides what the HTML search page shows without a query:
// the items with a domain or a competence (Tagged), unless the reader
// asked for everything (?all=1). Most of a crawl concerns nobody in the
// cluster (536 of the 716 demo items have no tag), and a home page of
// untagged items hides those that do. A typed query searches everything.
// The API and the CLI never call it: there an empty query is every item.
func homeFilter(raw url.Values, req *veille.SearchRequest) {
	req.Tagged = req.Query == "" && raw.Get(allParam) != "1"
}

// homeSwitch is the line above the results that says what the home page
// leaves out and links to the other view; empty for a query.
type homeSwitch struct {
	Text, Link, URL string
}

// homeSwitchFor counts the items the tagged home page hides (the same
// search without Tagged, minus total) and builds the switch; on the
// page of every item it links back to the tagged ones.
func (s *Server) homeSwitchFor(ctx context.Context, l tr, st searchState, req veille.SearchRequest, total uint64) *homeSwitch {
	if req.Query != "" {
		return nil
	}
	if !req.Tagged {
		return &homeSwitch{Text: l.T("home.all"), Link: l.T("home.tagged"), URL: st.with("/", allParam, "", "offset", "")}
	}
	every, err := s.countAll(ctx, req)
	if err != nil {
		s.o.Logger.Warn("count the items the home page hides", "err", err)
		return nil
	}
	if every <= total {
		return nil
	}
	hidden := l.Number(int64(every - total))
	return &homeSwitch{Text: l.T("home.hidden", hidden), Link: l.T("home.showall", hidden),
		URL: st.with("/", allParam, "1", "offset", "")}
}

// countAll is the number of items of req without Tagged. Without a filter
// it is the index's document count, which costs nothing; with one it is
// a search that asks for no facets, snippets or page.
func (s *Server) countAll(ctx context.Context, req veille.SearchRequest) (uint64, error) {
	req.Tagged = false
	filtered := !req.Since.IsZero() || !req.Until.IsZero()
	for _, name := range filterParams {
		if len(filterValues(req, name)) > 0 {
			filtered = true
		}
	}
	if !filtered {
		return s.o.Index.Count()
	}
	req.Limit, req.Offset, req.NoFacets, req.NoHighlight = 1, 0, true, true
	res, err := s.search(ctx, "ui", req)
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}
