package store

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

func claim(kind, ref, period, rcpt string, items ...string) Delivery {
	return Delivery{Kind: kind, Ref: ref, Period: period, Recipient: rcpt, Channel: "email",
		MessageID: kind + "." + ref + "." + period + "@test", Subject: "s", ItemIDs: items}
}

func TestClaimDeliveryOnce(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	d, ok, err := s.ClaimDelivery(ctx, claim("digest", "env", "2026-W48", "a@example.org", "i1", "i2"))
	if err != nil || !ok {
		t.Fatalf("first claim: ok=%v err=%v", ok, err)
	}
	if d.ID == 0 || d.Status != DeliveryPending || d.ClaimedAt.IsZero() {
		t.Errorf("claimed delivery = %+v", d)
	}
	again := claim("digest", "env", "2026-W48", "a@example.org", "i3")
	again.MessageID = "other@test"
	d2, ok, err := s.ClaimDelivery(ctx, again)
	if err != nil || ok {
		t.Fatalf("second claim: ok=%v err=%v, want the recorded one", ok, err)
	}
	if d2.ID != d.ID || d2.MessageID != d.MessageID || !slices.Equal(d2.ItemIDs, []string{"i1", "i2"}) {
		t.Errorf("second claim returned %+v, want the frozen first claim %+v", d2, d)
	}
	// Another recipient or period is another delivery.
	for name, c := range map[string]Delivery{
		"recipient": claim("digest", "env", "2026-W48", "b@example.org"),
		"period":    claim("digest", "env", "2026-W49", "a@example.org"),
		"kind":      claim("alert", "env", "2026-W48", "a@example.org"),
	} {
		if _, ok, err := s.ClaimDelivery(ctx, c); err != nil || !ok {
			t.Errorf("%s: claim ok=%v err=%v, want a new claim", name, ok, err)
		}
	}
}

func TestClaimDeliveryConcurrent(t *testing.T) {
	s, _ := openTemp(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := s.ClaimDelivery(context.Background(), claim("alert", "md", "item1", "q@example.org", "item1"))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d claims won, want exactly 1", wins)
	}
}

func TestClaimDeliveryOncePerItem(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	first := claim("alert", "md", "crawl-a", "q@example.org", "i1", "i2")
	first.OncePerItem = true
	if _, ok, err := s.ClaimDelivery(ctx, first); err != nil || !ok {
		t.Fatalf("first batch: ok=%v err=%v", ok, err)
	}
	// A later batch carrying i2 again must not be recorded at all.
	second := claim("alert", "md", "crawl-b", "q@example.org", "i2", "i3")
	second.OncePerItem = true
	_, ok, err := s.ClaimDelivery(ctx, second)
	if !errors.Is(err, ErrItemClaimed) || ok {
		t.Fatalf("overlapping batch: ok=%v err=%v, want ErrItemClaimed", ok, err)
	}
	if got, _ := s.Deliveries(ctx, DeliveryFilter{Period: "crawl-b"}); len(got) != 0 {
		t.Errorf("failed claim left %d rows", len(got))
	}
	claimed, err := s.ClaimedItems(ctx, "alert", "md", "q@example.org", []string{"i1", "i2", "i3"})
	if err != nil {
		t.Fatal(err)
	}
	if !claimed["i1"] || !claimed["i2"] || claimed["i3"] {
		t.Errorf("claimed items = %v, want i1 and i2", claimed)
	}
	// Another recipient may get the same items.
	other := claim("alert", "md", "crawl-b", "r@example.org", "i2", "i3")
	other.OncePerItem = true
	if _, ok, err := s.ClaimDelivery(ctx, other); err != nil || !ok {
		t.Errorf("other recipient: ok=%v err=%v", ok, err)
	}
}

