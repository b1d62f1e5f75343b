package server

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille/refs"
	"github.com/nogentech/veille/store"
)

// A calendar holds at most calendarMaxEvents dates. When its window holds
// more, which ones it keeps must not depend on any storage order: the
// calendar keeps whole days, the upcoming ones first (from today on, in
// order), then the past ones back from yesterday, and stops at the first
// day that does not fit in what is left (store.DatesQuery). The dates are
// read from the store's table of dates, in date order, rather than from
// the index: the index can only give the items of a window in its own
// order, each as a whole stored document.

// calendarCut says what a capped calendar shows.
type calendarCut struct {
	// Truncated: the window holds more dates than the calendar shows.
	Truncated bool
	// First and Last are the days of the first and last date shown.
	First, Last string
}

// errNoStore: a server without a record has no dates to show.
var errNoStore = errors.New("the calendar needs the record (store)")

// events runs a calendar query: its events by day, at most
// calendarMaxEvents. They are shared (acts_cache.go): callers must not
// change them.
func (s *Server) events(ctx context.Context, q calendarQuery) ([]refs.Event, calendarCut, error) {
	r, err := s.actsCache.events.through(s.o.Index.Batches(), s.calendarKey(q), func() (calendarResult, error) {
		evs, cut, err := s.eventsMax(ctx, q, calendarMaxEvents)
		return calendarResult{evs, cut}, err
	})
	return r.evs, r.cut, err
}

// calendarKey is what a calendar's events depend on: the query, and today,
// which splits the upcoming dates from the past ones.
func (s *Server) calendarKey(q calendarQuery) string {
	return cacheKey(strings.Join(q.Domains, ","), strings.Join(q.Competences, ","), strings.Join(q.Kinds, ","),
		q.From, q.Until, strconv.FormatBool(q.empty), s.o.Now().In(s.loc).Format(time.DateOnly))
}

func (s *Server) eventsMax(ctx context.Context, q calendarQuery, most int) ([]refs.Event, calendarCut, error) {
	var cut calendarCut
	if q.empty {
		return nil, cut, nil
	}
	if s.o.Store == nil {
		return nil, cut, errNoStore
	}
	res, err := s.o.Store.Dates(ctx, store.DatesQuery{From: q.From, Until: q.Until,
		Today: s.o.Now().In(s.loc).Format(time.DateOnly), Kinds: q.Kinds,
		Tags: store.Tags{Domains: q.Domains, Competences: q.Competences}, Max: most})
	if err != nil {
		return nil, cut, err
	}
	evs := res.Dates
	cut.Truncated = res.Cut
	if len(evs) > 0 {
		cut.First, cut.Last = evs[0].Date, evs[len(evs)-1].Date
	}
	return evs, cut, nil
}
