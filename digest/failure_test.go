package digest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille/store"
)

const commission = "commission-environnement@cluster.example"

// oneRecipient makes the weekly digest go to the commission only, so the
// counts below are per message.
func oneRecipient(e *env) { e.cfg.Digests[0].Members = "" }

// messageIDs lists the Message-ID of each mail the server has for addr.
func messageIDs(t *testing.T, e *env, addr string) []string {
	var ids []string
	for _, m := range e.smtp.to(addr) {
		ids = append(ids, parseMail(t, m.Data).Header.Get("Message-Id"))
	}
	return ids
}

// cutMailer is an SMTP mailer whose first connection dies after limit
// bytes (inside the message body), cancelling ctx like a killed process.
func cutMailer(t *testing.T, e *env, limit int, cancel context.CancelFunc) *SMTPMailer {
	m, err := NewSMTPMailer(SMTPOptions{Host: "127.0.0.1", Port: e.smtp.Port, TLS: "none", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	first := true
	m.o.wrap = func(c net.Conn) net.Conn {
		if !first {
			return c
		}
		first = false
		return &cutConn{Conn: c, left: limit, cancel: cancel}
	}
	return m
}

type cutConn struct {
	net.Conn
	left   int
	cancel context.CancelFunc
}

func (c *cutConn) Write(b []byte) (int, error) {
	if len(b) < c.left {
		c.left -= len(b)
		return c.Conn.Write(b)
	}
	n, _ := c.Conn.Write(b[:c.left])
	c.left = 0
	c.cancel()
	c.Conn.Close()
	return n, errors.New("process killed mid-write")
}

// TestDigestCrashAtEachStep stops a send at each step, as a killed process
// would (the context is cancelled and the send abandoned on the spot),
// then restarts on the same database and reconciles. Nothing is lost; a
// second copy arrives only when the server had the message before the
// crash (RFC 1047), and it carries the same Message-ID.
func TestDigestCrashAtEachStep(t *testing.T) {
	tests := map[string]struct {
		step  string // notifier step to crash at ("" = none)
		smtp  string // server-side crash point ("" = none)
		mails int    // copies received in the end
	}{
		"after the claim, before any send":        {step: stepClaimed, mails: 1},
		"after the attempt is recorded":           {step: stepAttempt, mails: 1},
		"mid-DATA":                                {smtp: "mid-data", mails: 1},
		"after end of DATA, before the reply":     {smtp: "rfc1047", mails: 2},
		"after the reply, before marking it sent": {step: stepSent, mails: 2},
		"no crash": {mails: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, monday)
			oneRecipient(e)
			seedWeek(t, e)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			crash := func(step string) error {
				if step == tc.step {
					cancel()
					return context.Canceled
				}
				return nil
			}
			switch tc.smtp {
			case "mid-data":
				// The process dies while writing the message: the server
				// never sees its end.
				e.opts.Mailer = cutMailer(t, e, 3000, cancel)
			case "rfc1047":
				e.smtp.OnData = func(n int, _ received) error {
					if n == 1 {
						cancel()
						return errHang
					}
					return nil
				}
			}
			_, err := e.notifier(func(o *Options) { o.crash = crash }).SendDigest(ctx, "environment-weekly", w48)
			e.opts.Mailer = nil
			if tc.step != "" || tc.smtp != "" {
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("crashed send returned %v, want context.Canceled", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}

			e.restart()
			e.clock.Add(10 * time.Minute)
			rec, err := e.notifier().Reconcile(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			// And once more: a second reconcile finds nothing to do.
			if _, err := e.notifier().Reconcile(context.Background()); err != nil {
				t.Fatal(err)
			}
			ids := messageIDs(t, e, commission)
			if len(ids) != tc.mails {
				t.Fatalf("commission received %d copies, want %d (reconcile: %+v)", len(ids), tc.mails, rec)
			}
			for _, id := range ids {
				if id != ids[0] {
					t.Errorf("copies carry different Message-IDs: %v", ids)
				}
			}
			rows := e.deliveries(store.DeliveryFilter{Kind: KindDigest})
			if len(rows) != 1 || rows[0].Status != store.DeliverySent || "<"+rows[0].MessageID+">" != ids[0] {
				t.Errorf("ledger = %+v", rows)
			}
		})
	}
}

func TestAlertWebhookCrashAtEachStep(t *testing.T) {
	for name, tc := range map[string]struct {
		step  string
		posts int
	}{
		"after the claim":               {stepClaimed, 1},
		"after the attempt is recorded": {stepAttempt, 1},
		"after the 200, before marking": {stepSent, 2},
	} {
		t.Run(name, func(t *testing.T) {
			t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, paris)
			e := newEnv(t, t0)
			h := newHook(t)
			e.cfg.Alerts[0].To = nil
			e.cfg.Alerts[0].Webhook = h.srv.URL
			if _, err := e.notifier().RunAlerts(context.Background()); err != nil {
				t.Fatal(err)
			}
			coronary, _, _, _ := medical(t, t0)
			e.clock.Add(time.Hour)
			e.seed(e.clock.Now(), coronary)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := e.notifier(func(o *Options) {
				o.crash = func(s string) error {
					if s == tc.step {
						cancel()
						return context.Canceled
					}
					return nil
				}
			}).RunAlerts(ctx)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("crashed run: %v", err)
			}
			e.restart()
			e.clock.Add(2 * time.Minute)
			if _, err := e.notifier().Reconcile(context.Background()); err != nil {
				t.Fatal(err)
			}
			calls, accepted, headers := h.snapshot()
			if calls != tc.posts || len(accepted) != tc.posts {
				t.Fatalf("webhook got %d posts, want %d", calls, tc.posts)
			}
			for _, hd := range headers {
				if hd.Get(DeliveryHeader) != headers[0].Get(DeliveryHeader) {
					t.Errorf("resent webhook has another delivery id")
				}
			}
			rows := e.deliveries(store.DeliveryFilter{Kind: KindAlert})
			if len(rows) != 1 || rows[0].Status != store.DeliverySent {
				t.Errorf("ledger = %+v", rows)
			}
		})
	}
}

