package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A page that needs signing in sends the visitor to the sign-in form, and
// the mailed link brings them back to that page, never to another site.
func TestSignInReturnsToThePageAsked(t *testing.T) {
	e := newMemberEnv(t, false)
	c := e.client()

	resp, _ := c.do("GET", "/register", nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || loc != "/signin?next=%2Fregister" {
		t.Fatalf("GET /register signed out: %d to %q, want 303 to the sign-in form with next", resp.StatusCode, loc)
	}
	if _, body := c.do("GET", loc, nil); !strings.Contains(body, `name="next" value="/register"`) {
		t.Fatalf("the sign-in form does not carry next:\n%s", body)
	}
	if resp, _ := c.do("POST", "/signin", url.Values{"email": {userA}, "next": {"/register"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /signin: %d", resp.StatusCode)
	}
	link := e.smtp.waitLink(t, userA, 1)
	if !strings.HasSuffix(link, "?next=%2Fregister") {
		t.Fatalf("the mailed link %q does not say where to return", link)
	}
	resp, body := c.do("GET", link, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="next" value="/register"`) {
		t.Fatalf("GET %s: %d, the button's form does not carry next:\n%s", link, resp.StatusCode, body)
	}
	resp, _ = c.do("POST", link, url.Values{"next": {"/register"}})
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/register" {
		t.Fatalf("POST %s: %d to %q, want 303 to /register", link, resp.StatusCode, got)
	}
	if resp, _ := c.do("GET", "/register", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /register signed in: %d", resp.StatusCode)
	}
}

// Where sign-in returns to is a path of this site: another site, a
// scheme-relative or a backslash address sends home.
func TestSignInNextStaysOnTheSite(t *testing.T) {
	e := newMemberEnv(t, false)
	// At most 3 links per address an hour: the cases take turns.
	sent := map[string]int{}
	for i, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""} {
		addr := []string{userB, userA2}[i%2]
		c := e.client()
		if resp, _ := c.do("POST", "/signin", url.Values{"email": {addr}, "next": {next}}); resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /signin: %d", resp.StatusCode)
		}
		sent[addr]++
		link := e.smtp.waitLink(t, addr, sent[addr])
		if strings.Contains(link, "next=") {
			t.Errorf("next %q: the link %q carries it", next, link)
		}
		resp, _ := c.do("POST", link, url.Values{"next": {next}})
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/" {
			t.Errorf("next %q: %d to %q, want 303 to /", next, resp.StatusCode, got)
		}
	}
}
