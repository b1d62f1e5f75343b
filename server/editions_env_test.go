package server

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http/httptest"
	"net/mail"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/members"
	"github.com/nogentech/veille/store"
)

// sink is the loopback SMTP server (internal/mailtest) with what the
// edition's tests read: each mail's decoded parts.
type sink struct{ *loopSMTP }

// to returns the text and HTML parts of each mail to addr.
func (s sink) to(t *testing.T, addr string) []string { return s.parts(t, addr, "") }

// htmlTo returns the HTML part of each mail to addr.
func (s sink) htmlTo(t *testing.T, addr string) []string { return s.parts(t, addr, "text/html") }

func (s sink) parts(t *testing.T, addr, ct string) []string {
	t.Helper()
	var out []string
	for _, m := range s.Server.To(addr) {
		out = append(out, mailPart(t, m.Data, ct))
	}
	return out
}

// editionMails counts the mails to the edition's recipients (not the
// sign-in links to staff).
func (s sink) editionMails() int { return len(s.Server.To(edCommission)) + len(s.Server.To(edSecond)) }

// mailBody decodes every part of a multipart mail, joined.
func mailBody(t *testing.T, data []byte) string { return mailPart(t, data, "") }

// mailPart decodes the parts of a multipart mail of content type ct (all
// when empty), joined.
func mailPart(t *testing.T, data []byte, ct string) string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		if pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct != "" && pt != ct {
			continue
		}
		var r io.Reader = part
		if strings.EqualFold(part.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			r = quotedprintable.NewReader(part)
		}
		body, _ := io.ReadAll(r)
		b.Write(body)
		b.WriteString("\n")
	}
	return b.String()
}

const (
	edToken      = "staff-secret-token"
	edTokenEnv   = "VEILLE_EDITION_TEST_TOKEN"
	edCommission = "commission-environnement@cluster.example"
	edSecond     = "president@cluster.example"
	edMemberA    = "qualite@forge-a.example"
	edMemberB    = "qualite@surf-b.example"
)

// edEnv is a server with a real store, index and SMTP sink, and a
// notifier that sends, during week 48 of 2026.
type edEnv struct {
	ts    *httptest.Server
	cfg   veille.Config
	store *store.Store
	index *index.Index
	sink  sink
	now   time.Time
	n     *digest.Notifier
	w48   digest.Period
	items []veille.Item
	older veille.Item
}

func newEdEnv(t *testing.T) *edEnv {
	t.Helper()
	ctx := context.Background()
	paris, _ := time.LoadLocation("Europe/Paris")
	e := &edEnv{sink: sink{newLoopSMTP(t)}, now: time.Date(2026, 11, 26, 15, 0, 0, 0, paris)}
	e.w48 = digest.WeekOf(e.now, paris)
	dir := t.TempDir()
	// The server listens before it is built: its base URL starts the
	// sign-in links it mails.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if e.store, err = store.Open(ctx, filepath.Join(dir, "veille.db")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.store.Close() })
	if e.index, err = index.Open(filepath.Join(dir, "index.bleve"), index.Options{Logger: testLogger()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.index.Close() })
	lbl := func(fr, en string) map[string]string { return map[string]string{"fr": fr, "en": en} }
	cfg := veille.Config{Timezone: "Europe/Paris", Location: paris,
		Domains:     []veille.Category{{ID: "environment", Label: lbl("Environnement", "Environment")}},
		Competences: []veille.Category{{ID: "surface-treatment", Label: lbl("Traitement de surface", "Surface treatment")}},
		Sources: []veille.Source{{ID: "jorf-te", Name: "JORF – Transition écologique", Every: veille.Duration(time.Hour)},
			{ID: "echa-news", Name: "ECHA news", Every: veille.Duration(time.Hour)}},
		Digests: []veille.Digest{{ID: "environment-weekly", Title: "Veille environnement", Schedule: "0 8 * * 1",
			Domains: []string{"environment"}, To: []string{edCommission, edSecond}, Editorial: true, OnTimeout: veille.OnTimeoutHold}},
		Staff: []string{staffer},
		// Members mark items in their registers; the edition counts them.
		Members: []veille.Member{{ID: "forge-a", Name: "Forge A", Email: edMemberA, Competences: []string{"surface-treatment"}},
			{ID: "surf-b", Name: "Surf B", Email: edMemberB, Competences: []string{"surface-treatment"}},
			{ID: "third-c", Name: "Third C", Email: "contact@third-c.example"}},
		SMTP:   veille.SMTP{Host: "127.0.0.1", Port: e.sink.port, From: "veille@cluster.example", TLS: "none"},
		Server: veille.Server{BaseURL: "http://" + ln.Addr().String(), AdminTokenEnv: edTokenEnv},
	}
	mk := func(n int, title string, first time.Time) veille.Item {
		link := "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT0000000" + strconv.Itoa(1000+n)
		return veille.Item{ID: veille.ItemID(link), Title: title, Link: link, Source: "jorf-te", Sources: []string{"jorf-te"},
			Lang: "fr", Published: first.Add(-time.Hour), FirstSeen: first, Summary: "Article 1 " + title,
			Domains: []string{"environment"}, Competences: []string{"surface-treatment"}}
	}
	d := func(day, h int) time.Time { return time.Date(2026, 11, day, h, 0, 0, 0, paris) }
	e.items = []veille.Item{
		mk(1, "Arrêté du 23 novembre 2026 relatif aux installations de traitement de surface (rubrique 2565)", d(23, 10)),
		mk(2, "Décret du 24 novembre 2026 relatif aux rejets de substances dangereuses dans l'eau", d(24, 10)),
		mk(3, "Arrêté du 25 novembre 2026 portant agrément d'un éco-organisme", d(25, 10)),
	}
	e.older = mk(4, "Décret du 2 septembre 2026 restreignant les PFAS dans les bains de chromage", d(2, 10).AddDate(0, -2, 0))
	res, err := e.store.UpsertItems(ctx, append(append([]veille.Item(nil), e.items...), e.older))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.index.Upsert(ctx, res.New, res.MaxSeq); err != nil {
		t.Fatal(err)
	}
	e.cfg = cfg
	now := func() time.Time { return e.now }
	mailer, err := digest.NewSMTPMailer(digest.SMTPOptions{Host: "127.0.0.1", Port: e.sink.port, TLS: "none", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if e.n, err = digest.New(digest.Options{Config: cfg, Store: e.store, Index: e.index, Mailer: mailer, Now: now,
		Counts: members.ClusterCounter(cfg, e.store)}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Config: cfg, Store: e.store, Index: e.index, Now: now, Logger: testLogger(), Notifier: e.n,
		Getenv: func(k string) string {
			if k == edTokenEnv {
				return edToken
			}
			return ""
		}})
	if err != nil {
		t.Fatal(err)
	}
	e.ts = httptest.NewUnstartedServer(srv.Handler())
	e.ts.Listener.Close()
	e.ts.Listener = ln
	e.ts.Start()
	t.Cleanup(func() { e.ts.Close(); srv.Wait() })
	return e
}

// staff returns a client signed in as staff with the mailed link, as a
// browser would be.
func (e *edEnv) staff(t *testing.T) *mclient {
	t.Helper()
	c := newClient(t, e.ts.URL, e.sink.loopSMTP)
	c.signIn(staffer)
	return c
}
