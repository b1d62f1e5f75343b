package digest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/store"
)

// hook is an httptest webhook receiver that records every POST and answers
// with the scripted statuses, then 200.
type hook struct {
	srv *httptest.Server

	mu       sync.Mutex
	calls    int
	bodies   [][]byte
	headers  []http.Header
	statuses []int // answers of the first calls
	accepted [][]byte
}

func newHook(t *testing.T, statuses ...int) *hook {
	h := &hook{statuses: statuses}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.calls++
		n := h.calls
		h.bodies = append(h.bodies, b)
		h.headers = append(h.headers, r.Header.Clone())
		status := http.StatusOK
		if n <= len(h.statuses) {
			status = h.statuses[n-1]
		}
		if status < 300 {
			h.accepted = append(h.accepted, b)
		}
		h.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, http.StatusText(status))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) snapshot() (calls int, accepted [][]byte, headers []http.Header) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls, append([][]byte(nil), h.accepted...), append([]http.Header(nil), h.headers...)
}

const testSecret = "s3cret-for-tests"

func withSecret(o *Options) {
	o.Getenv = func(k string) string {
		if k == "VEILLE_TEST_HOOK_SECRET" {
			return testSecret
		}
		return ""
	}
}

// medical returns the fixture's medical-device items, published just
// before at so they are news.
func medical(t *testing.T, at time.Time) (coronary, aortic, decree, medtronic veille.Item) {
	items := fixtureItems(t)
	pick := func(w string) veille.Item {
		it := byKeyword(t, items, w)
		it.Published = at.Add(-time.Hour).UTC()
		return it
	}
	return pick("coronaires"), pick("aortiques"), pick("2021-204"), pick("Medtronic")
}

func TestAlertsByMailAndWebhook(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, paris)
	e := newEnv(t, t0)
	h := newHook(t)
	e.cfg.Alerts[0].Webhook = h.srv.URL + "/veille"
	e.cfg.Alerts[0].SecretEnv = "VEILLE_TEST_HOOK_SECRET"
	coronary, aortic, decree, medtronic := medical(t, t0)
	env := byKeyword(t, fixtureItems(t), "laboratoires")
	ctx := context.Background()

	// Items already there when the rule is first seen are not alerted.
	e.seed(t0.Add(-time.Hour), aortic, decree)
	n := e.notifier(withSecret)
	run, err := n.RunAlerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if run.Sent != 0 || len(e.smtp.messages()) != 0 {
		t.Fatalf("a new rule alerted on existing items: %+v", run)
	}

	// A crawl brings two medical items and an environment one.
	e.clock.Set(t0.Add(2 * time.Hour))
	e.seed(t0.Add(2*time.Hour), coronary, medtronic, env)
	e.clock.Add(time.Minute)
	run, err = n.RunAlerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if run.Sent != 4 || run.Matched["medical-device-rules"] != 2 {
		t.Errorf("run = %+v, want 2 items × (mail + webhook) sent", run)
	}
	mails := e.smtp.to("qualite@implants.example")
	if len(mails) != 2 {
		t.Fatalf("%d alert mails, want one per item (batch: item)", len(mails))
	}
	var subjects []string
	for _, raw := range mails {
		m := parseMail(t, raw.Data)
		subj := decodedSubject(t, m.Header)
		subjects = append(subjects, subj)
		if !strings.HasPrefix(subj, "[Alerte veille] ") {
			t.Errorf("subject %q", subj)
		}
		if strings.Contains(subj, "coronaires") {
			for _, want := range []string{coronary.Link, "https://veille.cluster.example/items/" + coronary.ID,
				"Dispositifs médicaux\u00a0: L. 165-1, endoprothèses", "règle medical-device-rules", "JORF – Santé", "30 novembre 2026"} {
				if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, htmlEscape(want)) {
					t.Errorf("coronary alert lacks %q in text or HTML:\n%s", want, m.Text)
				}
			}
		}
	}
	if !strings.Contains(strings.Join(subjects, "|"), "Medtronic Recalls MiniMed") {
		t.Errorf("subjects %v lack the FDA recall", subjects)
	}

	calls, accepted, headers := h.snapshot()
	if calls != 2 || len(accepted) != 2 {
		t.Fatalf("webhook got %d calls", calls)
	}
	rows := e.deliveries(store.DeliveryFilter{Kind: KindAlert, Recipient: h.srv.URL + "/veille"})
	ids := map[string]bool{}
	for _, r := range rows {
		ids[r.MessageID] = true
	}
	for i, body := range accepted {
		if sig := headers[i].Get(SignatureHeader); !VerifySignature([]byte(testSecret), body, sig) {
			t.Errorf("webhook signature %q does not verify", sig)
		}
		if VerifySignature([]byte("wrong"), body, headers[i].Get(SignatureHeader)) {
			t.Error("signature verifies under another secret")
		}
		if !ids[headers[i].Get(DeliveryHeader)] {
			t.Errorf("delivery header %q is not a ledger Message-ID", headers[i].Get(DeliveryHeader))
		}
		var wb WebhookBody
		if err := json.Unmarshal(body, &wb); err != nil {
			t.Fatalf("webhook body: %v\n%s", err, body)
		}
		if wb.Event != "alert" || wb.Alert != "medical-device-rules" || len(wb.Items) != 1 || wb.Delivery != headers[i].Get(DeliveryHeader) {
			t.Errorf("webhook body = %+v", wb)
		}
		it := wb.Items[0]
		if it.ID != coronary.ID && it.ID != medtronic.ID {
			t.Errorf("webhook item %s is not one of the new medical items", it.ID)
		}
		if it.Title == "" || !strings.HasPrefix(it.Link, "https://") || it.URL != "https://veille.cluster.example/items/"+it.ID ||
			len(it.Domains) == 0 || it.Why["medical-devices"] == nil || it.Published == nil || it.FirstSeen.IsZero() {
			t.Errorf("webhook item incomplete: %+v", it)
		}
	}

	// Nothing new: nothing sent. An updated item is not new either.
	e.clock.Add(5 * time.Minute)
	changed := aortic
	changed.Summary = "Texte modifié après publication."
	changed.FirstSeen = time.Time{}
	if res, err := e.store.UpsertItems(ctx, []veille.Item{changed}); err != nil || len(res.Updated) != 1 {
		t.Fatalf("update: %+v %v", res, err)
	}
	run, err = n.RunAlerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if run.Sent != 0 || len(e.smtp.messages()) != 2 {
		t.Errorf("second run sent %d (server has %d mails)", run.Sent, len(e.smtp.messages()))
	}
	// A restarted process does not alert again either.
	e.restart()
	if _, err := e.notifier(withSecret).RunAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _, _ := h.snapshot(); c != 2 || len(e.smtp.messages()) != 2 {
		t.Errorf("after restart: %d webhook calls, %d mails", c, len(e.smtp.messages()))
	}
}