func TestTemporaryAndPermanentSMTPFailures(t *testing.T) {
	t.Run("421 then 451 for two attempts, then accepted", func(t *testing.T) {
		e := newEnv(t, monday)
		oneRecipient(e)
		seedWeek(t, e)
		e.smtp.OnData = func(n int, _ received) error {
			switch n {
			case 1:
				return smtpErr(421, "service shutting down")
			case 2:
				return smtpErr(451, "greylisted, try later")
			}
			return nil
		}
		res, err := e.notifier().SendDigest(context.Background(), "environment-weekly", w48)
		if err != nil {
			t.Fatal(err)
		}
		if res.Recipients[0].Status != store.DeliverySent || len(e.smtp.to(commission)) != 1 {
			t.Fatalf("result %+v, %d mails", res.Recipients, len(e.smtp.to(commission)))
		}
		rows := e.deliveries(store.DeliveryFilter{})
		if rows[0].Attempts != 3 {
			t.Errorf("attempts = %d, want 3", rows[0].Attempts)
		}
	})
	t.Run("451 beyond one run: left pending, sent by a later run", func(t *testing.T) {
		e := newEnv(t, monday)
		oneRecipient(e)
		seedWeek(t, e)
		e.smtp.OnData = func(n int, _ received) error {
			if n <= 4 {
				return smtpErr(451, "mailbox busy")
			}
			return nil
		}
		n := e.notifier()
		res, err := n.SendDigest(context.Background(), "environment-weekly", w48)
		if err != nil {
			t.Fatal(err)
		}
		rows := e.deliveries(store.DeliveryFilter{})
		if res.Recipients[0].Status != store.DeliveryPending || rows[0].Attempts != 3 || !strings.Contains(rows[0].LastError, "451") ||
			!rows[0].NextAttempt.After(e.clock.Now()) {
			t.Fatalf("after first run: %+v / %+v", res.Recipients, rows)
		}
		// Not due yet: a reconcile right away does not hammer the server.
		if _, err := n.Reconcile(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := e.deliveries(store.DeliveryFilter{})[0].Attempts; got != 3 {
			t.Errorf("reconcile before the retry time made attempts = %d", got)
		}
		e.clock.Add(time.Second) // past the (test-sized) backoff
		if _, err := n.Reconcile(context.Background()); err != nil {
			t.Fatal(err)
		}
		rows = e.deliveries(store.DeliveryFilter{})
		if rows[0].Status != store.DeliverySent || rows[0].Attempts != 5 || len(e.smtp.to(commission)) != 1 {
			t.Errorf("after the retry: %+v, %d mails", rows[0], len(e.smtp.to(commission)))
		}
	})
	t.Run("550 is permanent: failed, never retried", func(t *testing.T) {
		e := newEnv(t, monday)
		oneRecipient(e)
		seedWeek(t, e)
		e.smtp.OnRcpt = func(string) error { return smtpErr(550, "no such user") }
		n := e.notifier()
		res, err := n.SendDigest(context.Background(), "environment-weekly", w48)
		if err != nil {
			t.Fatal(err)
		}
		r := res.Recipients[0]
		if r.Status != store.DeliveryFailed || !strings.Contains(r.Error, "550") {
			t.Fatalf("result = %+v", r)
		}
		e.clock.Add(24 * time.Hour)
		if _, err := n.Resume(context.Background()); err != nil {
			t.Fatal(err)
		}
		if rows := e.deliveries(store.DeliveryFilter{}); rows[0].Attempts != 1 || rows[0].Status != store.DeliveryFailed {
			t.Errorf("a permanent failure was retried: %+v", rows[0])
		}
	})
	t.Run("temporary failures give up after MaxAttempts", func(t *testing.T) {
		e := newEnv(t, monday)
		oneRecipient(e)
		seedWeek(t, e)
		e.smtp.OnData = func(int, received) error { return smtpErr(452, "insufficient storage") }
		n := e.notifier(func(o *Options) { o.MaxAttempts = 4 })
		for range 3 {
			if _, err := n.Reconcile(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := n.SendDigest(context.Background(), "environment-weekly", w48); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(time.Second)
		}
		rows := e.deliveries(store.DeliveryFilter{})
		if rows[0].Status != store.DeliveryFailed || rows[0].Attempts != 4 || !strings.Contains(rows[0].LastError, "gave up after 4 attempts") {
			t.Errorf("ledger = %+v", rows[0])
		}
	})
	t.Run("a server that accepts and never answers is bounded by the timeout", func(t *testing.T) {
		e := newEnv(t, monday)
		oneRecipient(e)
		seedWeek(t, e)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				defer c.Close() // held open, silent, until the test ends
			}
		}()
		port := ln.Addr().(*net.TCPAddr).Port
		mailer, err := NewSMTPMailer(SMTPOptions{Host: "127.0.0.1", Port: port, TLS: "none", Timeout: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		res, err := e.notifier(func(o *Options) { o.Mailer = mailer; o.Attempts = 2 }).SendDigest(context.Background(), "environment-weekly", w48)
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("send against a silent server took %s", took)
		}
		rows := e.deliveries(store.DeliveryFilter{})
		if res.Recipients[0].Status != store.DeliveryPending || rows[0].Attempts != 2 || rows[0].LastError == "" {
			t.Errorf("silent server: %+v / %+v", res.Recipients, rows[0])
		}
	})
	t.Run("a reply that never comes after DATA is retried with the same Message-ID", func(t *testing.T) {
		e := newEnv(t, monday)
		oneRecipient(e)
		seedWeek(t, e)
		e.smtp.OnData = func(n int, _ received) error {
			if n == 1 {
				return errHang
			}
			return nil
		}
		mailer, _ := NewSMTPMailer(SMTPOptions{Host: "127.0.0.1", Port: e.smtp.Port, TLS: "none", Timeout: 300 * time.Millisecond})
		res, err := e.notifier(func(o *Options) { o.Mailer = mailer }).SendDigest(context.Background(), "environment-weekly", w48)
		if err != nil {
			t.Fatal(err)
		}
		ids := messageIDs(t, e, commission)
		if res.Recipients[0].Status != store.DeliverySent || len(ids) != 2 || ids[0] != ids[1] {
			t.Errorf("RFC 1047 case: %+v, Message-IDs %v", res.Recipients, ids)
		}
	})
}

func TestWebhookFailures(t *testing.T) {
	run := func(t *testing.T, statuses ...int) (*env, *hook, *Notifier) {
		t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, paris)
		e := newEnv(t, t0)
		h := newHook(t, statuses...)
		e.cfg.Alerts[0].To = nil
		e.cfg.Alerts[0].Webhook = h.srv.URL
		n := e.notifier()
		if _, err := n.RunAlerts(context.Background()); err != nil {
			t.Fatal(err)
		}
		coronary, _, _, _ := medical(t, t0)
		e.clock.Add(time.Hour)
		e.seed(e.clock.Now(), coronary)
		if _, err := n.RunAlerts(context.Background()); err != nil {
			t.Fatal(err)
		}
		return e, h, n
	}
	t.Run("500 three times, then accepted", func(t *testing.T) {
		e, h, n := run(t, 500, 500, 500)
		calls, accepted, _ := h.snapshot()
		rows := e.deliveries(store.DeliveryFilter{})
		if calls != 3 || len(accepted) != 0 || rows[0].Status != store.DeliveryPending || !strings.Contains(rows[0].LastError, "HTTP 500") {
			t.Fatalf("after one run: %d calls, ledger %+v", calls, rows[0])
		}
		e.clock.Add(time.Second)
		if _, err := n.Reconcile(context.Background()); err != nil {
			t.Fatal(err)
		}
		calls, accepted, _ = h.snapshot()
		rows = e.deliveries(store.DeliveryFilter{})
		if calls != 4 || len(accepted) != 1 || rows[0].Status != store.DeliverySent || rows[0].Attempts != 4 {
			t.Errorf("after the retry: %d calls, %d accepted, ledger %+v", calls, len(accepted), rows[0])
		}
	})
	t.Run("410 is permanent", func(t *testing.T) {
		e, h, _ := run(t, http.StatusGone)
		calls, _, _ := h.snapshot()
		rows := e.deliveries(store.DeliveryFilter{})
		if calls != 1 || rows[0].Status != store.DeliveryFailed {
			t.Errorf("410: %d calls, ledger %+v", calls, rows[0])
		}
	})
	t.Run("a missing secret fails the delivery with the reason", func(t *testing.T) {
		t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, paris)
		e := newEnv(t, t0)
		h := newHook(t)
		e.cfg.Alerts[0].To = nil
		e.cfg.Alerts[0].Webhook = h.srv.URL
		e.cfg.Alerts[0].SecretEnv = "VEILLE_TEST_UNSET_SECRET"
		n := e.notifier(func(o *Options) { o.Getenv = func(string) string { return "" } })
		n.RunAlerts(context.Background())
		coronary, _, _, _ := medical(t, t0)
		e.clock.Add(time.Hour)
		e.seed(e.clock.Now(), coronary)
		if _, err := n.RunAlerts(context.Background()); err != nil {
			t.Fatal(err)
		}
		rows := e.deliveries(store.DeliveryFilter{})
		if calls, _, _ := h.snapshot(); calls != 0 || rows[0].Status != store.DeliveryFailed || !strings.Contains(rows[0].LastError, "VEILLE_TEST_UNSET_SECRET") {
			t.Errorf("unsigned webhook sent or reason lost: %d calls, %+v", calls, rows[0])
		}
	})
}

