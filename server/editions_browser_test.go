package server

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserEdition walks through what staff do before the commission
// meets: sign in, open the week's draft, remove an item, add one found by
// search, write a note, approve. The sink on loopback gets one mail per
// recipient with the note; the archive page shows the edition; its print
// view has no navigation.
func TestBrowserEdition(t *testing.T) {
	b := newBrowser(t)
	e := newEdEnv(t)
	dir := artifactDir(t)
	edit := e.ts.URL + "/editions/environment-weekly/2026-W48/edit"
	const note = "Les ateliers de la rubrique 2565 déclarent leurs rejets avant le 1er mars <b>sans faute</b>."

	// Two members have marked the first text "applies" in their registers.
	for _, addr := range []string{edMemberA, edMemberB} {
		c := newClient(t, e.ts.URL, e.sink.loopSMTP)
		c.signIn(addr)
		if resp, body := c.do("PUT", "/api/marks/"+e.items[0].ID, `{"status":"applies"}`); resp.StatusCode != 200 {
			t.Fatalf("mark as %s: %d %s", addr, resp.StatusCode, body)
		}
	}

	// 1. Staff open the draft: the site asks them to sign in, mails them a
	// link (taken here from the loopback SMTP server), and the link's
	// button signs them in; then the draft opens.
	b.navigate(t, "open the draft", chromedp.Navigate(edit))
	b.do(t, "sign-in form", chromedp.WaitVisible(chromedp.ID("email")), chromedp.SendKeys(chromedp.ID("email"), staffer))
	b.navigate(t, "ask for a link", chromedp.Click(chromedp.CSS("form.signin button")))
	b.do(t, "link sent", chromedp.WaitVisible(chromedp.CSS(".signin-sent")))
	link := e.sink.waitLink(t, staffer, 1)
	b.navigate(t, "open the link", chromedp.Navigate(link))
	b.navigate(t, "press sign in", chromedp.Click(chromedp.ID("signin-confirm")))
	b.navigate(t, "open the draft again", chromedp.Navigate(edit))
	b.do(t, "draft", chromedp.WaitVisible(chromedp.ID("edition-form")))
	if n := b.count(t, "li.edition-row"); n != 3 {
		t.Fatalf("the draft shows %d items, want the week's 3", n)
	}
	b.screenshot(t, dir, "edition-01-draft.png")

	// 2. Remove the third item.
	removed := e.items[2]
	b.navigate(t, "remove", chromedp.Click(chromedp.CSS(fmt.Sprintf(`li.edition-row[data-id=%q] button.edition-remove`, removed.ID))))
	b.do(t, "after remove", chromedp.WaitVisible(chromedp.ID("edition-message")))
	if n := b.count(t, "li.edition-row"); n != 2 {
		t.Fatalf("after removing, %d items", n)
	}

	// 3. Add an older text found by search.
	b.do(t, "type a search", chromedp.SendKeys(chromedp.ID("edition-q"), "PFAS chromage"))
	b.navigate(t, "search", chromedp.Click(chromedp.ID("edition-search")))
	b.do(t, "results", chromedp.WaitVisible(chromedp.CSS("ul.edition-results")))
	b.navigate(t, "add", chromedp.Click(chromedp.CSS(fmt.Sprintf(`button.edition-add[value=%q]`, e.older.ID))))
	b.do(t, "after add", chromedp.WaitVisible(chromedp.ID("edition-message")))
	if n := b.count(t, fmt.Sprintf(`li.edition-row[data-id=%q]`, e.older.ID)); n != 1 {
		t.Fatal("the text found by search is not in the edition")
	}

	// 4. Write a note on the first item, and save.
	b.do(t, "write a note", chromedp.SendKeys(chromedp.CSS("li.edition-row:first-child textarea.edition-note-fr"), note))
	b.navigate(t, "save", chromedp.Click(chromedp.ID("edition-save")))
	b.do(t, "saved", chromedp.WaitVisible(chromedp.ID("edition-message")))
	if got := b.text(t, "#edition-message"); !strings.Contains(got, "Enregistré") {
		t.Errorf("after saving: %q", got)
	}
	b.screenshot(t, dir, "edition-02-edited.png")

	// 5. Approve: the archive page shows the edition with the note, as text.
	b.navigate(t, "approve", chromedp.Click(chromedp.ID("edition-approve")))
	b.do(t, "archive page", chromedp.WaitVisible(chromedp.ID("edition")))
	if got := b.text(t, "#edition"); !strings.Contains(got, "avant le 1er mars <b>sans faute</b>.") ||
		!strings.Contains(got, "PFAS") || strings.Contains(got, removed.Title) {
		t.Errorf("archive page:\n%s", got)
	}
	if got := b.text(t, "#edition .edition-counts"); got != "s'applique : 2 adhérents sur 3 · s'applique : 2 adhérents sur 2 « Traitement de surface »" {
		t.Errorf("the members' counts under the first text: %q", got)
	}
	if n := b.count(t, "#edition b"); n != 0 {
		t.Error("the note's markup became markup")
	}
	b.screenshot(t, dir, "edition-03-archive.png")
	for _, addr := range []string{edCommission, edSecond} {
		m := e.sink.to(t, addr)
		if len(m) != 1 {
			t.Errorf("%s received %d mails, want 1", addr, len(m))
			continue
		}
		if !strings.Contains(m[0], "avant le 1er mars") || strings.Contains(m[0], removed.Title) {
			t.Errorf("mail to %s lacks the note or keeps the removed item", addr)
		}
	}
	if n := e.sink.editionMails(); n != 2 {
		t.Errorf("the sink got %d mails, want 2", n)
	}

	// 6. The list of editions links to it.
	b.navigate(t, "list", chromedp.Click(chromedp.CSS(`header nav a[href="/editions"]`)))
	b.do(t, "list", chromedp.WaitVisible(chromedp.CSS("ul.editions")))
	if got := b.text(t, `header nav a[aria-current="page"]`); got != "Éditions" {
		t.Errorf("the menu's current entry says %q", got)
	}
	if n := b.count(t, `ul.editions a[href="/editions/environment-weekly/2026-W48"]`); n != 1 {
		t.Error("the list of editions does not link to the sent edition")
	}

	// 7. The print view: no navigation, links printed as references.
	b.navigate(t, "print view", chromedp.Navigate(e.ts.URL+"/editions/environment-weekly/2026-W48?print=1"))
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	for _, sel := range []string{"header.top", "header nav", "footer", ".edition-actions"} {
		js := fmt.Sprintf(`getComputedStyle(document.querySelector(%q)).display`, sel)
		if got := value(t, b, "print "+sel, chromedp.Evaluate[string](js)); got != "none" {
			t.Errorf("printed, %s is displayed (%s)", sel, got)
		}
	}
	js := `getComputedStyle(document.querySelector('.edition-item h3 a[href^="http"]'), '::after').content`
	if got := value(t, b, "printed link", chromedp.Evaluate[string](js)); !strings.Contains(got, "legifrance") {
		t.Errorf("a printed link shows %q after it, want its address", got)
	}
	b.screenshot(t, dir, "edition-04-print.png")
	// Print → PDF takes the stylesheet's page size: A4 (595 × 842 pt).
	prefer := true
	pdf, err := chromedp.Call(b.ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &prefer})
	if err != nil {
		t.Fatal(err)
	}
	box := regexp.MustCompile(`/MediaBox \[0 0 ([\d.]+) ([\d.]+)`).FindSubmatch(pdf.Data)
	if box == nil {
		t.Fatal("the printed PDF has no page")
	}
	w, _ := strconv.ParseFloat(string(box[1]), 64)
	h, _ := strconv.ParseFloat(string(box[2]), 64)
	if math.Abs(w-595.28) > 2 || math.Abs(h-841.89) > 2 { // A4 is 210 × 297 mm
		t.Errorf("printed page is %.1f × %.1f pt, want A4 (595.3 × 841.9)", w, h)
	}
	if err := os.WriteFile(filepath.Join(dir, "edition-print.pdf"), pdf.Data, 0o644); err != nil {
		t.Fatal(err)
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.errors {
		t.Errorf("browser reported: %s", m)
	}
}
