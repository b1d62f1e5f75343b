package digest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/cronexpr"
	"github.com/nogentech/veille/store"
)

// Schedule is a digest's cron expression in the config's time zone.
//
// gocron (through robfig/cron) computes the next run by stepping through
// wall-clock time, and around a spring DST change it fires early or not at
// all. The scheduler here only wakes the notifier up; what is due is
// decided by Prev, which walks back through calendar days and builds each
// candidate with time.Date, so a time that does not exist (02:30 on the
// night clocks go forward) runs at the first instant that does.
type Schedule struct {
	spec *cron.SpecSchedule
	loc  *time.Location
	text string
}

// ParseSchedule reads a digest's cron expression in the one language the
// config accepts (internal/cronexpr: 5 fields, no descriptor, no TZ=).
func ParseSchedule(expr string, loc *time.Location) (Schedule, error) {
	expr = strings.TrimSpace(expr)
	spec, err := cronexpr.Parse(expr)
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule %q: %w", expr, err)
	}
	if loc == nil {
		loc = time.UTC
	}
	return Schedule{spec: spec, loc: loc, text: expr}, nil
}

func (s Schedule) String() string { return s.text }

const starBit = 1 << 63

func (s Schedule) dayMatches(d time.Time) bool {
	dom := s.spec.Dom&(1<<uint(d.Day())) != 0
	dow := s.spec.Dow&(1<<uint(d.Weekday())) != 0
	if s.spec.Dom&starBit != 0 || s.spec.Dow&starBit != 0 {
		return dom && dow
	}
	return dom || dow
}

// fires lists the run times of one local calendar day, latest first.
func (s Schedule) fires(y int, m time.Month, d int) []time.Time {
	day := time.Date(y, m, d, 12, 0, 0, 0, s.loc)
	if s.spec.Month&(1<<uint(day.Month())) == 0 || !s.dayMatches(day) {
		return nil
	}
	var out []time.Time
	for h := 23; h >= 0; h-- {
		if s.spec.Hour&(1<<uint(h)) == 0 {
			continue
		}
		for min := 59; min >= 0; min-- {
			if s.spec.Minute&(1<<uint(min)) == 0 {
				continue
			}
			out = append(out, time.Date(day.Year(), day.Month(), day.Day(), h, min, 0, 0, s.loc))
		}
	}
	return out
}

// searchDays bounds the walk: a schedule that never fires in a year (30
// February) has no previous or next run.
const searchDays = 400

// Prev is the latest run time at or before t (zero if none in a year).
func (s Schedule) Prev(t time.Time) time.Time {
	lt := t.In(s.loc)
	for i := 0; i <= searchDays; i++ {
		for _, f := range s.fires(lt.Year(), lt.Month(), lt.Day()-i) {
			if !f.After(t) {
				return f
			}
		}
	}
	return time.Time{}
}

// Next is the earliest run time after t (zero if none in a year).
func (s Schedule) Next(t time.Time) time.Time {
	lt := t.In(s.loc)
	for i := 0; i <= searchDays; i++ {
		fs := s.fires(lt.Year(), lt.Month(), lt.Day()+i)
		for j := len(fs) - 1; j >= 0; j-- {
			if fs[j].After(t) {
				return fs[j]
			}
		}
	}
	return time.Time{}
}

// DuePeriod is the period a run at fire time sends: the last ISO week
// complete at that time.
func DuePeriod(fire time.Time, loc *time.Location) Period {
	return LastCompleteWeek(fire, loc)
}

// Missed is a period whose run was due but that has no delivery at all:
// listed for people to decide, never sent late on its own.
type Missed struct {
	Digest string    `json:"digest"`
	Period Period    `json:"period"`
	Due    time.Time `json:"due"`
}

// Reconciled is what one Reconcile did.
type Reconciled struct {
	Resumed int
	Sent    []DigestResult
	Missed  []Missed
	Alerts  AlertRun
}

// maxMissed bounds how far back missed runs are listed.
const maxMissed = 12

