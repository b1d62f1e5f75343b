package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/store"
)

// Addresses of the members' space tests: member A (by mail domain and a
// listed user), member B (by its address), staff, and a stranger.
const (
	userA    = "qualite@forge-a.example"
	userA2   = "patron@webmail.example"
	userB    = "qualite@surf-b.example"
	staffer  = "equipe@cluster.example"
	stranger = "someone@elsewhere.example"
)

// membersYAML is a feeds.yaml with the members' keys; %d is the SMTP port,
// %s the base URL, %t server.public.
const membersYAML = `timezone: Europe/Paris
domains:
  - id: environment
    label: {fr: Environnement, en: Environment}
    keywords: [déchets]
competences:
  - id: forging
    label: {fr: Forge, en: Forging}
    keywords: [forge]
  - id: surface-treatment
    label: {fr: Traitement de surface, en: Surface treatment}
    keywords: [galvanoplastie]
sources:
  - id: src
    name: Source
    url: https://example.org/feed.xml
members:
  - id: forge-a
    name: Forge A
    competences: [forging]
    mail_domains: [forge-a.example]
    users: [` + userA2 + `]
  - id: surf-b
    name: Surf B
    competences: [surface-treatment]
    email: ` + userB + `
    lang: en
staff: [` + staffer + `]
digests:
  - id: env-weekly
    title: Veille environnement
    schedule: "0 8 * * 1"
    domains: [environment]
    to: [commission@cluster.example]
    editorial: true
smtp: {host: 127.0.0.1, port: %d, from: veille@cluster.example, tls: none}
server:
  base_url: %s
  public: %t
`

// memberEnv is a server with members over its own store and index.
type memberEnv struct {
	t     testing.TB
	cfg   veille.Config
	st    *store.Store
	ix    *index.Index
	smtp  *loopSMTP
	srv   *Server
	ts    *httptest.Server
	clock *testClock
	items []veille.Item
}

type testClock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.d)
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.d += d
	c.mu.Unlock()
}

func membersConfig(t testing.TB, smtpPort int, base string, public bool) veille.Config {
	t.Helper()
	cfg, err := veille.ParseConfig([]byte(fmt.Sprintf(membersYAML, smtpPort, base, public)), "feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func newMemberEnv(t *testing.T, public bool) *memberEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	e := &memberEnv{t: t, smtp: newLoopSMTP(t), clock: &testClock{}}
	var err error
	if e.st, err = store.Open(ctx, filepath.Join(dir, "veille.db")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.st.Close() })
	if e.ix, err = index.Open(filepath.Join(dir, "index.bleve"), index.Options{Logger: testLogger()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.ix.Close() })
	now := time.Now()
	for i, c := range []string{"forging", "surface-treatment", "forging", "surface-treatment"} {
		e.items = append(e.items, veille.Item{ID: fmt.Sprintf("item-%d", i), Title: fmt.Sprintf("Arrêté %d sur %s", i, c),
			Link: fmt.Sprintf("https://example.org/%d", i), Source: "src", Sources: []string{"src"}, Lang: "fr",
			Published: now.Add(-time.Duration(i+1) * time.Hour), FirstSeen: now, Summary: "Texte " + c,
			Competences: []string{c}})
	}
	// The first item is an act with key dates (as refs/ extracts them).
	e.items[0].Act = &veille.ActID{Kind: "nor", ID: "TREP2612345A"}
	e.items[0].Dates = []veille.KeyDate{{Kind: "entry-into-force", Date: "2027-01-01"}, {Kind: "application", Date: "2027-07-01"}}
	res, err := e.st.UpsertItems(ctx, e.items)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ix.Upsert(ctx, res.New, res.MaxSeq); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.cfg = membersConfig(t, e.smtp.port, "http://"+ln.Addr().String(), public)
	e.ts = httptest.NewUnstartedServer(nil)
	e.ts.Listener.Close()
	e.ts.Listener = ln
	e.start(e.cfg)
	return e
}

// start (re)builds the server over the same store with cfg.
func (e *memberEnv) start(cfg veille.Config) {
	e.t.Helper()
	srv, err := New(Options{Config: cfg, Index: e.ix, Store: e.st, Logger: testLogger(), Now: e.clock.now,
		Getenv: func(string) string { return "" }})
	if err != nil {
		e.t.Fatal(err)
	}
	e.srv = srv
	if e.ts.URL == "" {
		e.ts.Config.Handler = srv.Handler()
		e.ts.Start()
		e.t.Cleanup(func() { e.ts.Close(); srv.Wait() })
	} else {
		e.ts.Config.Handler = srv.Handler()
	}
}

// client is a browser-like client: cookies, no redirects followed.
type mclient struct {
	t    testing.TB
	base string    // the server's URL
	smtp *loopSMTP // where its sign-in links go
	c    *http.Client
	jar  *cookiejar.Jar
}

func (e *memberEnv) client() *mclient { return newClient(e.t, e.ts.URL, e.smtp) }

func newClient(t testing.TB, base string, smtp *loopSMTP) *mclient {
	jar, _ := cookiejar.New(nil)
	return &mclient{t: t, base: base, smtp: smtp, jar: jar, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request; a body of url.Values is a form, a string is JSON.
// Same-origin headers are what a browser sends from the site's own page.
func (c *mclient) do(method, path string, body any, header ...string) (*http.Response, string) {
	c.t.Helper()
	var r *strings.Reader
	ctype := ""
	switch b := body.(type) {
	case url.Values:
		r, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		r, ctype = strings.NewReader(b), "application/json"
	default:
		r = strings.NewReader("")
	}
	u := path
	if strings.HasPrefix(path, "/") {
		u = c.base + path
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if method != http.MethodGet {
		req.Header.Set("Origin", c.base)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	if _, err := readBody(&sb, resp); err != nil {
		c.t.Fatal(err)
	}
	return resp, sb.String()
}

// signIn asks for a link for addr, takes it from the SMTP server, opens it
// and presses the button; it returns the link.
func (c *mclient) signIn(addr string) string {
	c.t.Helper()
	before := len(c.smtp.to(addr))
	if resp, _ := c.do("POST", "/signin", url.Values{"email": {addr}}); resp.StatusCode != 200 {
		c.t.Fatalf("POST /signin: %d", resp.StatusCode)
	}
	link := c.smtp.waitLink(c.t, addr, before+1)
	if resp, body := c.do("GET", link, nil); resp.StatusCode != 200 || !strings.Contains(body, `id="signin-confirm"`) {
		c.t.Fatalf("GET %s: %d, no button", link, resp.StatusCode)
	}
	if resp, _ := c.do("POST", link, nil); resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("POST %s: %d, want 303", link, resp.StatusCode)
	}
	return link
}

// cookie returns the session cookie the jar holds.
func (c *mclient) cookie() string {
	u, _ := url.Parse(c.base)
	for _, k := range c.jar.Cookies(u) {
		if k.Name == "veille_session" {
			return k.Value
		}
	}
	return ""
}

func readBody(sb *strings.Builder, resp *http.Response) (int64, error) {
	b, err := io.ReadAll(resp.Body)
	sb.Write(b)
	return int64(len(b)), err
}

var storeNoFilter = store.MarkFilter{}
