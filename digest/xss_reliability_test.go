package digest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/xsscheck"
)

// xssItems puts each payload of the corpus in an item's title, summary,
// link, author and why.
func xssItems(at time.Time) []veille.Item {
	var items []veille.Item
	for i, p := range xsscheck.Payloads() {
		items = append(items, veille.Item{ID: veille.ItemID(fmt.Sprint("xss-", i)), Title: fmt.Sprintf("Avis-%03d %s", i, p),
			Link: p, Source: "jorf-sante", Sources: []string{"jorf-sante"}, Lang: "fr", Published: at.Add(-time.Hour),
			Summary: p, Authors: []string{p}, Domains: []string{"medical-devices", "environment"},
			Competences: []string{"surface-treatment"}, Why: map[string][]string{"environment": {p}, "medical-devices": {p}}})
	}
	return items
}

// checkXSSMail parses the HTML part of a mail as a browser would: nothing
// in it may run script, and every payload's item must be there.
func checkXSSMail(t *testing.T, raw received, wantItems int) {
	t.Helper()
	m := parseMail(t, raw.Data)
	if f := xsscheck.CountString(m.HTML); !f.Clean() {
		t.Errorf("mail HTML: %v", f)
	}
	if n := strings.Count(m.HTML, "Avis-"); n < wantItems {
		t.Errorf("the HTML part shows %d of the %d items", n, wantItems)
	}
	if n := strings.Count(m.Text, "Avis-"); n < wantItems {
		t.Errorf("the text part shows %d of the %d items", n, wantItems)
	}
}

func TestXSSCorpusInDigestMail(t *testing.T) {
	e := newEnv(t, monday)
	oneRecipient(e)
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, paris)
	items := e.seed(at, xssItems(at)...)
	if len(items) < 100 {
		t.Fatalf("only %d items stored", len(items))
	}
	if _, err := e.notifier().SendDigest(context.Background(), "environment-weekly", w48); err != nil {
		t.Fatal(err)
	}
	msgs := e.smtp.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails", len(msgs))
	}
	checkXSSMail(t, msgs[0], len(items))
}

func TestXSSCorpusInAlertMail(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, paris)
	e := newEnv(t, t0)
	e.cfg.Alerts[0].Batch = BatchCrawl
	n := e.notifier()
	if _, err := n.RunAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Hour)
	items := e.seed(e.clock.Now(), xssItems(t0)...)
	if _, err := n.RunAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := e.smtp.messages()
	if len(msgs) == 0 {
		t.Fatal("no alert mail")
	}
	shown := 0
	for _, raw := range msgs {
		m := parseMail(t, raw.Data)
		if f := xsscheck.CountString(m.HTML); !f.Clean() {
			t.Errorf("alert HTML: %v", f)
		}
		shown += strings.Count(m.HTML, "Avis-")
	}
	if shown < len(items) {
		t.Errorf("alerts show %d of the %d items", shown, len(items))
	}
}
