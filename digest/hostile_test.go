package digest

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/nogentech/veille"
)

// Feed text is hostile input: markup, header injection, absurd lengths.
func hostileItems(at time.Time) []veille.Item {
	mk := func(key, title, link, summary string) veille.Item {
		return veille.Item{ID: veille.ItemID(key), Title: title, Link: link, Source: "jorf-sante", Sources: []string{"jorf-sante"},
			Lang: "fr", Published: at.Add(-time.Hour), Summary: summary,
			Domains: []string{"medical-devices", "environment"}, Competences: []string{"surface-treatment"},
			Why: map[string][]string{"medical-devices": {"<b>MDR</b>"}}}
	}
	return []veille.Item{
		mk("markup", `<script>alert(1)</script><img src=x onerror=alert(2)> Chrome <b>VI</b> & "REACH"`,
			"javascript:alert(document.cookie)", `Texte <a href="javascript:alert(3)">piège</a> <iframe src="https://evil.example"></iframe>`),
		mk("crlf", "Arrêté sur les implants\r\nBcc: victim@evil.example\r\nX-Injected: yes\n\nbody", "https://example.org/crlf",
			"Résumé\r\n.\r\nMAIL FROM:<evil@example.org>"),
		mk("long", strings.Repeat("Règlement très long ", 500), "https://example.org/long", strings.Repeat("texte ", 3000)),
	}
}

func checkSafeMail(t *testing.T, raw received, wantTo string) {
	t.Helper()
	if len(raw.To) != 1 || raw.To[0] != wantTo {
		t.Errorf("envelope recipients %v, want only %s", raw.To, wantTo)
	}
	m := parseMail(t, raw.Data)
	for _, h := range []string{"Bcc", "X-Injected"} {
		if m.Header.Get(h) != "" {
			t.Errorf("injected header %s: %q", h, m.Header.Get(h))
		}
	}
	subj := decodedSubject(t, m.Header)
	if strings.ContainsAny(subj, "\r\n") || utf8.RuneCountInString(subj) > maxSubject {
		t.Errorf("subject of %d characters or with a line break: %q", utf8.RuneCountInString(subj), subj)
	}
	for _, line := range strings.Split(string(raw.Data), "\r\n") {
		if len(line) > 998 {
			t.Errorf("a line of %d bytes in the raw mail (RFC 5322 limit 998)", len(line))
			break
		}
	}
	checkInertHTML(t, m.HTML)
	if strings.Contains(m.Text, "<script>") && !strings.Contains(m.HTML, "&lt;script&gt;") {
		t.Errorf("the markup title is not shown escaped")
	}
	if strings.Count(m.Text, "Règlement très long") > 40 || strings.Count(m.HTML, "Règlement très long") > 40 {
		t.Errorf("the 10 KB title is not cut in the bodies")
	}
	if len(raw.Data) > 200_000 {
		t.Errorf("mail of %d bytes", len(raw.Data))
	}
}

// checkInertHTML parses the body as a browser would and fails on any
// element or attribute that could run code or load content.
func checkInertHTML(t *testing.T, body string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"html": true, "head": true, "body": true, "meta": true, "title": true, "table": true,
		"tbody": true, "tr": true, "td": true, "th": true, "h1": true, "h2": true, "h3": true, "p": true, "a": true,
		"span": true, "strong": true, "br": true}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !allowed[n.Data] {
				t.Errorf("HTML body has a <%s> element", n.Data)
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || (a.Key == "href" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "#")) || a.Key == "src" {
					t.Errorf("HTML body has <%s %s=%q>", n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}

func TestHostileTitlesInAlerts(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, paris)
	e := newEnv(t, t0)
	n := e.notifier()
	if _, err := n.RunAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Hour)
	e.seed(e.clock.Now(), hostileItems(t0)...)
	if _, err := n.RunAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := e.smtp.messages()
	if len(msgs) != 3 {
		t.Fatalf("%d mails, want 3", len(msgs))
	}
	for _, raw := range msgs {
		checkSafeMail(t, raw, "qualite@implants.example")
		m := parseMail(t, raw.Data)
		if s := decodedSubject(t, m.Header); strings.Contains(s, "implants") && !strings.Contains(s, "Bcc: victim") {
			t.Errorf("the CR/LF title lost its text instead of folding it: %q", s)
		}
	}
}

func TestHostileTitlesInDigest(t *testing.T) {
	e := newEnv(t, monday)
	oneRecipient(e)
	items := hostileItems(time.Date(2026, 11, 25, 12, 0, 0, 0, paris))
	e.seed(time.Date(2026, 11, 25, 12, 0, 0, 0, paris), items...)
	if _, err := e.notifier().SendDigest(context.Background(), "environment-weekly", w48); err != nil {
		t.Fatal(err)
	}
	msgs := e.smtp.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails", len(msgs))
	}
	checkSafeMail(t, msgs[0], commission)
}

func TestSubjectAndOneLine(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"crlf":            {"a\r\nBcc: x", "a Bcc: x"},
		"tabs and spaces": {"  a \t b  ", "a b"},
		"line separator":  {"a\u2028b\u2029c", "a b c"},
		"bidi override":   {"abc\u202edef", "abcdef"},
		"invalid utf-8":   {"a\xffb", "a\uFFFDb"},
		"nul":             {"a\x00b", "a b"},
	}
	for name, tc := range tests {
		if got := oneLine(tc.in); got != tc.want {
			t.Errorf("%s: oneLine(%q) = %q, want %q", name, tc.in, got, tc.want)
		}
	}
	long := Subject(strings.Repeat("é", 1000))
	if n := utf8.RuneCountInString(long); n > maxSubject || !strings.HasSuffix(long, "…") || !utf8.ValidString(long) {
		t.Errorf("long subject: %d runes, %q…", n, long[:20])
	}
	if got := Subject("court"); got != "court" {
		t.Errorf("short subject changed: %q", got)
	}
	if safeURL("javascript:alert(1)") != "" || safeURL("data:text/html,x") != "" || safeURL("https://ok.example/a?b=1") == "" {
		t.Error("safeURL lets a dangerous scheme through or drops a good link")
	}
}
