package digest

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

var (
	w48    = WeekOf(time.Date(2026, 11, 25, 12, 0, 0, 0, paris), paris)
	monday = time.Date(2026, 11, 30, 8, 0, 0, 0, paris)
)

// seedWeek records the fixture items as first seen during week 48 (and one
// environment item the week after, which must stay out), with the sources'
// states for the coverage section.
func seedWeek(t *testing.T, e *env) []veille.Item {
	t.Helper()
	items := fixtureItems(t)
	// The fixture acts are from 2020–2021; here they are this week's news.
	for i := range items {
		items[i].Published = time.Date(2026, 11, 23+i%4, 9, 30, 0, 0, paris)
	}
	e.seed(time.Date(2026, 11, 24, 10, 0, 0, 0, paris), items[:4]...)
	e.seed(time.Date(2026, 11, 27, 16, 0, 0, 0, paris), items[4:]...)
	// Back catalogue: an environment act published long before, first
	// seen this week (a source added this week brings its archives).
	old := items[0]
	old.Link = "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000000000001"
	old.ID = veille.ItemID(old.Link)
	old.Title = "Arrêté ancien du fonds d'archives"
	old.Published = time.Date(2019, 5, 2, 0, 0, 0, 0, time.UTC)
	e.seed(time.Date(2026, 11, 25, 10, 0, 0, 0, paris), old)
	// Next week's news is next week's.
	next := items[1]
	next.Link = "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000000000002"
	next.ID = veille.ItemID(next.Link)
	next.Title = "Acte de la semaine suivante"
	next.Published = time.Date(2026, 11, 30, 0, 5, 0, 0, paris)
	e.seed(time.Date(2026, 11, 30, 0, 10, 0, 0, paris), next)
	for i := range items {
		items[i].Published = items[i].Published.UTC()
	}
	ctx := context.Background()
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, paris) }
	for _, st := range []veille.FetchState{
		{Source: "jorf-te", LastAttempt: at(29, 22), LastSuccess: at(29, 22), Status: 200},
		{Source: "jorf-sante", LastAttempt: at(29, 21), LastSuccess: at(29, 21), Status: 200},
		{Source: "jorf-travail", LastAttempt: at(29, 20), LastSuccess: at(26, 8), Status: 503, Error: "HTTP 503 Service Unavailable", Failures: 9},
		{Source: "fda-device-recalls", LastAttempt: at(29, 18), LastSuccess: at(29, 18), Status: 304},
		{Source: "old-source", LastAttempt: at(1, 10), LastSuccess: at(1, 10), Status: 200},
	} {
		if err := e.store.SaveFetchStates(ctx, []veille.FetchState{st}); err != nil {
			t.Fatal(err)
		}
	}
	return items
}

