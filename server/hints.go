package server

import (
	"context"
	"net/url"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
)

// hintView is one hint under the count of a search that found few items:
// a sentence and the search it links to.
type hintView struct {
	Text, Link, URL string
}

// searchHints offers, for a search that found few items (index.Hints):
// the items holding some of the words, a spelling, the search without its
// filters, the other language. A failure only loses the hints.
func (s *Server) searchHints(ctx context.Context, l tr, st searchState, req veille.SearchRequest, total uint64) []hintView {
	if req.Query == "" || req.Offset > 0 || total >= index.FewResults {
		return nil
	}
	h, err := s.o.Index.Hints(ctx, req, total)
	if err != nil {
		s.o.Logger.Warn("search hints", "query", req.Query, "err", err)
		return nil
	}
	var out []hintView
	if h.Spelling != "" {
		out = append(out, hintView{Text: l.T("hint.spelling", l.Number(int64(h.SpellingTotal))), Link: h.Spelling,
			URL: st.with("/", "q", h.Spelling, "offset", "")})
	}
	if h.AnyQuery != "" {
		out = append(out, hintView{Text: l.T("hint.some", l.Number(int64(h.AnyTotal))), Link: h.AnyQuery,
			URL: st.with("/", "q", h.AnyQuery, "offset", "")})
	}
	if h.Unfiltered != "" {
		out = append(out, hintView{Text: l.T("hint.unfiltered", l.Number(int64(h.UnfilteredTotal))), Link: h.Unfiltered,
			URL: pageURL("/", url.Values{"q": {h.Unfiltered}})})
	}
	if h.OtherLang != "" {
		out = append(out, hintView{Text: l.T("hint.otherlang", l.Number(int64(h.OtherLangTotal))), Link: l.LangName(h.OtherLang),
			URL: st.with("/", "lang", h.OtherLang, "offset", "")})
	}
	if total == 0 && len(out) == 0 {
		out = append(out, hintView{Text: l.T("hint.none")})
	}
	return out
}
