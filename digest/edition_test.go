package digest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/i18n"
	"github.com/nogentech/veille/internal/xsscheck"
	"github.com/nogentech/veille/store"
)

const staffAddr = "equipe@cluster.example"

// editorial makes the weekly digest the commission's edition, sent to the
// commission only.
func editorial(onTimeout string) func(e *env) {
	return func(e *env) {
		e.cfg.Digests[0].Editorial = true
		e.cfg.Digests[0].OnTimeout = onTimeout
		e.cfg.Digests[0].Members = ""
		e.cfg.Staff = []string{staffAddr}
	}
}

// midWeek is Thursday of week 48, when staff prepare the edition.
var midWeek = time.Date(2026, 11, 26, 15, 0, 0, 0, paris)

func ids(e store.Edition) []string {
	var out []string
	for _, it := range e.Items {
		out = append(out, it.ID)
	}
	return out
}

// startServing runs the notifier's first heartbeat now, as `veille serve`
// running through the week does: a digest is due from the first time the
// program saw it.
func startServing(t *testing.T, e *env) {
	t.Helper()
	if _, err := e.notifier().Reconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestEditionDraftFollowsTheRules(t *testing.T) {
	e := newEnv(t, time.Date(2026, 11, 22, 12, 0, 0, 0, paris))
	editorial("")(e)
	n := e.notifier()
	ctx := context.Background()
	// Before the week starts there is no edition.
	if _, err := n.Edition(ctx, "environment-weekly", w48); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("edition before the week: %v, want ErrNotStarted", err)
	}
	e.clock.Set(w48.Since.Add(time.Minute))
	ed, err := n.Edition(ctx, "environment-weekly", w48)
	if err != nil || ed.Status != store.EditionDraft || len(ed.Items) != 0 {
		t.Fatalf("empty draft at the start: %+v %v", ed, err)
	}
	items := seedWeek(t, e)
	e.clock.Set(midWeek)
	d, _, err := n.Preview(ctx, "environment-weekly", w48)
	if err != nil {
		t.Fatal(err)
	}
	ed, err = n.Edition(ctx, "environment-weekly", w48)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(ed), d.ItemIDs()) || len(ed.Items) == 0 {
		t.Fatalf("draft %v, want what the rules select %v", ids(ed), d.ItemIDs())
	}
	// Staff remove the first; it arrives again from another source.
	removed := ed.Items[0]
	ed.Items = ed.Items[1:]
	if ed, err = n.SaveEdition(ctx, "environment-weekly", w48, ed, "alice@cluster.example"); err != nil {
		t.Fatal(err)
	}
	var again veille.Item
	for _, it := range items {
		if it.ID == removed.ID {
			again = it
		}
	}
	again.Source, again.Sources = "echa-news", []string{"echa-news"}
	e.seed(midWeek, again)
	ed, err = n.Edition(ctx, "environment-weekly", w48)
	if err != nil || slices.Contains(ids(ed), removed.ID) {
		t.Fatalf("removed item is back after arriving again: %v %v", ids(ed), err)
	}
	// A new item of the week is appended at the end.
	fresh := veille.Item{ID: "new-env-item", Title: "Arrêté ICPE du 26 novembre", Link: "https://example.org/icpe",
		Source: "jorf-te", Sources: []string{"jorf-te"}, Domains: []string{"environment"}, Published: midWeek}
	e.seed(midWeek, fresh)
	ed, err = n.Edition(ctx, "environment-weekly", w48)
	if err != nil || ids(ed)[len(ed.Items)-1] != "new-env-item" || slices.Contains(ids(ed), removed.ID) {
		t.Fatalf("after a new item: %v %v", ids(ed), err)
	}
	// A digest that is not editorial has no edition.
	e.cfg.Digests[0].Editorial = false
	if _, err := e.notifier().Edition(ctx, "environment-weekly", w48); !errors.Is(err, ErrNotEditorial) {
		t.Errorf("not editorial: %v", err)
	}
}

// weekDraft is week 48's draft of the editorial environment digest, the
// week's items seeded.
func weekDraft(t *testing.T) (*env, *Notifier, store.Edition) {
	t.Helper()
	e := newEnv(t, midWeek)
	editorial("")(e)
	seedWeek(t, e)
	n := e.notifier()
	ed, err := n.Edition(context.Background(), "environment-weekly", w48)
	if err != nil || len(ed.Items) == 0 {
		t.Fatalf("%v %v", ed, err)
	}
	return e, n, ed
}