func TestSendDigestOverSMTP(t *testing.T) {
	e := newEnv(t, monday)
	items := seedWeek(t, e)
	n := e.notifier()
	ctx := context.Background()

	res, err := n.SendDigest(ctx, "environment-weekly", w48)
	if err != nil {
		t.Fatal(err)
	}
	if res.Items != 4 {
		t.Errorf("digest has %d items, want the 4 environment items of the week", res.Items)
	}
	labs := byKeyword(t, items, "laboratoires")
	mtd := byKeyword(t, items, "meilleures techniques")
	chem := byKeyword(t, items, "produits chimiques")
	deee := byKeyword(t, items, "électriques et électroniques")

	// Recipients: the commission gets everything; each member its cut; the
	// forge, with nothing in its competences, nothing (send_empty is off).
	status := map[string]RecipientResult{}
	for _, r := range res.Recipients {
		status[r.Address] = r
	}
	for addr, want := range map[string]struct {
		status string
		items  int
	}{
		"commission-environnement@cluster.example": {store.DeliverySent, 4},
		"hse@traitement-est.example":               {store.DeliverySent, 2},
		"ehs@thermo.example":                       {store.DeliverySent, 2},
		"veille@forge.example":                     {store.DeliverySkipped, 0},
	} {
		if got := status[addr]; got.Status != want.status || got.Items != want.items || !got.New {
			t.Errorf("%s: %+v, want status %s with %d items", addr, got, want.status, want.items)
		}
	}
	if got := len(e.smtp.messages()); got != 3 {
		t.Fatalf("SMTP server received %d mails, want 3", got)
	}
	if len(e.smtp.to("veille@forge.example")) != 0 {
		t.Error("the empty digest was sent to the forge")
	}

	// The commission's mail.
	cm := e.smtp.to("commission-environnement@cluster.example")
	if len(cm) != 1 {
		t.Fatalf("commission received %d mails", len(cm))
	}
	if cm[0].From != "veille@cluster.example" {
		t.Errorf("envelope from = %q", cm[0].From)
	}
	m := parseMail(t, cm[0].Data)
	if got, want := decodedSubject(t, m.Header), "Veille environnement — semaine 48 (23–29 novembre 2026)"; got != want {
		t.Errorf("subject = %q, want %q", got, want)
	}
	if got, want := m.Header.Get("Message-Id"), "<"+n.MessageID(KindDigest, "environment-weekly", "2026-W48", "commission-environnement@cluster.example")+">"; got != want {
		t.Errorf("Message-ID = %q, want %q", got, want)
	}
	if m.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", m.Header.Get("Auto-Submitted"))
	}
	for _, body := range []struct{ name, s string }{{"text", m.Text}, {"html", m.HTML}} {
		for _, want := range []string{
			"4 éléments", "Traitement de surface", "Traitement thermique", "Autres sujets",
			labs.Link, mtd.Link, chem.Link, deee.Link,
			"https://veille.cluster.example/items/" + labs.ID,
			"JORF – Transition écologique",
			"Couverture des sources", "JORF – Travail", "HTTP 503 Service Unavailable", "le site est en panne ou surchargé (HTTP 503)", "Non consultée pendant la période", "Old source",
			"https://veille.cluster.example/digests/environment-weekly/2026-W48",
		} {
			if !strings.Contains(body.s, want) && !strings.Contains(body.s, htmlEscape(want)) {
				t.Errorf("%s body lacks %q", body.name, want)
			}
		}
		for _, absent := range []string{"endoprothèses", "Arrêté ancien", "Acte de la semaine suivante", "Medtronic", "Disabled"} {
			if strings.Contains(body.s, absent) {
				t.Errorf("%s body lists %q, which is not environment news of week 48", body.name, absent)
			}
		}
	}
	// Grouping: the labs act is under surface treatment and under heat
	// treatment, marked as also in the other; the WEEE act has no
	// competence and is under "other topics"; groups come in config order.
	text := m.Text
	iST, iHT, iGen := strings.Index(text, "## Traitement de surface"), strings.Index(text, "## Traitement thermique"), strings.Index(text, "## Autres sujets")
	if !(iST >= 0 && iST < iHT && iHT < iGen) {
		t.Fatalf("groups out of order: surface %d, thermal %d, other %d\n%s", iST, iHT, iGen, text)
	}
	st, ht, gen := text[iST:iHT], text[iHT:iGen], text[iGen:]
	if strings.Count(st, labs.Link) != 1 || strings.Count(ht, labs.Link) != 1 {
		t.Errorf("the labs act is not listed once under each of its two competences")
	}
	if !strings.Contains(st, "aussi dans\u00a0: Traitement thermique") || !strings.Contains(ht, "aussi dans\u00a0: Traitement de surface") {
		t.Errorf("the labs act is not marked as also in the other competence:\n%s", text)
	}
	if !strings.Contains(st, chem.Link) || strings.Contains(ht, chem.Link) || !strings.Contains(ht, mtd.Link) || !strings.Contains(gen, deee.Link) {
		t.Errorf("items are in the wrong groups:\n%s", text)
	}
	if !regexp.MustCompile(`Traitement de surface \.+ 2`).MatchString(text) || !regexp.MustCompile(`Traitement thermique \.+ 2`).MatchString(text) {
		t.Errorf("counts per competence missing at the top:\n%s", text[:min(len(text), 600)])
	}
	if !strings.Contains(text, "[JORF – Transition écologique]") {
		t.Errorf("items are not grouped under their source")
	}
	if !strings.Contains(text, "23/11/2026 · JORF – Transition écologique · aussi dans") {
		t.Errorf("item line lacks its date and source:\n%s", text)
	}
	// The coverage lists failures first, then the others.
	cov := text[strings.Index(text, "## Couverture des sources"):]
	if !(strings.Index(cov, "JORF – Travail") < strings.Index(cov, "Old source") && strings.Index(cov, "Old source") < strings.Index(cov, "JORF – Santé")) {
		t.Errorf("coverage does not show problems first:\n%s", cov)
	}
	if !strings.Contains(cov, "3/6 sources consultées avec succès pendant la période, 1 en échec, 2 non consultées") {
		t.Errorf("coverage summary wrong:\n%s", cov)
	}
	// The HTML is a mail: tables and inline styles, no style sheet or script.
	if !strings.Contains(m.HTML, `<table role="presentation"`) || strings.Contains(m.HTML, "<style") || strings.Contains(m.HTML, "<script") {
		t.Errorf("HTML body is not table-based inline-styled mail")
	}

	// The English member gets its cut in English.
	en := e.smtp.to("ehs@thermo.example")
	if len(en) != 1 {
		t.Fatalf("thermo received %d mails", len(en))
	}
	me := parseMail(t, en[0].Data)
	if got, want := decodedSubject(t, me.Header), "Environment watch — week 48 (23–29 November 2026) — Thermo Works"; got != want {
		t.Errorf("English subject = %q, want %q", got, want)
	}
	if !strings.Contains(me.Text, "Selection for Thermo Works (competences: Heat treatment)") || !strings.Contains(me.Text, "Source coverage") {
		t.Errorf("English body:\n%s", me.Text)
	}
	if strings.Contains(me.Text, chem.Link) || strings.Contains(me.Text, deee.Link) || !strings.Contains(me.Text, mtd.Link) {
		t.Errorf("thermo's cut has items outside heat treatment:\n%s", me.Text)
	}
	if strings.Contains(me.Text, "Other topics") {
		t.Errorf("a member's cut has an 'other topics' group")
	}

	// Sending the same period again sends nothing.
	res2, err := n.SendDigest(ctx, "environment-weekly", w48)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res2.Recipients {
		if r.New {
			t.Errorf("second send claimed %s again", r.Address)
		}
	}
	if got := len(e.smtp.messages()); got != 3 {
		t.Errorf("second send: server has %d mails, want still 3", got)
	}
	// The ledger froze each message's items.
	rows := e.deliveries(store.DeliveryFilter{Kind: KindDigest, Recipient: "hse@traitement-est.example"})
	if len(rows) != 1 || len(rows[0].ItemIDs) != 2 || rows[0].Status != store.DeliverySent || rows[0].Attempts != 1 {
		t.Errorf("ledger row = %+v", rows)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

func TestSendEmptyDigest(t *testing.T) {
	e := newEnv(t, monday)
	e.cfg.Digests[0].SendEmpty = true
	e.cfg.Digests[0].Members = ""
	n := e.notifier()
	res, err := n.SendDigest(context.Background(), "environment-weekly", w48)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Recipients) != 1 || res.Recipients[0].Status != store.DeliverySent {
		t.Fatalf("result = %+v, ledger %+v", res, e.deliveries(store.DeliveryFilter{}))
	}
	msgs := e.smtp.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails, want 1 (send_empty)", len(msgs))
	}
	m := parseMail(t, msgs[0].Data)
	if !strings.Contains(m.Text, "Aucun nouvel élément pendant cette période.") || !strings.Contains(m.Text, "0 élément") {
		t.Errorf("empty digest body:\n%s", m.Text)
	}
	// Without send_empty an empty digest is recorded as skipped, not sent.
	e.cfg.Digests[0].SendEmpty = false
	p2 := WeekOf(w48.Until.Add(24*time.Hour), paris)
	res, err = e.notifier().SendDigest(context.Background(), "environment-weekly", p2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Recipients[0].Status != store.DeliverySkipped || len(e.smtp.messages()) != 1 {
		t.Errorf("empty digest without send_empty: %+v, %d mails", res.Recipients, len(e.smtp.messages()))
	}
}