// TestKilledProcess kills a real process (os.Exit, no clean-up, the
// SQLite file left as it is) at each step of a send, then reconciles from
// this process: the same guarantees as with a cancelled context.
func TestKilledProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	for _, tc := range []struct {
		step  string
		mails int
	}{{stepClaimed, 1}, {stepAttempt, 1}, {stepSent, 2}} {
		t.Run(tc.step, func(t *testing.T) {
			e := newEnv(t, monday)
			oneRecipient(e)
			seedWeek(t, e)
			e.store.Close()
			cmd := exec.Command(os.Args[0], "-test.run=^TestKilledProcessChild$", "-test.v")
			cmd.Env = append(os.Environ(), "VEILLE_DIGEST_KILL_AT="+tc.step,
				"VEILLE_DIGEST_DB="+filepath.Join(e.dir, "veille.db"), "VEILLE_DIGEST_SMTP_PORT="+strconv.Itoa(e.smtp.Port))
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 3 {
				t.Fatalf("child did not die at %s: %v\n%s", tc.step, err, out)
			}
			e.openStore()
			e.clock.Add(10 * time.Minute)
			if _, err := e.notifier().Reconcile(context.Background()); err != nil {
				t.Fatal(err)
			}
			ids := messageIDs(t, e, commission)
			if len(ids) != tc.mails || (len(ids) == 2 && ids[0] != ids[1]) {
				t.Errorf("after a kill at %s: Message-IDs %v, want %d copies of one", tc.step, ids, tc.mails)
			}
			if rows := e.deliveries(store.DeliveryFilter{}); len(rows) != 1 || rows[0].Status != store.DeliverySent {
				t.Errorf("ledger = %+v", rows)
			}
		})
	}
}

// TestKilledProcessChild is the process TestKilledProcess kills.
func TestKilledProcessChild(t *testing.T) {
	step := os.Getenv("VEILLE_DIGEST_KILL_AT")
	if step == "" {
		t.Skip("run by TestKilledProcess")
	}
	port, _ := strconv.Atoi(os.Getenv("VEILLE_DIGEST_SMTP_PORT"))
	s, err := store.Open(context.Background(), os.Getenv("VEILLE_DIGEST_DB"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(port)
	cfg.Digests[0].Members = ""
	mailer, _ := NewSMTPMailer(SMTPOptions{Host: "127.0.0.1", Port: port, TLS: "none", Timeout: 5 * time.Second})
	n, err := New(Options{Config: cfg, Store: s, Mailer: mailer, Now: func() time.Time { return monday },
		crash: func(at string) error {
			if at == step {
				os.Exit(3)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	n.SendDigest(context.Background(), "environment-weekly", w48)
	t.Fatalf("not killed at %s", step)
}
