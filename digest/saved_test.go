package digest

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/store"
)

// A followed saved search mails its new items once, to the member's
// address, through the ledger: a second run sends nothing, items from
// before the search was saved are not sent, another member's search goes
// to that member.
func TestSavedSearchImmediateOnceOnly(t *testing.T) {
	e := newEnv(t, monday)
	ctx := context.Background()
	ix, err := index.Open(filepath.Join(t.TempDir(), "index.bleve"), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	item := func(id, title string, pub time.Time, comp string) veille.Item {
		return veille.Item{ID: id, Title: title, Link: "https://example.org/" + id, Source: "jorf-te", Sources: []string{"jorf-te"},
			Lang: "fr", Published: pub, Competences: []string{comp}}
	}
	old := e.seed(monday.Add(-48*time.Hour), item("old", "Ancien arrêté galvanoplastie", monday.Add(-48*time.Hour), "surface-treatment"))
	if err := ix.Upsert(ctx, old, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.AddSavedSearch(ctx, store.SavedSearch{Space: "traitement-est", Name: "Surface", Query: "competence=surface-treatment",
		Notify: "immediate", CreatedAt: monday.Add(-time.Hour), SeenAt: monday}, "h1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.AddSavedSearch(ctx, store.SavedSearch{Space: "forge-exemple", Name: "Forge", Query: "competence=forging",
		Notify: "daily", CreatedAt: monday.Add(-time.Hour), SeenAt: monday}, "h2"); err != nil {
		t.Fatal(err)
	}
	fresh := e.seed(monday, item("new-s", "Nouvel arrêté galvanoplastie", monday.Add(-10*time.Minute), "surface-treatment"),
		item("new-f", "Nouvel arrêté forge", monday.Add(-10*time.Minute), "forging"))
	if err := ix.Upsert(ctx, fresh, 0); err != nil {
		t.Fatal(err)
	}
	n := e.notifier(func(o *Options) {
		o.Index = ix
		o.ParseSearch = func(v url.Values) (veille.SearchRequest, error) {
			return veille.SearchRequest{Query: v.Get("q"), Competences: v["competence"]}, nil
		}
	})
	run, err := n.RunSavedSearches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := e.smtp.to("hse@traitement-est.example")
	if run.Sent != 1 || len(got) != 1 {
		t.Fatalf("run %+v, %d mails to the member", run, len(got))
	}
	body := string(got[0].Data)
	if !strings.Contains(body, "new-s") || strings.Contains(body, "/items/old") {
		t.Errorf("mail:\n%s", body)
	}
	// The daily search waits for its day to end; then it sends, once.
	if len(e.smtp.to("veille@forge.example")) != 0 {
		t.Error("a daily search sent before its day ended")
	}
	e.clock.Set(monday.Add(24 * time.Hour))
	run, err = n.RunSavedSearches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.smtp.to("veille@forge.example")) != 1 || run.Sent != 1 {
		t.Fatalf("after the day: run %+v, %d mails to forge", run, len(e.smtp.to("veille@forge.example")))
	}
	if _, err := n.RunSavedSearches(ctx); err != nil {
		t.Fatal(err)
	}
	if len(e.smtp.to("hse@traitement-est.example")) != 1 || len(e.smtp.to("veille@forge.example")) != 1 {
		t.Fatal("a second run sent again")
	}
	rows := e.deliveries(store.DeliveryFilter{Kind: KindSaved})
	if len(rows) != 2 {
		t.Fatalf("%d saved-search deliveries in the ledger, want 2", len(rows))
	}
}