func TestUnknownDigest(t *testing.T) {
	e := newEnv(t, monday)
	if _, err := e.notifier().SendDigest(context.Background(), "nope", w48); err == nil || !strings.Contains(err.Error(), "environment-weekly") {
		t.Errorf("unknown digest: %v (want an error naming the configured ones)", err)
	}
}

func TestMessageIDDeterministic(t *testing.T) {
	e := newEnv(t, monday)
	a, b := e.notifier(), e.notifier()
	id := a.MessageID(KindDigest, "environment-weekly", "2026-W48", "X@Example.org")
	if id != b.MessageID(KindDigest, "environment-weekly", "2026-W48", "x@example.org") {
		t.Error("Message-ID differs between two notifiers or by address case")
	}
	if !regexp.MustCompile(`^digest\.environment-weekly\.2026-W48\.[0-9a-f]{12}@cluster\.example$`).MatchString(id) {
		t.Errorf("Message-ID %q", id)
	}
	others := map[string]bool{id: true}
	for _, o := range []string{
		a.MessageID(KindDigest, "environment-weekly", "2026-W49", "x@example.org"),
		a.MessageID(KindDigest, "environment-weekly", "2026-W48", "y@example.org"),
		a.MessageID(KindAlert, "environment-weekly", "2026-W48", "x@example.org"),
	} {
		if others[o] {
			t.Errorf("Message-ID collision: %s", o)
		}
		others[o] = true
	}
	// Odd characters in a key never reach the header.
	odd := a.MessageID(KindAlert, "r", "a b<c>@d", "x@example.org")
	if strings.ContainsAny(odd, " <>") || strings.Count(odd, "@") != 1 {
		t.Errorf("Message-ID with odd key: %q", odd)
	}
}
