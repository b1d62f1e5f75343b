package digest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

func TestSchedulePrevNext(t *testing.T) {
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, paris) }
	tests := map[string]struct {
		expr       string
		now        time.Time
		prev, next time.Time
	}{
		"monday 08:00, on a wednesday": {"0 8 * * 1", at(2026, 11, 25, 12, 0), at(2026, 11, 23, 8, 0), at(2026, 11, 30, 8, 0)},
		"monday 08:00, exactly then":   {"0 8 * * 1", at(2026, 11, 30, 8, 0), at(2026, 11, 30, 8, 0), at(2026, 12, 7, 8, 0)},
		"monday 08:00, a minute early": {"0 8 * * 1", at(2026, 11, 30, 7, 59), at(2026, 11, 23, 8, 0), at(2026, 11, 30, 8, 0)},
		"monday after spring DST":      {"0 8 * * 1", at(2026, 3, 30, 7, 59), at(2026, 3, 23, 8, 0), at(2026, 3, 30, 8, 0)},
		// 02:30 does not exist on 29 March 2026 in Paris: it runs at 03:30.
		"sunday 02:30 on the spring-forward night": {"30 2 * * 0", at(2026, 3, 29, 12, 0),
			time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), at(2026, 4, 5, 2, 30)},
		"next across the spring-forward night": {"30 2 * * 0", at(2026, 3, 28, 12, 0), at(2026, 3, 22, 2, 30),
			time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)},
		"daily 08:00 across autumn DST": {"0 8 * * *", at(2026, 10, 25, 7, 0), at(2026, 10, 24, 8, 0), at(2026, 10, 25, 8, 0)},
		"sunday midnight":               {"0 0 * * 0", at(2026, 11, 25, 12, 0), at(2026, 11, 22, 0, 0), at(2026, 11, 29, 0, 0)},
		"first of the month or monday":  {"0 9 1 * 1", at(2026, 12, 2, 12, 0), at(2026, 12, 1, 9, 0), at(2026, 12, 7, 9, 0)},
	}
	for name, tc := range tests {
		s, err := ParseSchedule(tc.expr, paris)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := s.Prev(tc.now); !got.Equal(tc.prev) {
			t.Errorf("%s: Prev(%s) = %s, want %s", name, tc.now, got, tc.prev)
		}
		if got := s.Next(tc.now); !got.Equal(tc.next) {
			t.Errorf("%s: Next(%s) = %s, want %s", name, tc.now, got, tc.next)
		}
	}
	// @weekly is refused as the config refuses it: one cron language (internal/cronexpr).
	for _, bad := range []string{"", "@every 1h", "TZ=UTC 0 8 * * 1", "61 8 * * 1", "0 8 * *", "lundi", "@weekly"} {
		if _, err := ParseSchedule(bad, paris); err == nil {
			t.Errorf("ParseSchedule(%q) accepted", bad)
		}
	}
	never, _ := ParseSchedule("0 8 30 2 *", paris)
	if !never.Prev(time.Now()).IsZero() || !never.Next(time.Now()).IsZero() {
		t.Error("30 February has a run time")
	}
}