// Reconcile is the notifier's heartbeat, run at start-up, every few
// minutes and whenever a cron job fires: it resumes pending deliveries,
// sends for each scheduled digest the latest due period that has not been
// sent, lists older due periods that never were, and runs the alerts.
// Every decision comes from the ledger, so running it twice, or at the
// wrong minute, sends nothing twice.
func (n *Notifier) Reconcile(ctx context.Context) (Reconciled, error) {
	var rec Reconciled
	var err error
	if rec.Resumed, err = n.Resume(ctx); err != nil {
		return rec, fmt.Errorf("resume deliveries: %w", err)
	}
	loc := n.o.Config.Loc()
	now := n.now()
	for _, dg := range n.o.Config.Digests {
		if strings.TrimSpace(dg.Schedule) == "" {
			continue
		}
		sched, err := ParseSchedule(dg.Schedule, loc)
		if err != nil {
			return rec, fmt.Errorf("digest %s: %w", dg.ID, err)
		}
		// A digest is due from the first time this program saw it: a new
		// digest starts with the next run, not with last week's.
		start, err := n.o.Store.InitWatermark(ctx, "digest-start:"+dg.ID, now)
		if err != nil {
			return rec, err
		}
		if !dg.Editorial {
			res, sent, err := n.dueDaily(ctx, dg, start)
			if err != nil {
				return rec, fmt.Errorf("digest %s daily: %w", dg.ID, err)
			}
			if sent {
				rec.Sent = append(rec.Sent, res)
			}
		}
		fire := sched.Prev(now)
		if fire.IsZero() || fire.Before(start) {
			continue
		}
		p := DuePeriod(fire, loc)
		rs, err := n.Recipients(ctx, dg)
		if err != nil {
			return rec, err
		}
		done, err := n.periodDone(ctx, dg.ID, p.Key, rs)
		if err != nil {
			return rec, err
		}
		if dg.Editorial {
			res, sent, err := n.dueEdition(ctx, dg, p)
			if err != nil {
				return rec, fmt.Errorf("digest %s %s: %w", dg.ID, p.Key, err)
			}
			if sent {
				rec.Sent = append(rec.Sent, res)
			}
		} else if !done {
			res, err := n.SendDigest(ctx, dg.ID, p)
			if err != nil {
				return rec, fmt.Errorf("digest %s %s: %w", dg.ID, p.Key, err)
			}
			rec.Sent = append(rec.Sent, res)
		}
		for f, i := sched.Prev(fire.Add(-time.Second)), 0; !f.IsZero() && !f.Before(start) && i < maxMissed; f, i = sched.Prev(f.Add(-time.Second)), i+1 {
			mp := DuePeriod(f, loc)
			if mp.Key == p.Key {
				continue
			}
			rows, err := n.o.Store.Deliveries(ctx, store.DeliveryFilter{Kind: KindDigest, Ref: dg.ID, Period: mp.Key, Limit: 1})
			if err != nil {
				return rec, err
			}
			if len(rows) == 0 {
				rec.Missed = append(rec.Missed, Missed{Digest: dg.ID, Period: mp, Due: f})
				n.o.Logger.Warn("digest run missed; not sent automatically (send it with veille digest --since/--until)",
					"digest", dg.ID, "period", mp.Key, "was_due", f)
			}
		}
	}
	if rec.Alerts, err = n.RunAlerts(ctx); err != nil {
		return rec, err
	}
	return rec, nil
}

// dailySchedule runs at the time of day of a digest's schedule, every
// day: the members who chose a daily digest get it when the others get
// theirs on the schedule's days.
func dailySchedule(expr string, loc *time.Location) (Schedule, error) {
	f := strings.Fields(expr)
	if len(f) != 5 {
		return Schedule{}, fmt.Errorf("schedule %q: want 5 fields", expr)
	}
	return ParseSchedule(f[0]+" "+f[1]+" * * *", loc)
}

// dueDaily sends the members of dg who chose a daily digest their copy of
// the last complete day, once its run time has come (the time of day of
// dg's schedule), if they do not have it yet. Like the weekly run, only
// the latest due day is sent: a day missed while the program was stopped
// is not sent late.
func (n *Notifier) dueDaily(ctx context.Context, dg veille.Digest, start time.Time) (DigestResult, bool, error) {
	loc := n.o.Config.Loc()
	sched, err := dailySchedule(dg.Schedule, loc)
	if err != nil {
		return DigestResult{}, false, err
	}
	fire := sched.Prev(n.now())
	if fire.IsZero() || fire.Before(start) {
		return DigestResult{}, false, nil
	}
	rs, err := n.dailyRecipients(ctx, dg)
	if err != nil || len(rs) == 0 {
		return DigestResult{}, false, err
	}
	f := fire.In(loc)
	day := time.Date(f.Year(), f.Month(), f.Day()-1, 12, 0, 0, 0, loc)
	p, err := Range(day, day, loc)
	if err != nil {
		return DigestResult{}, false, err
	}
	if done, err := n.periodDone(ctx, dg.ID, p.Key, rs); err != nil || done {
		return DigestResult{}, false, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	res, err := n.sendDigestTo(ctx, dg, p, rs)
	return res, err == nil, err
}

// periodDone reports whether every recipient in rs of a digest period has
// a ledger row that needs no more work now.
func (n *Notifier) periodDone(ctx context.Context, id, period string, rs []Recipient) (bool, error) {
	rows, err := n.o.Store.Deliveries(ctx, store.DeliveryFilter{Kind: KindDigest, Ref: id, Period: period, Limit: 10000})
	if err != nil {
		return false, err
	}
	have := map[string]bool{}
	for _, r := range rows {
		have[strings.ToLower(r.Recipient)] = true
	}
	for _, r := range rs {
		if !have[strings.ToLower(r.Address)] {
			return false, nil
		}
	}
	return true, nil
}