func TestAlertBatchCrawl(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, paris)
	e := newEnv(t, t0)
	e.cfg.Alerts[0].Batch = BatchCrawl
	e.cfg.Alerts[0].Lang = "en"
	n := e.notifier()
	ctx := context.Background()
	if _, err := n.RunAlerts(ctx); err != nil { // the rule starts now
		t.Fatal(err)
	}
	coronary, aortic, _, medtronic := medical(t, t0)
	e.clock.Add(time.Hour)
	e.seed(e.clock.Now(), coronary, aortic, medtronic)
	if _, err := n.RunAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	mails := e.smtp.messages()
	if len(mails) != 1 {
		t.Fatalf("%d mails, want one for the crawl", len(mails))
	}
	m := parseMail(t, mails[0].Data)
	if got := decodedSubject(t, m.Header); got != "[Watch alert] 3 new items" {
		t.Errorf("subject %q", got)
	}
	for _, it := range []veille.Item{coronary, aortic, medtronic} {
		if !strings.Contains(m.Text, it.Link) {
			t.Errorf("batch lacks %s", it.Link)
		}
	}
	rows := e.deliveries(store.DeliveryFilter{Kind: KindAlert})
	if len(rows) != 1 || len(rows[0].ItemIDs) != 3 || !strings.HasPrefix(rows[0].Period, "crawl-") {
		t.Errorf("ledger = %+v", rows)
	}
	// Within the look-back window the same items are seen again and skipped.
	e.clock.Add(2 * time.Minute)
	if _, err := n.RunAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	if len(e.smtp.messages()) != 1 {
		t.Errorf("items alerted twice")
	}
}

// openIndex opens a real Bleve index in a temp dir with the items in it.
func openIndex(t *testing.T, items ...veille.Item) *index.Index {
	t.Helper()
	ix, err := index.Open(filepath.Join(t.TempDir(), "index.bleve"), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if len(items) > 0 {
		if err := ix.Upsert(context.Background(), items, 1); err != nil {
			t.Fatal(err)
		}
	}
	return ix
}

func TestAlertQueryThroughIndex(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, paris)
	e := newEnv(t, t0)
	e.cfg.Alerts[0].Query = "coronaires"
	ix := openIndex(t)
	n := e.notifier(func(o *Options) { o.Index = ix })
	ctx := context.Background()
	if _, err := n.RunAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	coronary, aortic, _, medtronic := medical(t, t0)
	e.clock.Add(time.Hour)
	stored := e.seed(e.clock.Now(), coronary, aortic)
	if err := ix.Upsert(ctx, stored, 2); err != nil {
		t.Fatal(err)
	}
	// The third item is in the store but not yet in the index (a crash
	// between the two writes): it must wait, not be judged unmatched.
	medtronic.Title = "Recall of coronaires stents (coronaires)"
	late := e.seed(e.clock.Now().Add(time.Second), medtronic)
	e.clock.Add(time.Minute)
	run, err := n.RunAlerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mails := e.smtp.messages()
	if len(mails) != 1 || run.Matched["medical-device-rules"] != 1 {
		t.Fatalf("%d mails (run %+v), want only the coronary stents act", len(mails), run)
	}
	m := parseMail(t, mails[0].Data)
	if !strings.Contains(m.Text, coronary.Link) || !strings.Contains(m.Text, "termes trouvés\u00a0: coronaires") {
		t.Errorf("alert lacks the item or the matched term:\n%s", m.Text)
	}
	// The index catches up; the next run alerts the late item.
	if err := ix.Upsert(ctx, late, 3); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(30 * time.Minute)
	if _, err := n.RunAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(e.smtp.messages()); got != 2 {
		t.Errorf("after the index caught up: %d mails, want 2", got)
	}

	// alert test replays the rule over the index without sending.
	at, err := n.TestAlert(ctx, "medical-device-rules", 90)
	if err != nil {
		t.Fatal(err)
	}
	if at.Total != 2 || len(at.Matches) != 2 || at.Mails != 2 {
		t.Errorf("alert test = total %d, %d matches, %d mails; want 2", at.Total, len(at.Matches), at.Mails)
	}
	if got := len(e.smtp.messages()); got != 2 {
		t.Errorf("alert test sent mail")
	}
	if _, err := n.TestAlert(ctx, "nope", 90); err == nil {
		t.Error("alert test of an unknown rule succeeded")
	}
	bad := e.notifier(func(o *Options) { o.Index = ix; o.Config.Alerts[0].Query = `"unbalanced` })
	if _, err := bad.TestAlert(ctx, "medical-device-rules", 90); err == nil {
		t.Error("a malformed query gave no error")
	}
}
