package server

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserMembers walks a member's visit in chromium: sign in with the
// link taken from the loopback SMTP server, save a search (renew its feed
// URL, delete it), mark an item
// "applies" with a due date, export the register as XLSX (read back with
// excelize), sign out.
func TestBrowserMembers(t *testing.T) {
	b := newBrowser(t)
	e := newMemberEnv(t, false)
	dir := artifactDir(t)

	b.navigate(t, "open sign-in", chromedp.Navigate(e.ts.URL+"/signin"))
	b.do(t, "type address", chromedp.SendKeys(chromedp.ID("email"), userA))
	b.navigate(t, "ask for a link", chromedp.Click(chromedp.CSS("form.signin button")))
	b.do(t, "link sent", chromedp.WaitVisible(chromedp.CSS(".signin-sent")))
	link := e.smtp.waitLink(t, userA, 1)
	b.navigate(t, "open the link", chromedp.Navigate(link))
	b.navigate(t, "press sign in", chromedp.Click(chromedp.ID("signin-confirm")))
	b.do(t, "home", chromedp.WaitVisible(chromedp.CSS(".home-summary")))
	if n := b.count(t, "ol.hits > li"); n != 2 {
		t.Errorf("member A's home lists %d items, want its 2 forging items", n)
	}
	b.screenshot(t, dir, "members-01-home.png")

	b.navigate(t, "search", chromedp.Navigate(e.ts.URL+"/?q=arr%C3%AAt%C3%A9&competence=forging"))
	b.do(t, "open save form", chromedp.Click(chromedp.CSS("details.save-search summary")))
	b.do(t, "name the search", chromedp.SendKeys(chromedp.ID("saved-name"), "Forge"))
	b.navigate(t, "save the search", chromedp.Click(chromedp.ID("saved-submit")))
	b.do(t, "saved", chromedp.WaitVisible(chromedp.ID("saved-feed")))
	if got := b.text(t, "ul.saved li a"); got != "Forge" {
		t.Errorf("saved search listed as %q", got)
	}
	first := value(t, b, "feed URL", chromedp.Evaluate[string](`document.getElementById("saved-feed").href`))
	b.navigate(t, "renew the feed URL", chromedp.Click(chromedp.CSS(`button[id^="saved-renew-"]`)))
	if again := value(t, b, "new feed URL", chromedp.Evaluate[string](`document.getElementById("saved-feed").href`)); again == first || !strings.Contains(again, "/feed.atom") {
		t.Errorf("the renewed feed URL %q (was %q)", again, first)
	}
	b.navigate(t, "delete the search", chromedp.Click(chromedp.CSS(`button[id^="saved-delete-"]`)))
	if n := b.count(t, "ul.saved li"); n != 0 {
		t.Errorf("%d saved searches left after delete", n)
	}

	b.navigate(t, "open item", chromedp.Navigate(e.ts.URL+"/items/item-0"))
	b.do(t, "mark applies", chromedp.Click(chromedp.CSS(`input[name=status][value=applies]`)),
		chromedp.SetValue(chromedp.CSS(`input[name=due]`), "2027-03-31"),
		chromedp.SendKeys(chromedp.CSS(`input[name=owner]`), "Alice"))
	b.navigate(t, "save mark", chromedp.Click(chromedp.ID("mark-save")))
	b.do(t, "marked", chromedp.WaitVisible(chromedp.CSS(`input[name=status][value=applies]:checked`)))
	b.screenshot(t, dir, "members-02-mark.png")

	b.navigate(t, "register", chromedp.Navigate(e.ts.URL+"/register"))
	if got := b.text(t, "table.register tbody tr td"); !strings.Contains(got, "Arrêté 0") {
		t.Errorf("register's first row: %q", got)
	}
	x := value(t, b, "download xlsx", chromedp.Evaluate[string](`fetch(document.getElementById("export-xlsx").href)
		.then(r => r.arrayBuffer()).then(buf => { let s = ""; for (const c of new Uint8Array(buf)) s += String.fromCharCode(c); return btoa(s); })`,
		chromedp.EvalAwaitPromise))
	raw, err := base64.StdEncoding.DecodeString(x)
	if err != nil {
		t.Fatal(err)
	}
	rows := xlsxRows(t, raw)
	if len(rows) != 2 || rows[1][0] != "Arrêté 0 sur forging" || rows[1][3] != "S'applique" || rows[1][5] != "Alice" || rows[1][6] != "2027-03-31" {
		t.Fatalf("XLSX rows: %q", rows)
	}

	b.navigate(t, "sign out", chromedp.Click(chromedp.ID("signout")))
	status := value(t, b, "me after sign-out", chromedp.Evaluate[int](`fetch("/api/me").then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != 401 {
		t.Fatalf("/api/me after sign-out: %d", status)
	}
}