func TestEditionTwoStaffNoLostUpdate(t *testing.T) {
	_, n, ed := weekDraft(t)
	ctx := context.Background()
	alice, bob := ed, ed
	alice.Items = slices.Clone(ed.Items)
	alice.Items[0].Note = "Impose une déclaration avant juin."
	if _, err := n.SaveEdition(ctx, "environment-weekly", w48, alice, "alice"); err != nil {
		t.Fatal(err)
	}
	bob.Intro = "Semaine chargée."
	if _, err := n.SaveEdition(ctx, "environment-weekly", w48, bob, "bob"); !errors.Is(err, store.ErrVersionConflict) {
		t.Fatalf("bob saved over alice's work: %v", err)
	}
	got, _ := n.Edition(ctx, "environment-weekly", w48)
	if got.Items[0].Note != "Impose une déclaration avant juin." || got.Intro != "" {
		t.Errorf("edition after the refused save: %+v", got)
	}
	// An unknown item is refused, not saved.
	got.Items = append(got.Items, store.EditionItem{ID: "no-such-item"})
	if _, err := n.SaveEdition(ctx, "environment-weekly", w48, got, "bob"); !errors.Is(err, ErrUnknownItem) {
		t.Errorf("unknown item: %v", err)
	}
}

func TestEditionApproveTwiceSendsOnce(t *testing.T) {
	e := newEnv(t, midWeek)
	editorial("")(e)
	e.cfg.Digests[0].Members = "all"
	items := seedWeek(t, e)
	n := e.notifier()
	ctx := context.Background()
	ed, err := n.Edition(ctx, "environment-weekly", w48)
	if err != nil {
		t.Fatal(err)
	}
	// Staff add an older item found by search, put it first, write a note.
	search := veille.Item{ID: "found-by-search", Title: "Décret PFAS de septembre", Link: "https://example.org/pfas",
		Source: "jorf-te", Sources: []string{"jorf-te"}, Domains: []string{"environment"},
		Competences: []string{"surface-treatment"}, Published: time.Date(2026, 9, 1, 9, 0, 0, 0, paris)}
	e.seed(time.Date(2026, 9, 1, 10, 0, 0, 0, paris), search)
	ed.Items = append([]store.EditionItem{{ID: search.ID, Note: "Les ateliers de traitement de surface doivent mesurer les PFAS.", Heading: "À retenir"}}, ed.Items...)
	ed.Intro = "Deux textes importants cette semaine."
	if _, err := n.SaveEdition(ctx, "environment-weekly", w48, ed, "alice"); err != nil {
		t.Fatal(err)
	}
	res, ap, err := n.ApproveEdition(ctx, "environment-weekly", w48, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if ap.Status != store.EditionSent || ap.ApprovedBy != "alice" {
		t.Errorf("after approval: status %s by %q", ap.Status, ap.ApprovedBy)
	}
	rcs, err := n.Recipients(ctx, e.cfg.Digests[0])
	if err != nil {
		t.Fatal(err)
	}
	want := len(rcs)
	if len(res.Recipients) != want || want < 2 {
		t.Fatalf("approval sent to %d recipients, want %d", len(res.Recipients), want)
	}
	before := len(e.smtp.messages())
	res2, _, err := n.ApproveEdition(ctx, "environment-weekly", w48, "bob")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res2.Recipients {
		if r.New {
			t.Errorf("second approval claimed %s again", r.Address)
		}
	}
	if after := len(e.smtp.messages()); after != before {
		t.Fatalf("second approval sent %d more mails", after-before)
	}
	// The commission's mail has the intro, the note first, and no item
	// staff did not keep.
	m := parseMail(t, e.smtp.to(commission)[0].Data)
	for _, part := range []string{m.HTML, m.Text} {
		if !strings.Contains(part, "Deux textes importants") || !strings.Contains(part, "mesurer les PFAS") {
			t.Errorf("mail lacks the intro or the note:\n%s", part)
		}
		if i, j := strings.Index(part, "Décret PFAS"), strings.Index(part, items[0].Title[:20]); i < 0 || (j >= 0 && j < i) {
			t.Errorf("the item staff put first is not first (%d, %d)", i, j)
		}
	}
	if subj := decodedSubject(t, m.Header); !strings.Contains(subj, "Édition de la commission") {
		t.Errorf("subject %q", subj)
	}
	// Frozen: a save after approval is refused.
	if _, err := n.SaveEdition(ctx, "environment-weekly", w48, ap, "bob"); !errors.Is(err, store.ErrEditionFrozen) {
		t.Errorf("save after approval: %v", err)
	}
}

// TestEditionApprovedTwiceAtOnce: two staff press "approve" at the same
// moment: the commission gets the edition once. (Both go through the one
// Notifier of the process that owns the data dir: veille.lock keeps a
// second process, and its Notifier, off the database.)
func TestEditionApprovedTwiceAtOnce(t *testing.T) {
	e, n, _ := weekDraft(t)
	startServing(t, e)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = n.ApproveEdition(context.Background(), "environment-weekly", w48, []string{"alice", "bob"}[i])
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := n.Reconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(e.smtp.to(commission)); got != 1 {
		t.Fatalf("two approvals at once: the commission received %d copies, want 1", got)
	}
	ed, _ := e.store.Edition(context.Background(), "environment-weekly", w48.Key)
	if ed.Status != store.EditionSent {
		t.Errorf("status %s, want sent", ed.Status)
	}
}

// TestEditionCrashDuringApproval stops the approval at each step, as a
// killed process would, restarts on the same database and approves again
// (or lets the send time come): the commission gets the edition once.
func TestEditionCrashDuringApproval(t *testing.T) {
	// After stepSent the server had accepted the mail: the ledger resends
	// it after the restart, with the same Message-ID (as every digest:
	// TestDigestCrashAtEachStep), which mail readers show once.
	for _, step := range []string{stepApproved, stepClaimed, stepAttempt, stepSent} {
		for _, recover := range []string{"approve", "reconcile"} {
			t.Run(step+"/"+recover, func(t *testing.T) {
				e := newEnv(t, midWeek)
				editorial(veille.OnTimeoutHold)(e)
				seedWeek(t, e)
				startServing(t, e)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				crash := func(s string) error {
					if s == step {
						cancel()
						return context.Canceled
					}
					return nil
				}
				_, _, err := e.notifier(func(o *Options) { o.crash = crash }).ApproveEdition(ctx, "environment-weekly", w48, "alice")
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("crashed approval returned %v", err)
				}
				e.restart()
				n := e.notifier()
				switch recover {
				case "approve":
					_, _, err = n.ApproveEdition(context.Background(), "environment-weekly", w48, "alice")
				default:
					e.clock.Set(monday.Add(time.Minute))
					_, err = n.Reconcile(context.Background())
				}
				if err != nil {
					t.Fatal(err)
				}
				if _, err := n.Reconcile(context.Background()); err != nil {
					t.Fatal(err)
				}
				copies := e.smtp.to(commission)
				want := 1
				if step == stepSent {
					want = 2
				}
				if len(copies) != want {
					t.Fatalf("commission received %d copies, want %d", len(copies), want)
				}
				if ids := slices.Compact(messageIDs(t, e, commission)); len(ids) != 1 {
					t.Errorf("the copies carry %d Message-IDs, want one: %v", len(ids), ids)
				}
				// An approved edition is not held: no reminder.
				if got := len(e.smtp.to(staffAddr)); got != 0 {
					t.Errorf("staff got %d reminders for an approved edition", got)
				}
				ed, _ := e.store.Edition(context.Background(), "environment-weekly", w48.Key)
				if ed.Status != store.EditionSent {
					t.Errorf("status %s, want sent", ed.Status)
				}
			})
		}
	}
}

