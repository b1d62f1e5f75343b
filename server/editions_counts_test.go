package server

import (
	"bytes"
	"compress/zlib"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/nogentech/veille/digest"
	"golang.org/x/text/encoding/charmap"
)

// TestEditionShowsMembersCounts: two members mark items in their
// registers; the edition says how many members each item applies to, in
// the draft page, the mails and the PDF, and never who. The sent edition
// keeps the counts it was sent with.
func TestEditionShowsMembersCounts(t *testing.T) {
	e := newEdEnv(t)
	a, b := newClient(t, e.ts.URL, e.sink.loopSMTP), newClient(t, e.ts.URL, e.sink.loopSMTP)
	a.signIn(edMemberA)
	b.signIn(edMemberB)
	mark := func(c *mclient, item, status string) {
		t.Helper()
		if resp, body := c.do("PUT", "/api/marks/"+item, `{"status":"`+status+`","note":"audit confidentiel","owner":"Alice Martin"}`); resp.StatusCode != 200 {
			t.Fatalf("mark %s %s: %d %s", item, status, resp.StatusCode, body)
		}
	}
	mark(a, e.items[0].ID, "applies")
	mark(b, e.items[0].ID, "applies")
	mark(a, e.items[1].ID, "to-assess")

	// Words that would say who marked what: none may appear anywhere.
	secret := []string{"Forge A", "forge-a", "Surf B", "surf-b", edMemberA, edMemberB, "audit confidentiel", "Alice Martin"}
	checkCounts := func(where, got string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q", where, w)
			}
		}
		for _, s := range secret {
			if strings.Contains(got, s) {
				t.Errorf("%s names %q", where, s)
			}
		}
	}
	frCounts := []string{"s&#39;applique : 2 adhérents sur 3", "s&#39;applique : 2 adhérents sur 2 « Traitement de surface »",
		"à évaluer : 1 adhérent sur 3"}

	staff := e.staff(t)
	_, draft := staff.do("GET", "/editions/environment-weekly/2026-W48", nil)
	checkCounts("the draft page", draft, frCounts...)
	if n := strings.Count(draft, `class="edition-counts"`); n != 2 {
		t.Errorf("the draft page shows counts on %d items, want the 2 marked", n)
	}
	// The editing page shows them too, beside each text staff may keep.
	_, edit := staff.do("GET", "/editions/environment-weekly/2026-W48/edit", nil)
	checkCounts("the editing page", edit, frCounts...)
	_, en := staff.do("GET", "/editions/environment-weekly/2026-W48?ui=en", nil)
	checkCounts("the English page", en, "applies: 2 of 3 members", "applies: 2 of 2 Surface treatment members", "to assess: 1 of 3 members")

	if st, body := e.api(t, "POST", "/api/editions/environment-weekly/2026-W48/approve", edToken, ""); st != 200 {
		t.Fatalf("approve: %d %s", st, body)
	}
	for _, addr := range []string{edCommission, edSecond} {
		m := e.sink.to(t, addr)
		if len(m) != 1 {
			t.Fatalf("%s got %d mails", addr, len(m))
		}
		checkCounts("the mail to "+addr, m[0], "s'applique : 2 adhérents sur 3", "à évaluer : 1 adhérent sur 3")
	}

	// The PDF of the sent edition (what `veille digest --pdf` writes).
	d, err := e.n.Archived(context.Background(), "environment-weekly", "2026-W48")
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := digest.WritePDF(&pdf, e.cfg, e.cfg.Digests[0], d, "fr"); err != nil {
		t.Fatal(err)
	}
	checkCounts("the PDF", pdfText(t, pdf.Bytes()), "s'applique : 2 adhérents sur 3", "à évaluer : 1 adhérent sur 3")

	// A mark after the send changes the register, not the sent edition.
	mark(b, e.items[1].ID, "to-assess")
	_, sent := get(t, e.ts.URL+"/editions/environment-weekly/2026-W48")
	checkCounts("the archive page", string(sent), frCounts...)
	if strings.Contains(string(sent), "à évaluer : 2 adhérents") {
		t.Error("the archive page counts a mark made after the edition was sent")
	}
}

var pdfStreamRE = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)

// pdfText is the text of a PDF's content streams, inflated and decoded
// from cp1252 (the core fonts' code page).
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	var out strings.Builder
	for _, m := range pdfStreamRE.FindAllSubmatch(b, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not a compressed stream
		}
		raw, _ := io.ReadAll(r)
		s, err := charmap.Windows1252.NewDecoder().Bytes(raw)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(s)
	}
	return out.String()
}