func TestDeliveryLifecycle(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
	d, _, err := s.ClaimDelivery(ctx, claim("digest", "env", "2026-W48", "a@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	due, err := s.DueDeliveries(ctx, now)
	if err != nil || len(due) != 1 {
		t.Fatalf("due after claim = %d (%v), want 1", len(due), err)
	}
	if err := s.StartAttempt(ctx, d.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRetry(ctx, d.ID, "451 try later", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueDeliveries(ctx, now.Add(30*time.Second)); len(due) != 0 {
		t.Errorf("retry scheduled in 1 min is due after 30 s")
	}
	due, _ = s.DueDeliveries(ctx, now.Add(time.Minute))
	if len(due) != 1 || due[0].Attempts != 1 || due[0].LastError != "451 try later" || !due[0].LastAttempt.Equal(now) {
		t.Fatalf("due after retry time = %+v", due)
	}
	if err := s.StartAttempt(ctx, d.ID, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(ctx, d.ID, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Deliveries(ctx, DeliveryFilter{Ref: "env"})
	if len(got) != 1 || got[0].Status != DeliverySent || got[0].Attempts != 2 || got[0].LastError != "" || !got[0].NextAttempt.IsZero() {
		t.Errorf("after sent: %+v", got)
	}
	// A sent delivery stays sent: a late failure report cannot undo it.
	if err := s.MarkFailed(ctx, d.ID, "550"); err == nil {
		t.Error("MarkFailed on a sent delivery succeeded")
	}
	if due, _ := s.DueDeliveries(ctx, now.Add(time.Hour)); len(due) != 0 {
		t.Errorf("sent delivery still due")
	}
	if err := s.MarkSent(ctx, 9999, now); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkSent unknown id: %v, want ErrNotFound", err)
	}
}

func TestClaimSkipped(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	c := claim("digest", "env", "2026-W48", "a@example.org")
	c.Status = DeliverySkipped
	d, ok, err := s.ClaimDelivery(ctx, c)
	if err != nil || !ok || d.Status != DeliverySkipped {
		t.Fatalf("skipped claim: %+v ok=%v err=%v", d, ok, err)
	}
	if due, _ := s.DueDeliveries(ctx, time.Now().Add(time.Hour)); len(due) != 0 {
		t.Error("a skipped delivery is due")
	}
	bad := claim("digest", "env", "2026-W49", "a@example.org")
	bad.Status = DeliverySent
	if _, _, err := s.ClaimDelivery(ctx, bad); err == nil {
		t.Error("claiming straight as sent succeeded")
	}
	if _, _, err := s.ClaimDelivery(ctx, Delivery{Kind: "digest"}); err == nil {
		t.Error("claim without key succeeded")
	}
}

func TestDeliveriesFilter(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, c := range []Delivery{
		claim("digest", "env", "2026-W47", "a@example.org"),
		claim("digest", "env", "2026-W48", "a@example.org"),
		claim("alert", "md", "i1", "q@example.org"),
	} {
		if _, _, err := s.ClaimDelivery(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	tests := map[string]struct {
		f    DeliveryFilter
		want []string
	}{
		"all newest first": {DeliveryFilter{}, []string{"i1", "2026-W48", "2026-W47"}},
		"kind":             {DeliveryFilter{Kind: "digest"}, []string{"2026-W48", "2026-W47"}},
		"ref and period":   {DeliveryFilter{Ref: "env", Period: "2026-W47"}, []string{"2026-W47"}},
		"limit":            {DeliveryFilter{Limit: 1}, []string{"i1"}},
		"status":           {DeliveryFilter{Status: DeliverySent}, nil},
	}
	for name, tc := range tests {
		got, err := s.Deliveries(ctx, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var periods []string
		for _, d := range got {
			periods = append(periods, d.Period)
		}
		if !slices.Equal(periods, tc.want) {
			t.Errorf("%s: got %v, want %v", name, periods, tc.want)
		}
	}
}

func TestWatermarks(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	if _, ok, err := s.Watermark(ctx, "alert:md"); ok || err != nil {
		t.Fatalf("unset watermark: ok=%v err=%v", ok, err)
	}
	t1 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	got, err := s.InitWatermark(ctx, "alert:md", t1)
	if err != nil || !got.Equal(t1) {
		t.Fatalf("init = %v, %v", got, err)
	}
	// A second init keeps the first instant: the rule started then.
	if got, _ := s.InitWatermark(ctx, "alert:md", t1.Add(time.Hour)); !got.Equal(t1) {
		t.Errorf("second init moved the watermark to %v", got)
	}
	if err := s.AdvanceWatermark(ctx, "alert:md", t1.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.Watermark(ctx, "alert:md"); !got.Equal(t1) {
		t.Errorf("watermark moved back to %v", got)
	}
	if err := s.AdvanceWatermark(ctx, "alert:md", t1.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got, ok, _ := s2.Watermark(ctx, "alert:md"); !ok || !got.Equal(t1.Add(2*time.Hour)) {
		t.Errorf("after reopen watermark = %v %v", got, ok)
	}
}

func TestDigestArchiveFirstWins(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	b1 := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
	a, err := s.ArchiveDigest(ctx, ArchivedDigest{Digest: "env", Period: "2026-W48", Built: b1, Data: []byte(`{"n":1}`)})
	if err != nil || string(a.Data) != `{"n":1}` || !a.Built.Equal(b1) {
		t.Fatalf("archive = %+v, %v", a, err)
	}
	a, err = s.ArchiveDigest(ctx, ArchivedDigest{Digest: "env", Period: "2026-W48", Built: b1.Add(time.Hour), Data: []byte(`{"n":2}`)})
	if err != nil || string(a.Data) != `{"n":1}` {
		t.Errorf("second archive = %s, %v; want the first kept", a.Data, err)
	}
	if _, err := s.ArchiveDigest(ctx, ArchivedDigest{Digest: "env", Period: "2026-W49", Built: b1.Add(7 * 24 * time.Hour), Data: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	ps, err := s.DigestPeriods(ctx, "env", 0)
	if err != nil || len(ps) != 2 || ps[0].Period != "2026-W49" || ps[1].Period != "2026-W48" {
		t.Errorf("periods = %+v, %v", ps, err)
	}
	if _, err := s.DigestArchive(ctx, "env", "2026-W01"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown period: %v, want ErrNotFound", err)
	}
}

func TestLedgerSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "veille.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ClaimDelivery(ctx, claim("digest", "env", "2026-W48", "a@example.org", "i1")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, ok, err := s.ClaimDelivery(ctx, claim("digest", "env", "2026-W48", "a@example.org", "i9"))
	if err != nil || ok || !slices.Equal(d.ItemIDs, []string{"i1"}) {
		t.Errorf("claim after reopen: %+v ok=%v err=%v, want the recorded claim", d, ok, err)
	}
}
