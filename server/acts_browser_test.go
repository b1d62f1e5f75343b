package server

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestActsBrowser: a reader opens an item, follows one of its references
// to the act's page, goes on to the act itself, then opens the deadlines
// calendar from the menu; no page logs an error (the CSP forbids inline
// script and style, which would show up here).
func TestActsBrowser(t *testing.T) {
	b := newBrowser(t)
	f := newActsFixture(t)
	dir := artifactDir(t)

	b.navigate(t, "open the amending item", chromedp.Navigate(f.ts.URL+"/items/amend"))
	if n := b.count(t, "ul.refs a.ref"); n != 1 {
		t.Fatalf("%d reference links on the item page, want 1", n)
	}
	b.screenshot(t, dir, "acts-1-item.png")
	b.navigate(t, "follow the reference", chromedp.Click(chromedp.CSS("ul.refs a.ref"), chromedp.NodeVisible))
	if got := b.text(t, "article.act h1"); got != "Regulation (EU) 2017/745" {
		t.Fatalf("the act page's title is %q", got)
	}
	if p := b.location(t).EscapedPath(); p != "/acts/eu-act/Regulation%20%28EU%29%202017%2F745" {
		t.Errorf("act page at %s", p)
	}
	if got := b.text(t, "section.cited-by h2"); got != "Modifié par" {
		t.Errorf("first group %q, want Modifié par", got)
	}
	if n := b.count(t, "ol.dates li"); n != 4 {
		t.Errorf("%d dates on the timeline, want 4", n)
	}
	b.screenshot(t, dir, "acts-2-act.png")
	b.navigate(t, "open the act itself", chromedp.Click(chromedp.CSS("a.act-item"), chromedp.NodeVisible))
	if p := b.location(t).Path; p != "/items/mdr" {
		t.Errorf("the act's item at %s, want /items/mdr", p)
	}
	b.navigate(t, "open the calendar", chromedp.Click(chromedp.CSS(`header nav a[href="/calendar"]`), chromedp.NodeVisible))
	if got := b.text(t, "main h1"); got != "Échéances réglementaires" {
		t.Errorf("calendar title %q", got)
	}
	events := b.text(t, "ol.calendar")
	for _, w := range []string{"26 mai 2026", "date limite", "1er janvier 2027"} {
		if !strings.Contains(events, w) {
			t.Errorf("the calendar lacks %q: %s", w, events)
		}
	}
	b.screenshot(t, dir, "acts-3-calendar.png")
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) > 0 {
		t.Errorf("console errors: %v", b.errors)
	}
}
