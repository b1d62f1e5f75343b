package digest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/i18n"
	"github.com/nogentech/veille/refs"
	"github.com/nogentech/veille/store"
)

// TestDigestDeadlines: a digest lists the dates of the 90 days after its
// period that its readers are concerned by, read from the record's dates of
// items published long before; a member's cut keeps its competences' only;
// the mail says them in words, in HTML and text.
func TestDigestDeadlines(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, paris)
	e := newEnv(t, t0)
	old := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	mk := func(id, title, text, domain, comp string) veille.Item {
		it := veille.Item{ID: id, Title: title, Content: text, Lang: "fr", Source: "jorf-te", Sources: []string{"jorf-te"},
			Published: old, FirstSeen: old, Domains: []string{domain}, Competences: []string{comp}}
		refs.Apply(&it)
		if len(it.Dates) == 0 {
			t.Fatalf("%s: no date extracted from %q", id, text)
		}
		return it
	}
	items := []veille.Item{
		mk("soon", "Arrêté du 3 mai 2026 modifiant l'arrêté du 30 juin 2006 relatif aux installations de traitements de surfaces",
			"Les exploitants se conforment aux nouvelles valeurs limites au plus tard le 15 janvier 2027.", "environment", "surface-treatment"),
		mk("later", "Décret n° 2026-512 relatif aux fours", "Le présent décret entre en vigueur le 1er juillet 2027.", "environment", "heat-treatment"),
		mk("forge", "Arrêté relatif aux presses", "Il entre en vigueur le 1er février 2027.", "environment", "forging"),
		mk("other-domain", "Avis aux fabricants d'implants", "Les fabricants doivent se conformer au plus tard le 10 janvier 2027.", "medical-devices", "medical-implants"),
	}
	e.seed(old, items...)
	ix := openIndex(t, items...)
	n := e.notifier(func(o *Options) { o.Index = ix })
	p := LastCompleteWeek(t0, paris)
	d, dg, err := n.Preview(context.Background(), "environment-weekly", p)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, dl := range d.Deadlines {
		got = append(got, dl.Date+" "+dl.Kind+" "+dl.Item)
	}
	want := []string{"2027-01-15 deadline soon", "2027-02-01 entry-into-force forge"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("deadlines\n got %v\nwant %v", got, want)
	}
	r, err := RenderDigest(e.cfg, dg, d, i18n.FR, e.cfg.Server.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{r.Text, r.HTML} {
		for _, w := range []string{"Échéances des 90 prochains jours", "15 janvier 2027", "date limite", "1er février 2027", "entrée en vigueur"} {
			if !strings.Contains(body, w) {
				t.Errorf("the digest lacks %q", w)
			}
		}
		if strings.Contains(body, "10 janvier 2027") || strings.Contains(body, "juillet 2027") {
			t.Error("the digest lists a date of another domain or beyond 90 days")
		}
	}
	cut := d.Cut(e.cfg.Members[0]) // surface treatment
	if len(cut.Deadlines) != 1 || cut.Deadlines[0].Item != "soon" {
		t.Errorf("member's deadlines %+v, want the surface treatment one", cut.Deadlines)
	}
	r, err = RenderDigest(e.cfg, dg, d.Cut(e.cfg.Members[1]), i18n.EN, e.cfg.Server.BaseURL) // heat treatment
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "No known deadline in the next 90 days.") {
		t.Errorf("the heat treatment member's digest should say it has no deadline:\n%s", r.Text)
	}
}

// TestEditionDeadlines: the commission's edition shows an entry's
// deadlines under it, and only that entry's, in the mail and its text.
func TestEditionDeadlines(t *testing.T) {
	cfg := testConfig(25)
	dg := veille.Digest{ID: "commission", Editorial: true}
	d := &Digest{ID: "commission", Period: LastCompleteWeek(time.Date(2026, 11, 30, 10, 0, 0, 0, paris), paris), General: true,
		Items: []veille.Item{{ID: "soon", Title: "Arrêté traitements de surface", Source: "jorf-te"}, {ID: "quiet", Title: "Avis sans date", Source: "jorf-te"}},
		Deadlines: []Deadline{{KeyDate: veille.KeyDate{Kind: "deadline", Date: "2027-01-15", Text: "au plus tard le 15 janvier 2027"},
			Item: "soon", Title: "Arrêté traitements de surface", Act: &veille.ActID{Kind: "fr-act", ID: "arrêté du 30 juin 2006"}}},
		Edition: &EditionContent{Entries: []store.EditionItem{{ID: "soon", Heading: "Environnement"}, {ID: "quiet", Heading: "Environnement"}}}}
	p := NewEditionPage(cfg, dg, d, i18n.FR, "https://veille.example")
	if len(p.Sections) != 1 || len(p.Sections[0].Items) != 2 {
		t.Fatalf("sections %+v", p.Sections)
	}
	soon, quiet := p.Sections[0].Items[0], p.Sections[0].Items[1]
	if len(soon.Deadlines) != 1 || soon.Deadlines[0].Date != "15 janvier 2027" || soon.Deadlines[0].Act != "arrêté du 30 juin 2006" ||
		soon.Deadlines[0].ActURL != "https://veille.example/acts/fr-act/arr%C3%AAt%C3%A9%20du%2030%20juin%202006" {
		t.Errorf("the entry's deadlines %+v", soon.Deadlines)
	}
	if len(quiet.Deadlines) != 0 {
		t.Errorf("another entry's deadlines shown under it: %+v", quiet.Deadlines)
	}
	r, err := RenderDigest(cfg, dg, d, i18n.FR, "https://veille.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{r.Text, r.HTML} {
		if !strings.Contains(body, "15 janvier 2027") {
			t.Errorf("the edition mail lacks the deadline")
		}
	}
	// And the printed edition (cp1252: "·" is 0xB7, "ê" 0xEA, "é" 0xE9).
	var pdf bytes.Buffer
	if err := writePDF(&pdf, cfg, dg, d, i18n.FR, false); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(pdf.Bytes(), []byte("15 janvier 2027 \xb7 date limite \xb7 arr\xeat\xe9 du 30 juin 2006")) {
		t.Errorf("the PDF lacks the deadline:\n%s", pdf.Bytes())
	}
}
