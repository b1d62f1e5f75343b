package digest

import (
	"context"
	"encoding/json"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/i18n"
)

// attempt records one fetch of a source, as a crawl saves it.
func (e *env) attempt(source string, at time.Time, status int, errMsg string) {
	e.t.Helper()
	st := veille.FetchState{Source: source, LastAttempt: at, Status: status, Error: errMsg}
	if errMsg == "" {
		st.LastSuccess = at
	} else {
		st.Failures = 1
	}
	if err := e.store.SaveFetchStates(context.Background(), []veille.FetchState{st}); err != nil {
		e.t.Fatal(err)
	}
}

func coverageOf(t *testing.T, d *Digest) map[string]SourceCoverage {
	t.Helper()
	m := map[string]SourceCoverage{}
	for _, c := range d.Coverage {
		m[c.Source] = c
	}
	return m
}

// renderBoth renders d in French and English, with the text's wrapped
// lines joined and the HTML's entities decoded, so tests match sentences.
func renderBoth(t *testing.T, e *env, d *Digest) (fr, en Rendered) {
	t.Helper()
	var err error
	if fr, err = RenderDigest(e.cfg, e.cfg.Digests[0], d, i18n.FR, ""); err != nil {
		t.Fatal(err)
	}
	if en, err = RenderDigest(e.cfg, e.cfg.Digests[0], d, i18n.EN, ""); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*Rendered{&fr, &en} {
		r.Text = strings.ReplaceAll(r.Text, "\n", " ")
		r.HTML = html.UnescapeString(r.HTML)
	}
	return fr, en
}

// The case: every source checked in week 48, a digest asked for a
// week of January, long before the first crawl. Nothing was checked then,
// and the digest says so at the top instead of "6/6 OK".
func TestCoveragePeriodBeforeFirstCrawl(t *testing.T) {
	e := newEnv(t, monday)
	first := time.Date(2026, 11, 24, 9, 0, 0, 0, paris)
	for _, src := range e.cfg.Sources {
		if !src.Disabled {
			e.attempt(src.ID, first, 200, "")
			e.attempt(src.ID, first.Add(48*time.Hour), 200, "")
		}
	}
	n := e.notifier()
	jan, err := Range(time.Date(2026, 1, 5, 0, 0, 0, 0, paris), time.Date(2026, 1, 11, 0, 0, 0, 0, paris), paris)
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := n.Preview(context.Background(), "environment-weekly", jan)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Coverage) != 6 {
		t.Fatalf("coverage lists %d sources, want the 6 enabled ones", len(d.Coverage))
	}
	for _, c := range d.Coverage {
		if c.State != CoverageNotChecked || c.Checks != 0 {
			t.Errorf("%s: state %s with %d checks in January, before the first crawl", c.Source, c.State, c.Checks)
		}
	}
	if !d.RecordSince.Equal(first) {
		t.Errorf("record since %v, want the first crawl %v", d.RecordSince, first)
	}
	fr, en := renderBoth(t, e, d)
	for _, body := range []string{fr.Text, fr.HTML} {
		if !strings.Contains(body, "cette période est antérieure au premier relevé de la veille (24/11/2026 09:00)") {
			t.Errorf("French digest lacks the notice:\n%s", body)
		}
		if !strings.Contains(body, "0/6 sources consultées avec succès pendant la période, 6 non consultées") {
			t.Errorf("French coverage summary wrong:\n%s", body)
		}
	}
	if !strings.Contains(en.Text, "this period is before the watch's first recorded check (2026-11-24 09:00)") {
		t.Errorf("English digest lacks the notice:\n%s", en.Text)
	}
	// The notice comes first, before the items.
	if i, j := strings.Index(fr.Text, "premier relevé"), strings.Index(fr.Text, "Aucun nouvel élément"); i < 0 || j < 0 || i > j {
		t.Errorf("notice is not at the top:\n%s", fr.Text)
	}
	data := d.AsData(paris)
	if data.Period.Since != "2026-01-05" || data.Period.Until != "2026-01-11" || len(data.Items) != 0 {
		t.Errorf("data = %+v", data)
	}
	for _, c := range data.Coverage {
		if c.Status != "not-checked" || c.LastCheck != nil || c.Checks != 0 {
			t.Errorf("data coverage %+v", c)
		}
	}

	// A period that starts before the first crawl and ends after it.
	partly, _ := Range(time.Date(2026, 11, 20, 0, 0, 0, 0, paris), time.Date(2026, 11, 26, 0, 0, 0, 0, paris), paris)
	d, _, err = n.Preview(context.Background(), "environment-weekly", partly)
	if err != nil {
		t.Fatal(err)
	}
	if c := coverageOf(t, d)["jorf-te"]; c.State != CoverageOK || c.Checks != 2 || !c.LastCheck.Equal(first.Add(48*time.Hour)) {
		t.Errorf("jorf-te over 20–26 November: %+v", c)
	}
	fr, _ = renderBoth(t, e, d)
	if !strings.Contains(fr.Text, "cette période commence avant le premier relevé de la veille (24/11/2026 09:00)") {
		t.Errorf("partly-watched period lacks its notice:\n%s", fr.Text)
	}
	// A period from the first crawl on has no notice.
	watched, _ := Range(first.Add(24*time.Hour), first.Add(48*time.Hour), paris)
	d, _, _ = n.Preview(context.Background(), "environment-weekly", watched)
	if fr, _ = renderBoth(t, e, d); strings.Contains(fr.Text, "premier relevé") {
		t.Errorf("a watched week carries the notice:\n%s", fr.Text)
	}
}

