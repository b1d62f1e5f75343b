package digest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille/store"
)

// A member's digest choice in its profile (the store, over feeds.yaml)
// decides what it receives, through the scheduler and a real SMTP server:
// "none" gets nothing, not even when its copy would list items; "daily"
// gets the last day's copy every morning, in the profile's language, with
// its overdue register actions, and no weekly copy; the default stays
// weekly.
func TestMemberDigestChoices(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, time.Date(2026, 11, 16, 9, 0, 0, 0, paris))
	if _, err := e.notifier().Reconcile(ctx); err != nil { // the digest starts now
		t.Fatal(err)
	}
	save := func(member string, p store.Profile) {
		t.Helper()
		if err := e.store.SaveProfile(ctx, member, "test@x", store.Profile{}, p, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// Both follow the competence traitement-est (weekly by default) has.
	save("forge-exemple", store.Profile{Competences: []string{"surface-treatment"}, Lang: "fr", Digest: store.DigestNone})
	save("thermo-en", store.Profile{Competences: []string{"surface-treatment"}, Lang: "fr", Digest: store.DigestDaily})
	items := seedWeek(t, e) // first seen on 24 and 27 November
	if err := e.store.PutMark(ctx, store.Mark{Member: "thermo-en", ItemID: items[0].ID, Status: "applies",
		Action: "Mettre à jour la fiche de poste", Owner: "Bob", Due: "2026-11-20", UpdatedAt: e.clock.Now(), UpdatedBy: "x@y"}); err != nil {
		t.Fatal(err)
	}

	// Wednesday 25 at 08:30: Tuesday 24's daily copy is due (the schedule's
	// 08:00, every day).
	e.clock.Set(time.Date(2026, 11, 25, 8, 30, 0, 0, paris))
	for range 2 { // twice: sent once
		if _, err := e.notifier().Reconcile(ctx); err != nil {
			t.Fatal(err)
		}
	}
	daily := e.smtp.to("ehs@thermo.example")
	if len(daily) != 1 {
		t.Fatalf("%d mails to the daily member, want 1", len(daily))
	}
	m := parseMail(t, daily[0].Data)
	subject := decodedSubject(t, m.Header)
	if !strings.Contains(subject, "24 novembre 2026") || !strings.Contains(subject, "Thermo Works") {
		t.Errorf("daily subject %q: want Tuesday's date in French, for the member", subject)
	}
	if !strings.Contains(m.Text, "Mettre à jour la fiche de poste") {
		t.Errorf("the daily copy lacks the member's overdue action:\n%s", m.Text)
	}
	if rows := e.deliveries(store.DeliveryFilter{Kind: KindDigest, Recipient: "ehs@thermo.example"}); len(rows) != 1 ||
		rows[0].Period != "2026-11-24--2026-11-24" || len(rows[0].ItemIDs) == 0 {
		t.Errorf("daily ledger rows: %+v", rows)
	}

	// Monday 30 at 08:30: week 48 goes out on schedule.
	e.clock.Set(time.Date(2026, 11, 30, 8, 30, 0, 0, paris))
	if _, err := e.notifier().Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	weekly := e.smtp.to("hse@traitement-est.example")
	if len(weekly) != 1 || !strings.Contains(decodedSubject(t, parseMail(t, weekly[0].Data).Header), "48") {
		t.Fatalf("the weekly member got %d mails, want week 48's", len(weekly))
	}
	if got := e.smtp.to("veille@forge.example"); len(got) != 0 {
		t.Errorf("the member who chose none got %d mails", len(got))
	}
	if rows := e.deliveries(store.DeliveryFilter{Kind: KindDigest, Recipient: "veille@forge.example"}); len(rows) != 0 {
		t.Errorf("the member who chose none has ledger rows: %+v", rows)
	}
	for _, r := range e.deliveries(store.DeliveryFilter{Kind: KindDigest, Recipient: "ehs@thermo.example"}) {
		if r.Period == "2026-W48" {
			t.Errorf("the daily member got the weekly digest too")
		}
	}
}
