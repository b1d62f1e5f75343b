package server

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/store"
)

func digestServer(t *testing.T, token string) (*httptest.Server, *store.Store) {
	t.Helper()
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, paris)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "veille.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := veille.Config{
		Timezone: "Europe/Paris", Location: paris,
		Domains:     []veille.Category{{ID: "environment", Label: map[string]string{"fr": "Environnement", "en": "Environment"}}},
		Competences: []veille.Category{{ID: "surface-treatment", Label: map[string]string{"fr": "Traitement de surface"}}},
		Sources:     []veille.Source{{ID: "jorf-te", Name: "JORF – Transition écologique", Every: veille.Duration(time.Hour)}},
		Digests:     []veille.Digest{{ID: "environment-weekly", Schedule: "0 8 * * 1", Domains: []string{"environment"}}},
		Server:      veille.Server{BaseURL: "https://veille.example.org", AdminTokenEnv: "VEILLE_TEST_ADMIN"},
	}
	it := veille.Item{ID: veille.ItemID("https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000042746761"),
		Title:  "Arrêté du 7 décembre 2020 portant agrément des laboratoires pour les prélèvements à l'émission",
		Link:   "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000042746761",
		Source: "jorf-te", Sources: []string{"jorf-te"}, Lang: "fr",
		Published: time.Date(2026, 11, 24, 9, 0, 0, 0, paris), FirstSeen: time.Date(2026, 11, 24, 10, 0, 0, 0, paris),
		Domains: []string{"environment"}, Competences: []string{"surface-treatment"}}
	// An item of the week in progress (week 49), for the "so far" lines.
	cur := veille.Item{ID: veille.ItemID("https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000052000001"),
		Title: "Décret du 30 novembre 2026 relatif aux installations classées", Link: "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000052000001",
		Source: "jorf-te", Sources: []string{"jorf-te"}, Lang: "fr",
		Published: time.Date(2026, 11, 30, 9, 0, 0, 0, paris), FirstSeen: time.Date(2026, 12, 1, 7, 0, 0, 0, paris),
		Domains: []string{"environment"}}
	if _, err := st.UpsertItems(context.Background(), []veille.Item{it, cur}); err != nil {
		t.Fatal(err)
	}
	// Week 48 is archived (its digest has no recipient here, so nothing
	// is sent); a ledger row stands for a mail of it.
	n, err := digest.New(digest.Options{Config: cfg, Store: st, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	w48 := digest.WeekOf(time.Date(2026, 11, 25, 0, 0, 0, 0, paris), paris)
	if _, err := n.SendDigest(context.Background(), "environment-weekly", w48); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.ClaimDelivery(context.Background(), store.Delivery{Kind: "digest", Ref: "environment-weekly", Period: "2026-W48",
		Recipient: "commission@example.org", Channel: "email", MessageID: "x@example.org", ItemIDs: []string{it.ID}}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Config: cfg, Store: st, Now: func() time.Time { return now },
		Getenv: func(k string) string {
			if k == "VEILLE_TEST_ADMIN" {
				return token
			}
			return ""
		}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, st
}

func digestGet(t *testing.T, url, token string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestDigestPages(t *testing.T) {
	ts, _ := digestServer(t, "")
	tests := map[string]struct {
		path   string
		status int
		want   []string
	}{
		"list": {"/digests", 200, []string{"Veille environnement", "/digests/environment-weekly.atom", "envoyé chaque lundi à 8\u00a0h",
			"domaines : Environnement", "semaine 49 (30 novembre – 6 décembre 2026)", "en cours", "1 élément jusqu'ici"}},
		"list in English": {"/digests?ui=en", 200, []string{"Environment watch", "sent every Monday at 8:00", "domains: Environment",
			"week 49 (30 November – 6 December 2026)", "in progress", "1 item so far"}},
		"list from Accept-Language": {"/digests", 200, []string{"every Monday at 8:00"}},
		"digest":                    {"/digests/environment-weekly", 200, []string{"semaine 48 (23–29 novembre 2026)", "aucun envoi", "0 en échec, 1 en attente"}},
		"archived period": {"/digests/environment-weekly/2026-W48", 200, []string{"Veille environnement", "semaine 48", "Arrêté du 7 décembre 2020", "Traitement de surface", "Couverture des sources", "Archivé tel que construit", "envoyé à personne pour l'instant",
			// the view's warning (digest/view.go), rendered as given
			"Attention : la veille n'a encore consulté aucune source", "Consultations pendant la période"}},
		"english":                 {"/digests/environment-weekly/2026-W48?ui=en", 200, []string{"Environment watch", "week 48", "Source coverage", "Archived as built"}},
		"preview":                 {"/digests/environment-weekly/2026-W47", 200, []string{"Aperçu : cette période n'a pas été envoyée", "Aucun nouvel élément"}},
		"current period":          {"/digests/environment-weekly/2026-W49", 200, []string{"en cours", "Semaine en cours", "7 décembre 2026 à 08:00", "Décret du 30 novembre 2026"}},
		"current period, English": {"/digests/environment-weekly/2026-W49?ui=en", 200, []string{"in progress", "Week in progress", "7 December 2026, 08:00"}},
		"future period":           {"/digests/environment-weekly/2030-W01", 404, []string{"<html", "n'a pas commencé"}},
		"future, English":         {"/digests/environment-weekly/2030-W01?ui=en", 404, []string{"<html", "has not begun"}},
		"bad period":              {"/digests/environment-weekly/last-week", 400, []string{"<html", "n'est pas une période"}},
		"unknown digest":          {"/digests/nope", 404, []string{"<html", "Aucun résumé ne porte l'identifiant « nope »"}},
		"unknown digest 2":        {"/digests/nope/2026-W48?ui=en", 404, []string{"<html", "No digest has the id \u201cnope\u201d"}},
		"unknown feed":            {"/digests/nope.atom", 404, []string{"<html"}},
		"unknown member":          {"/digests/environment-weekly/2026-W48?member=nobody", 404, []string{"<html", "Aucun membre"}},
	}
	for name, tc := range tests {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+tc.path, nil)
		if strings.Contains(name, "Accept-Language") {
			req.Header.Set("Accept-Language", "en-GB,en;q=0.9,fr;q=0.5")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		// Compared as a reader sees it: html/template escapes apostrophes.
		status, body := resp.StatusCode, html.UnescapeString(string(raw))
		if status != tc.status {
			t.Errorf("%s: GET %s = %d, want %d\n%s", name, tc.path, status, tc.status, body)
			continue
		}
		// The site's policy refuses inline styles: none may be served.
		if strings.Contains(body, "style=") || strings.Contains(body, "<style") {
			t.Errorf("%s: GET %s serves inline styles, which the CSP blocks", name, tc.path)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: GET %s lacks %q", name, tc.path, w)
			}
		}
	}
}

// TestDigestPageSaysWhatWasSent: once a recipient's mail is sent, the
// archive says it is what the recipients received, and the list counts it.
func TestDigestPageSaysWhatWasSent(t *testing.T) {
	ts, st := digestServer(t, "")
	rows, err := st.Deliveries(context.Background(), store.DeliveryFilter{Kind: "digest", Period: "2026-W48", Limit: 10})
	if err != nil || len(rows) != 1 {
		t.Fatalf("deliveries %v %v", rows, err)
	}
	if err := st.MarkSent(context.Background(), rows[0].ID, time.Date(2026, 11, 30, 8, 0, 5, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/digests/environment-weekly/2026-W48?ui=fr": "c'est ce que les destinataires ont reçu",
		"/digests/environment-weekly/2026-W48?ui=en": "this is what the recipients received",
		"/digests/environment-weekly?ui=fr":          "1 envoyé",
	} {
		_, body, _ := digestGet(t, ts.URL+path, "")
		if !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("%s does not say %q", path, want)
		}
	}
}

func TestDigestAtom(t *testing.T) {
	ts, _ := digestServer(t, "")
	status, body, h := digestGet(t, ts.URL+"/digests/environment-weekly.atom", "")
	if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("atom: %d %s", status, h.Get("Content-Type"))
	}
	var feed struct {
		Title   string `xml:"title"`
		Entries []struct {
			Title   string `xml:"title"`
			ID      string `xml:"id"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatalf("atom does not parse: %v", err)
	}
	if len(feed.Entries) != 1 || feed.Entries[0].ID != "https://veille.example.org/digests/environment-weekly/2026-W48" ||
		!strings.Contains(feed.Entries[0].Title, "semaine 48") || !strings.Contains(feed.Entries[0].Content, "Arrêté du 7 décembre 2020") ||
		strings.Contains(feed.Entries[0].Content, "<html") {
		t.Errorf("atom feed = %+v", feed)
	}
	if status, _, _ := digestGet(t, ts.URL+"/digests/nope.atom", ""); status != 404 {
		t.Errorf("unknown digest feed: %d", status)
	}
}

func TestDeliveriesAPI(t *testing.T) {
	off, _ := digestServer(t, "")
	if status, body, _ := digestGet(t, off.URL+"/api/deliveries", "anything"); status != 403 || !strings.Contains(body, "VEILLE_TEST_ADMIN") {
		t.Errorf("without a configured token: %d %s, want 403 naming the variable", status, body)
	}
	on, _ := digestServer(t, "t0ken")
	if status, _, _ := digestGet(t, on.URL+"/api/deliveries", ""); status != 401 {
		t.Errorf("no token: %d, want 401", status)
	}
	if status, _, _ := digestGet(t, on.URL+"/api/deliveries", "wrong"); status != 401 {
		t.Errorf("wrong token: %d, want 401", status)
	}
	status, body, _ := digestGet(t, on.URL+"/api/deliveries?kind=digest", "t0ken")
	if status != 200 {
		t.Fatalf("with the token: %d %s", status, body)
	}
	var out struct {
		Count      int              `json:"count"`
		Deliveries []store.Delivery `json:"deliveries"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	if out.Count != 1 || out.Deliveries[0].Recipient != "commission@example.org" || out.Deliveries[0].Status != "pending" ||
		out.Deliveries[0].MessageID != "x@example.org" {
		t.Errorf("deliveries = %+v", out)
	}
	for _, q := range []string{"limit=0", "limit=5000", "status=weird", "before=x"} {
		if status, _, _ := digestGet(t, on.URL+"/api/deliveries?"+q, "t0ken"); status != 400 {
			t.Errorf("?%s: %d, want 400", q, status)
		}
	}
	if _, body, _ := digestGet(t, on.URL+"/api/deliveries?status=sent", "t0ken"); !strings.Contains(body, `"count":0`) {
		t.Errorf("status filter: %s", body)
	}
}
