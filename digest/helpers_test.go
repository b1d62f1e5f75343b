package digest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/mailtest"
	"github.com/nogentech/veille/store"
)

var paris = mustLoc("Europe/Paris")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixtureItems reads testdata/items.json (real items of the corpus).
func fixtureItems(t testing.TB) []veille.Item {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "items.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw []struct {
		veille.Item
		Key string `json:"key"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	var out []veille.Item
	for _, r := range raw {
		it := r.Item
		it.ID = veille.ItemID(it.Link)
		it.Sources = []string{it.Source}
		out = append(out, it)
	}
	return out
}

func byKeyword(t testing.TB, items []veille.Item, word string) veille.Item {
	t.Helper()
	for _, it := range items {
		if strings.Contains(it.Title, word) {
			return it
		}
	}
	t.Fatalf("no fixture item with %q", word)
	return veille.Item{}
}

func testConfig(smtpPort int) veille.Config {
	lbl := func(fr, en string) map[string]string { return map[string]string{"fr": fr, "en": en} }
	return veille.Config{
		Timezone: "Europe/Paris",
		Location: paris,
		Domains: []veille.Category{
			{ID: "environment", Label: lbl("Environnement", "Environment")},
			{ID: "health-safety", Label: lbl("Santé-sécurité", "Health and safety")},
			{ID: "medical-devices", Label: lbl("Dispositifs médicaux", "Medical devices")},
		},
		Competences: []veille.Category{
			{ID: "surface-treatment", Label: lbl("Traitement de surface", "Surface treatment")},
			{ID: "heat-treatment", Label: lbl("Traitement thermique", "Heat treatment")},
			{ID: "forging", Label: lbl("Forge", "Forging")},
			{ID: "medical-implants", Label: lbl("Implants médicaux", "Medical implants")},
		},
		Sources: []veille.Source{
			{ID: "jorf-te", Name: "JORF – Transition écologique", Every: veille.Duration(2 * time.Hour)},
			{ID: "jorf-sante", Name: "JORF – Santé", Every: veille.Duration(2 * time.Hour)},
			{ID: "jorf-travail", Name: "JORF – Travail", Every: veille.Duration(2 * time.Hour)},
			{ID: "fda-device-recalls", Name: "FDA device recalls", Every: veille.Duration(6 * time.Hour)},
			{ID: "echa-news", Name: "ECHA news", Every: veille.Duration(2 * time.Hour)},
			{ID: "old-source", Name: "Old source", Every: veille.Duration(time.Hour)},
			{ID: "off", Name: "Disabled", Disabled: true},
		},
		Members: []veille.Member{
			{ID: "traitement-est", Name: "Traitements de l'Est", Competences: []string{"surface-treatment"}, Email: "hse@traitement-est.example"},
			{ID: "thermo-en", Name: "Thermo Works", Competences: []string{"heat-treatment"}, Email: "ehs@thermo.example", Lang: "en"},
			{ID: "forge-exemple", Name: "Forge Exemple", Competences: []string{"forging"}, Email: "veille@forge.example"},
		},
		Digests: []veille.Digest{{
			ID: "environment-weekly", Schedule: "0 8 * * 1", Domains: []string{"environment"},
			Members: "all", To: []string{"commission-environnement@cluster.example"},
		}},
		Alerts: []veille.Alert{{
			ID: "medical-device-rules", Domains: []string{"medical-devices"},
			To: []string{"qualite@implants.example"}, Batch: BatchItem,
		}},
		SMTP:   veille.SMTP{Host: "127.0.0.1", Port: smtpPort, From: "veille@cluster.example", TLS: "none"},
		Server: veille.Server{BaseURL: "https://veille.cluster.example"},
	}
}

// received is one message the test SMTP server accepted.
type received = mailtest.Message

// smtpServer is the shared test SMTP server (internal/mailtest), with the
// lower-case names these tests were written with.
type smtpServer struct{ *mailtest.Server }

func newSMTPServer(t testing.TB) smtpServer { return smtpServer{mailtest.NewServer(t)} }

func (s smtpServer) messages() []received      { return s.Messages() }
func (s smtpServer) to(addr string) []received { return s.To(addr) }

var errHang = mailtest.ErrHang

func smtpErr(code int, msg string) error { return mailtest.Error(code, msg) }

// parsed is a received mail, decoded.
type parsed struct {
	Header mail.Header
	Text   string
	HTML   string
}

func parseMail(t testing.TB, data []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("received mail does not parse: %v\n%s", err, data)
	}
	p := parsed{Header: m.Header}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type %q: %v", m.Header.Get("Content-Type"), err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		t.Fatalf("content type %s, want multipart/alternative", mt)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = part
		if strings.EqualFold(part.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(part)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			p.Text = string(b)
		case "text/html":
			p.HTML = string(b)
		}
	}
	return p
}

func decodedSubject(t testing.TB, h mail.Header) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil {
		t.Fatalf("subject %q: %v", h.Get("Subject"), err)
	}
	return s
}

// env is a notifier over a real store file, a real SMTP server and a
// test clock.
type env struct {
	t     *testing.T
	cfg   veille.Config
	dir   string
	store *store.Store
	smtp  smtpServer
	clock *clock
	opts  Options
}

func newEnv(t *testing.T, now time.Time) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), smtp: newSMTPServer(t), clock: &clock{t: now}}
	e.cfg = testConfig(e.smtp.Port)
	e.openStore()
	return e
}

func (e *env) openStore() {
	e.t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(e.dir, "veille.db"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.store = s
	e.t.Cleanup(func() { s.Close() })
}

// restart closes the store and opens it again, like a new process.
func (e *env) restart() {
	e.t.Helper()
	e.store.Close()
	e.openStore()
}

func (e *env) notifier(mod ...func(*Options)) *Notifier {
	e.t.Helper()
	o := e.opts
	o.Config = e.cfg
	o.Store = e.store
	o.Now = e.clock.Now
	if o.Backoff == 0 {
		o.Backoff = 5 * time.Millisecond
	}
	if o.MaxBackoff == 0 {
		o.MaxBackoff = 50 * time.Millisecond
	}
	if o.Mailer == nil {
		m, err := NewSMTPMailer(SMTPOptions{Host: "127.0.0.1", Port: e.smtp.Port, TLS: "none", Timeout: 5 * time.Second})
		if err != nil {
			e.t.Fatal(err)
		}
		o.Mailer = m
	}
	for _, f := range mod {
		f(&o)
	}
	n, err := New(o)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// seed records items first seen at the given time.
func (e *env) seed(at time.Time, items ...veille.Item) []veille.Item {
	e.t.Helper()
	for i := range items {
		items[i].FirstSeen = at
	}
	res, err := e.store.UpsertItems(context.Background(), items)
	if err != nil {
		e.t.Fatal(err)
	}
	return res.New
}

func (e *env) deliveries(f store.DeliveryFilter) []store.Delivery {
	e.t.Helper()
	f.Limit = 1000
	ds, err := e.store.Deliveries(context.Background(), f)
	if err != nil {
		e.t.Fatal(err)
	}
	return ds
}