// TestReconcileThroughDSTAndAMissedMonday drives the weekly schedule with
// an injected clock through March 2026: the digest is added mid-week, runs
// on Monday 16, the process is down on Monday 23 (missed), and comes back
// after the spring DST change, when the week of 23–29 March (167 hours)
// is due.
func TestReconcileThroughDSTAndAMissedMonday(t *testing.T) {
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, paris) }
	e := newEnv(t, at(3, 11, 12, 0))
	oneRecipient(e)
	ctx := context.Background()
	base := fixtureItems(t)[0]
	news := func(title string, firstSeen time.Time) veille.Item {
		it := base
		it.Title = title
		it.Link = "https://example.org/" + strings.ReplaceAll(title, " ", "-")
		it.ID = veille.ItemID(it.Link)
		it.Published = firstSeen.Add(-time.Hour)
		e.seed(firstSeen, it)
		return it
	}
	news("acte-semaine-11", at(3, 10, 9, 0))
	news("acte-semaine-12", at(3, 17, 9, 0))
	lastOfW13 := news("acte-dimanche-soir", at(3, 29, 23, 30)) // CEST, still week 13
	firstOfW14 := news("acte-lundi-minuit", at(3, 30, 0, 10))

	n := e.notifier()
	reconcileAt := func(tm time.Time) Reconciled {
		t.Helper()
		e.clock.Set(tm)
		rec, err := n.Reconcile(ctx)
		if err != nil {
			t.Fatalf("reconcile at %s: %v", tm, err)
		}
		return rec
	}
	// Added on Wednesday 11: last Monday's run predates it; nothing sent.
	if rec := reconcileAt(at(3, 11, 12, 0)); len(rec.Sent) != 0 || len(e.smtp.messages()) != 0 {
		t.Fatalf("a new digest sent last week's period: %+v", rec)
	}
	reconcileAt(at(3, 16, 7, 59))
	if len(e.smtp.messages()) != 0 {
		t.Fatal("sent before Monday 08:00")
	}
	// The cron job wakes it at 08:00; a reconcile tick a few minutes later
	// must not send again.
	reconcileAt(at(3, 16, 8, 0))
	reconcileAt(at(3, 16, 8, 5))
	if got := len(e.smtp.messages()); got != 1 {
		t.Fatalf("Monday 16: %d mails, want 1", got)
	}
	// Down from Sunday 22 to Tuesday 31 March: Mondays 23 and 30 pass
	// while it is down, and the clocks go forward on Sunday 29. Back up,
	// the latest due week (13) is sent; week 12 is listed, not sent.
	rec := reconcileAt(at(3, 31, 9, 0))
	msgs := e.smtp.messages()
	if len(msgs) != 2 {
		t.Fatalf("after the restart: %d mails, want 2 (week 11, week 13)", len(msgs))
	}
	m := parseMail(t, msgs[1].Data)
	if got := decodedSubject(t, m.Header); got != "Veille environnement — semaine 13 (23–29 mars 2026)" {
		t.Errorf("subject %q", got)
	}
	if !strings.Contains(m.Text, lastOfW13.Link) || strings.Contains(m.Text, firstOfW14.Link) || strings.Contains(m.Text, "acte-semaine-12") {
		t.Errorf("week 13 (167 h) has the wrong items:\n%s", m.Text)
	}
	if len(rec.Missed) != 1 || rec.Missed[0].Period.Key != "2026-W12" || !rec.Missed[0].Due.Equal(at(3, 23, 8, 0)) {
		t.Errorf("missed = %+v, want week 12, due Monday 23 08:00", rec.Missed)
	}
	if rows := e.deliveries(store.DeliveryFilter{Period: "2026-W12"}); len(rows) != 0 {
		t.Errorf("the missed week was sent: %+v", rows)
	}
	var periods []string
	for _, r := range e.deliveries(store.DeliveryFilter{Kind: KindDigest}) {
		periods = append(periods, r.Period)
	}
	slices.Sort(periods)
	if !slices.Equal(periods, []string{"2026-W11", "2026-W13"}) {
		t.Errorf("ledger periods %v", periods)
	}
	// The missed week can be sent by hand and then is no longer missed.
	if _, err := n.SendDigest(ctx, "environment-weekly", WeekOf(at(3, 18, 0, 0), paris)); err != nil {
		t.Fatal(err)
	}
	if rec := reconcileAt(at(3, 31, 9, 5)); len(rec.Missed) != 0 || len(e.smtp.messages()) != 3 {
		t.Errorf("after sending week 12 by hand: missed %+v, %d mails", rec.Missed, len(e.smtp.messages()))
	}
	// The next Monday, after the change: not at 07:59 CEST, at 08:00 CEST.
	reconcileAt(at(4, 6, 7, 59))
	if len(e.smtp.messages()) != 3 {
		t.Errorf("week 14 sent before 08:00 CEST")
	}
	reconcileAt(at(4, 6, 8, 0))
	if msgs := e.smtp.messages(); len(msgs) != 4 || !strings.Contains(parseMail(t, msgs[3].Data).Text, firstOfW14.Link) {
		t.Errorf("week 14 not sent at 08:00 CEST with its Monday 00:10 item (%d mails)", len(msgs))
	}
	// Autumn: the 169-hour week of 19–25 October is sent on Monday 26.
	reconcileAt(at(10, 26, 8, 1))
	last := e.deliveries(store.DeliveryFilter{Kind: KindDigest, Limit: 1})
	if len(last) == 0 || last[0].Period != "2026-W43" {
		t.Errorf("autumn run sent %+v, want 2026-W43", last)
	}
}
