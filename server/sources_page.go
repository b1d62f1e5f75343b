package server

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/nogentech/veille/digest"
)

type sourcesPage struct {
	pageBase
	Summary string
	Rows    []sourceRow
}

type sourceRow struct {
	ID, Name, Kind, Every, SearchURL string
	State, StateLabel, StateNote     string
	LastAttempt, LastSuccess, Next   string
	Status, Failures                 int
	Items                            string
	// Problem says the error in words; Error is the technical text.
	Problem, Error string
}

// sourceState classifies a source for the page and the summary line.
func sourceState(ss SourceStatus) string {
	switch {
	case ss.Disabled:
		return "disabled"
	case ss.LastAttempt == nil:
		return "never"
	case ss.Stale:
		return "stale"
	case ss.Failures > 0:
		return "failing"
	}
	return "ok"
}

var stateRank = map[string]int{"stale": 0, "failing": 1, "never": 2, "ok": 3, "disabled": 4}

func (s *Server) handleSourcesPage(w http.ResponseWriter, r *http.Request) {
	l := s.locale(w, r)
	list, err := s.Sources(r.Context())
	if err != nil {
		s.o.Logger.Error("read sources", "err", err)
		s.renderError(w, r, l, http.StatusInternalServerError, l.T("error.internal"))
		return
	}
	// Problems first, so that they are seen at a glance; config order within.
	slices.SortStableFunc(list, func(a, b SourceStatus) int { return stateRank[sourceState(a)] - stateRank[sourceState(b)] })
	p := sourcesPage{pageBase: s.base(r, l, "sources", l.T("sources.title"))}
	var ok, failing, stale int
	for _, ss := range list {
		row := sourceRow{ID: ss.ID, Name: ss.Name, Kind: l.kindName(ss.Kind), SearchURL: pageURL("/", url.Values{"source": {ss.ID}}),
			Status: ss.Status, Failures: ss.Failures, Items: l.Number(int64(ss.Items)), Error: ss.Error,
			LastAttempt: l.DateTime(deref(ss.LastAttempt)), LastSuccess: l.DateTime(deref(ss.LastSuccess))}
		if ss.Error != "" || ss.Status >= 400 {
			// Said as the digests' coverage says it (one home: digest.ErrorWords).
			row.Problem = digest.ErrorWords(l.lang, ss.Status, ss.Error)
		}
		every := s.sources[ss.ID].Every.D()
		row.Every = l.T("sources.every", l.Duration(every))
		row.State = sourceState(ss)
		row.StateLabel = l.T("state." + row.State)
		switch row.State {
		case "ok":
			ok++
		case "failing":
			failing++
		case "stale":
			stale++
			if ss.LastSuccess != nil {
				row.StateNote = l.T("state.stale.since", l.Date(*ss.LastSuccess))
			} else {
				row.StateNote = l.T("state.never.ok")
			}
		}
		switch {
		case ss.Disabled:
			row.Next = "–"
		case ss.NextAttempt != nil:
			row.Next = l.DateTime(*ss.NextAttempt)
		case ss.LastAttempt != nil && every > 0:
			row.Next = l.DateTime(ss.LastAttempt.Add(every))
		default:
			row.Next = l.T("state.pending")
		}
		p.Rows = append(p.Rows, row)
	}
	p.Summary = l.T("sources.summary", l.Number(int64(len(list))), l.Number(int64(ok)), l.Number(int64(failing)), l.Number(int64(stale)))
	s.render(w, http.StatusOK, "sources", p)
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