func TestEditionPastSendTime(t *testing.T) {
	t.Run("hold", func(t *testing.T) {
		e := newEnv(t, midWeek)
		editorial(veille.OnTimeoutHold)(e)
		seedWeek(t, e)
		ctx := context.Background()
		if _, err := e.notifier().Edition(ctx, "environment-weekly", w48); err != nil {
			t.Fatal(err)
		}
		// Sunday evening: not yet the send time, nothing happens.
		e.clock.Set(monday.Add(-10 * time.Hour))
		if _, err := e.notifier().Reconcile(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(e.smtp.messages()); n != 0 {
			t.Fatalf("%d mails before the send time", n)
		}
		for _, at := range []time.Duration{time.Minute, 10 * time.Minute} {
			e.clock.Set(monday.Add(at))
			if _, err := e.notifier().Reconcile(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(e.smtp.to(commission)); n != 0 {
			t.Fatalf("a held edition reached the commission (%d mails)", n)
		}
		rem := e.smtp.to(staffAddr)
		if len(rem) != 1 {
			t.Fatalf("staff got %d reminders, want 1", len(rem))
		}
		m := parseMail(t, rem[0].Data)
		if !strings.Contains(m.Text, "/editions/environment-weekly/2026-W48/edit") {
			t.Errorf("reminder without the link to the edition:\n%s", m.Text)
		}
		ed, _ := e.store.Edition(ctx, "environment-weekly", w48.Key)
		if ed.Status != store.EditionDraft {
			t.Errorf("held edition is %s", ed.Status)
		}
		// Staff approve late: it goes out once.
		if _, _, err := e.notifier().ApproveEdition(ctx, "environment-weekly", w48, "alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.notifier().Reconcile(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(e.smtp.to(commission)); n != 1 {
			t.Errorf("after the late approval the commission got %d mails", n)
		}
	})
	t.Run("send", func(t *testing.T) {
		e := newEnv(t, midWeek)
		editorial(veille.OnTimeoutSend)(e)
		seedWeek(t, e)
		startServing(t, e)
		ctx := context.Background()
		e.clock.Set(monday.Add(time.Minute))
		for range 2 {
			if _, err := e.notifier().Reconcile(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(e.smtp.to(commission)); n != 1 {
			t.Fatalf("commission got %d mails, want the draft once", n)
		}
		if n := len(e.smtp.to(staffAddr)); n != 0 {
			t.Errorf("staff got %d reminders with on_timeout: send", n)
		}
		ed, _ := e.store.Edition(ctx, "environment-weekly", w48.Key)
		if ed.Status != store.EditionSent || ed.ApprovedBy != WhoSendTime || len(ed.Items) == 0 {
			t.Errorf("edition %s approved by %q with %d items", ed.Status, ed.ApprovedBy, len(ed.Items))
		}
	})
}

func TestEditionXSSThroughNotesAndHeadings(t *testing.T) {
	e, n, ed := weekDraft(t)
	ctx := context.Background()
	payloads := xsscheck.Payloads()
	var items []store.EditionItem
	for i, p := range payloads {
		it := ed.Items[i%len(ed.Items)]
		if i >= len(ed.Items) {
			// More payloads than items: the rest go into later items' English notes.
			items[i%len(ed.Items)].NoteEN += " " + p
			continue
		}
		it.Note, it.Heading = p, "H "+p
		items = append(items, it)
	}
	ed.Items = items
	ed.Intro = strings.Join(payloads, "\n\n")
	if _, err := n.SaveEdition(ctx, "environment-weekly", w48, ed, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := n.ApproveEdition(ctx, "environment-weekly", w48, "alice"); err != nil {
		t.Fatal(err)
	}
	d, err := n.Archived(ctx, "environment-weekly", w48.Key)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []i18n.Lang{i18n.FR, i18n.EN} {
		r, err := RenderDigest(e.cfg, e.cfg.Digests[0], d, lang, "https://veille.cluster.example")
		if err != nil {
			t.Fatal(err)
		}
		if f := xsscheck.CountString(r.HTML); !f.Clean() {
			t.Errorf("%s edition HTML with %d payloads: %v", lang, len(payloads), f)
		}
	}
	mails := e.smtp.to(commission)
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	if f := xsscheck.CountString(parseMail(t, mails[0].Data).HTML); !f.Clean() {
		t.Errorf("mail HTML: %v", f)
	}
}

// TestCountLine: the members' counts in both languages, a singular, and a
// group nobody in it marked left out.
func TestCountLine(t *testing.T) {
	cfg := veille.Config{Competences: []veille.Category{{ID: "forging", Label: map[string]string{"fr": "Forge", "en": "Forging"}}}}
	cs := []store.ClusterCount{{Status: "applies", Marked: 9, Of: 23}, {Status: "applies", Competence: "forging", Marked: 0, Of: 8},
		{Status: "to-assess", Marked: 1, Of: 23}, {Status: "to-assess", Competence: "forging", Marked: 1, Of: 8}}
	for lang, want := range map[i18n.Lang]string{
		i18n.FR: "s'applique : 9 adhérents sur 23 · à évaluer : 1 adhérent sur 23 · à évaluer : 1 adhérent sur 8 « Forge »",
		i18n.EN: "applies: 9 of 23 members · to assess: 1 of 23 members · to assess: 1 of 8 Forging members",
	} {
		if got := CountLine(cfg, cs, lang); got != want {
			t.Errorf("%s:\n got %q\nwant %q", lang, got, want)
		}
	}
	if got := CountLine(cfg, nil, i18n.FR); got != "" {
		t.Errorf("no marks: %q", got)
	}
}