// A watch that never crawled says so.
func TestCoverageNeverCrawled(t *testing.T) {
	e := newEnv(t, monday)
	d, _, err := e.notifier().Preview(context.Background(), "environment-weekly", w48)
	if err != nil {
		t.Fatal(err)
	}
	fr, en := renderBoth(t, e, d)
	if !strings.Contains(fr.Text, "la veille n'a encore consulté aucune source") || !strings.Contains(en.HTML, "the watch has not checked any source yet") {
		t.Errorf("never-crawled watch lacks its notice:\n%s", fr.Text)
	}
}

// A source whose every check in the period failed is "failed", with the
// error in words; one that failed then answered is "ok" with its failures
// counted; one checked only before the period is "not-checked".
func TestCoverageFailingSource(t *testing.T) {
	e := newEnv(t, monday)
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, paris) }
	e.attempt("jorf-travail", day(10, 8), 200, "") // before the period: not in it
	e.attempt("jorf-travail", day(24, 8), 503, "source jorf-travail: fetch https://x.example/feed: 503 Service Unavailable")
	e.attempt("jorf-travail", day(26, 8), 0, "source jorf-travail: fetch https://x.example/feed: timed out after 30s: context deadline exceeded")
	e.attempt("jorf-te", day(24, 8), 0, "source jorf-te: fetch https://y.example/: dial tcp: lookup y.example: no such host")
	e.attempt("jorf-te", day(25, 8), 200, "")
	e.attempt("old-source", day(10, 8), 200, "")
	e.attempt("jorf-travail", day(30, 9), 200, "") // after the period: not in it either
	d, _, err := e.notifier().Preview(context.Background(), "environment-weekly", w48)
	if err != nil {
		t.Fatal(err)
	}
	cov := coverageOf(t, d)
	if c := cov["jorf-travail"]; c.State != CoverageFailed || c.Checks != 2 || c.FailedChecks != 2 || !c.LastCheck.Equal(day(26, 8)) ||
		!strings.Contains(c.Error, "timed out") {
		t.Errorf("jorf-travail: %+v", c)
	}
	if c := cov["jorf-te"]; c.State != CoverageOK || c.Checks != 2 || c.FailedChecks != 1 {
		t.Errorf("jorf-te: %+v", c)
	}
	if c := cov["old-source"]; c.State != CoverageNotChecked || c.Checks != 0 {
		t.Errorf("old-source: %+v", c)
	}
	if d.Coverage[0].Source != "jorf-travail" {
		t.Errorf("the failing source is not listed first: %+v", d.Coverage[0])
	}
	fr, en := renderBoth(t, e, d)
	for _, want := range []string{"JORF – Travail\u00a0: En échec (le site n'a pas répondu à temps — fetch https://x.example/feed: timed out",
		"1 échec sur 2 consultations", "2, dernière le 26/11/2026 08:00", "1/6 sources consultées avec succès pendant la période, 1 en échec, 4 non consultées"} {
		if !strings.Contains(fr.Text, want) {
			t.Errorf("French text lacks %q:\n%s", want, fr.Text)
		}
	}
	if !strings.Contains(en.Text, "JORF – Travail: Failing (the site did not answer in time") {
		t.Errorf("English text lacks the error in words:\n%s", en.Text)
	}
	if strings.Contains(fr.Text, "premier relevé") {
		t.Errorf("a watched period carries the before-first-crawl notice")
	}
	data := d.AsData(paris)
	if c := data.Coverage[0]; c.Status != "failed" || c.Checks != 2 || c.LastCheck == nil || c.Error == "" {
		t.Errorf("data coverage %+v", c)
	}
}

