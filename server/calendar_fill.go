package server

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/refs"
)

// A calendar holds at most calendarMaxEvents dates. When its window holds
// more, which ones it keeps must not depend on the index's order: the
// calendar keeps whole days, the upcoming ones first (from today on, in
// order), then the past ones back from yesterday, and stops at the first
// day that does not fit in what is left (a single day holding more than the
// whole cap shows as many of its dates as the cap allows). A deadline three
// weeks ahead matters more to a reader than one passed three weeks ago.
//
// The index cannot order items by the dates they set, so the window is
// asked by spans: a span whose dates fit in what is left is read whole; one
// that does not is halved, down to a day. How many dates a span holds comes
// first from the dictionary of date keywords, counted once for the whole
// window without reading a document (an upper bound: it ignores filters).
// Only a day, or a filtered span the dictionary puts above what is left but
// at most twice, is counted by a search. Every read item is then shown, and
// a calendar reads about as many items as it shows whatever the index's
// size.

// calendarCut says what a capped calendar shows.
type calendarCut struct {
	// Truncated: the window holds more dates than the calendar shows.
	Truncated bool
	// First and Last are the days of the first and last date shown.
	First, Last string
}

// calendarFill gathers a calendar's events within a budget.
type calendarFill struct {
	s      *Server
	q      calendarQuery
	budget int
	// counts are the dictionary's dates by day of the whole window.
	counts map[string]uint64
	evs    []refs.Event
	cut    bool
}

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
	from, _ := time.Parse(time.DateOnly, q.From)
	until, _ := time.Parse(time.DateOnly, q.Until)
	today, _ := time.Parse(time.DateOnly, s.o.Now().In(s.loc).Format(time.DateOnly))
	mid := today
	if mid.Before(from) {
		mid = from
	}
	if mid.After(until) {
		mid = until
	}
	counts, err := s.o.Index.DateCounts(q.Kinds, from, until)
	if err != nil {
		return nil, cut, err
	}
	f := &calendarFill{s: s, q: q, budget: most, counts: counts}
	// upcoming first, then the past back from yesterday
	if err := f.span(ctx, mid, until, true); err != nil {
		return nil, cut, err
	}
	upcoming := len(f.evs)
	if !f.cut {
		if err := f.span(ctx, from, mid, false); err != nil {
			return nil, cut, err
		}
	}
	// The past was gathered newest first, day by day: put it back in order.
	past := f.evs[upcoming:]
	evs := make([]refs.Event, 0, len(f.evs))
	for i := len(past) - 1; i >= 0; {
		j := i
		for j > 0 && past[j-1].Date == past[i].Date {
			j--
		}
		evs = append(evs, past[j:i+1]...)
		i = j - 1
	}
	evs = append(evs, f.evs[:upcoming]...)
	cut.Truncated = f.cut
	if len(evs) > 0 {
		cut.First, cut.Last = evs[0].Date, evs[len(evs)-1].Date
	}
	return evs, cut, nil
}

// span adds the events of [from, until), whole days in the order asked
// (forward: earliest first), until the budget is spent.
func (f *calendarFill) span(ctx context.Context, from, until time.Time, forward bool) error {
	if f.cut || !from.Before(until) {
		return nil
	}
	n := f.upper(from, until)
	if n == 0 {
		return nil
	}
	days := int(until.Sub(from).Hours() / 24)
	req := index.DatedRequest{Filter: veille.SearchRequest{Domains: f.q.Domains, Competences: f.q.Competences},
		Kinds: f.q.Kinds, From: from, Until: until}
	if n > uint64(f.budget) && (days <= 1 || (f.filtered() && n <= 2*uint64(f.budget))) {
		// The dictionary's count ignores the filters (and deleted
		// items): the index says whether the span fits. A span the
		// dictionary puts far above what is left is halved without
		// asking: counting a long window through a filter costs more
		// than reading its halves.
		req.Count = true
		_, c, err := f.s.o.Index.Dated(ctx, req)
		if err != nil || c == 0 {
			return err
		}
		n, req.Count = c, false
	}
	if n <= uint64(f.budget) || days <= 1 {
		req.Limit = int(min(n, uint64(f.budget)))
		var hits []veille.Hit
		if req.Limit > 0 {
			var err error
			if hits, _, err = f.s.o.Index.Dated(ctx, req); err != nil {
				return err
			}
		}
		// Fewer hits than asked: the span was read whole (n may be the
		// dictionary's bound, above what the span holds).
		whole := len(hits) < req.Limit || n <= uint64(len(hits))
		evs := refs.Events(hits, f.q.Kinds, from.Format(time.DateOnly), until.Format(time.DateOnly))
		if len(evs) <= f.budget && whole {
			f.take(evs, forward)
			return nil
		}
		if days <= 1 {
			// A day that does not fit ends the calendar, but for a
			// single day holding more than the whole cap: as many of
			// its dates as the cap allows, rather than an empty
			// calendar.
			if len(f.evs) == 0 {
				f.take(evs[:min(len(evs), f.budget)], forward)
			}
			f.cut = true
			return nil
		}
		// More dates than items: halve as for too many items.
	}
	half := from.AddDate(0, 0, days/2)
	first, second := [2]time.Time{from, half}, [2]time.Time{half, until}
	if !forward {
		first, second = second, first
	}
	if err := f.span(ctx, first[0], first[1], forward); err != nil {
		return err
	}
	return f.span(ctx, second[0], second[1], forward)
}

// upper is the dictionary's count of the dates of [from, until): at least
// as many as the span holds (Index.DateCounts).
func (f *calendarFill) upper(from, until time.Time) uint64 {
	var n uint64
	for d := from; d.Before(until); d = d.AddDate(0, 0, 1) {
		n += f.counts[d.Format(time.DateOnly)]
	}
	return n
}

func (f *calendarFill) filtered() bool { return len(f.q.Domains)+len(f.q.Competences) > 0 }

// take adds a span's events (by day); backwards, the days go latest first.
func (f *calendarFill) take(evs []refs.Event, forward bool) {
	f.budget -= len(evs)
	if forward {
		f.evs = append(f.evs, evs...)
		return
	}
	for i := len(evs) - 1; i >= 0; {
		j := i
		for j > 0 && evs[j-1].Date == evs[i].Date {
			j--
		}
		f.evs = append(f.evs, evs[j:i+1]...)
		i = j - 1
	}
}