// The record of checks is in the store: a new process sees the checks
// an earlier one made.
func TestCoverageAfterRestart(t *testing.T) {
	e := newEnv(t, monday)
	e.attempt("jorf-te", time.Date(2026, 11, 24, 8, 0, 0, 0, paris), 200, "")
	e.attempt("jorf-te", time.Date(2026, 11, 27, 8, 0, 0, 0, paris), 304, "")
	e.attempt("jorf-sante", time.Date(2026, 11, 27, 9, 0, 0, 0, paris), 500, "500 Internal Server Error")
	e.restart()
	e.attempt("jorf-sante", time.Date(2026, 11, 28, 9, 0, 0, 0, paris), 200, "")
	d, _, err := e.notifier().Preview(context.Background(), "environment-weekly", w48)
	if err != nil {
		t.Fatal(err)
	}
	cov := coverageOf(t, d)
	if c := cov["jorf-te"]; c.State != CoverageOK || c.Checks != 2 {
		t.Errorf("jorf-te after a restart: %+v, want 2 checks", c)
	}
	if c := cov["jorf-sante"]; c.State != CoverageOK || c.Checks != 2 || c.FailedChecks != 1 {
		t.Errorf("jorf-sante after a restart: %+v", c)
	}
}

// A digest with nothing to list, whose sources brought only old archives
// during the period, says how many were left out and why.
func TestDigestSaysOlderItemsLeftOut(t *testing.T) {
	e := newEnv(t, monday)
	items := fixtureItems(t)[:3]
	for i := range items {
		items[i].Published = time.Date(2019, 5, 2+i, 0, 0, 0, 0, time.UTC)
		items[i].Domains = []string{"environment"}
	}
	e.seed(time.Date(2026, 11, 25, 10, 0, 0, 0, paris), items...)
	e.attempt("jorf-te", time.Date(2026, 11, 25, 10, 0, 0, 0, paris), 200, "")
	d, _, err := e.notifier().Preview(context.Background(), "environment-weekly", w48)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Items) != 0 || d.Older != 3 {
		t.Fatalf("items %d, older %d; want 0 and 3", len(d.Items), d.Older)
	}
	fr, en := renderBoth(t, e, d)
	if !strings.Contains(fr.Text, "3 éléments trouvés pendant la période ont été laissés de côté") ||
		!strings.Contains(en.HTML, "3 items found during the period were left out") {
		t.Errorf("the digest does not say what was left out:\n%s", fr.Text)
	}
}

// A digest archived before the record of checks still renders as it was
// built: its own states, no notice drawn from a record it never had.
func TestCoverageOfArchiveBeforeTheRecord(t *testing.T) {
	e := newEnv(t, monday)
	old := `{"id":"environment-weekly","period":{"Key":"2026-W48","Since":"2026-11-22T23:00:00Z","Until":"2026-11-29T23:00:00Z","Year":2026,"Week":48},
	"general":true,"items":[],"coverage":[
	{"source":"jorf-travail","name":"JORF – Travail","last_attempt":"2026-11-29T19:00:00Z","last_success":"2026-11-20T07:00:00Z","failures":9,"error":"HTTP 503","state":"stale","new":0},
	{"source":"jorf-te","name":"JORF – Transition écologique","last_attempt":"2026-11-29T21:00:00Z","last_success":"2026-11-29T21:00:00Z","failures":0,"state":"ok","new":5}]}`
	var d Digest
	if err := json.Unmarshal([]byte(old), &d); err != nil {
		t.Fatal(err)
	}
	fr, _ := renderBoth(t, e, &d)
	for _, want := range []string{"JORF – Travail\u00a0: Périmée", "JORF – Transition écologique\u00a0: OK", "29/11/2026 22:00"} {
		if !strings.Contains(fr.Text, want) {
			t.Errorf("archived digest lacks %q:\n%s", want, fr.Text)
		}
	}
	if strings.Contains(fr.Text, "premier relevé") || strings.Contains(fr.Text, "aucune source") {
		t.Errorf("archived digest got a notice from a record it never had:\n%s", fr.Text)
	}
}
