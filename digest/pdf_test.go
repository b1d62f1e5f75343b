package digest

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/nogentech/veille/internal/i18n"
)

// TestEditionPDF prints an approved edition: a PDF with every item, the
// note with its French accents in cp1252, links as references and the
// page numbers in the footer.
func TestEditionPDF(t *testing.T) {
	e, n, ed := weekDraft(t)
	ctx := context.Background()
	ed.Items[0].Note = "Délai : déclaration à la préfecture avant l'été, « sans dérogation »."
	ed.Items[0].Heading = "À retenir"
	if _, err := n.SaveEdition(ctx, "environment-weekly", w48, ed, "alice"); err != nil {
		t.Fatal(err)
	}
	d, _, err := n.EditionPreview(ctx, "environment-weekly", w48)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writePDF(&buf, e.cfg, e.cfg.Digests[0], d, i18n.FR, false); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	if !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", out[:min(20, len(out))])
	}
	// cp1252: é is 0xE9, à 0xE0, « 0xAB, À 0xC0.
	for _, want := range []string{"D\xe9lai : d\xe9claration \xe0 la pr\xe9fecture", "\xab", "\xc0 retenir", "Impact pour les adh\xe9rents"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	pages := len(regexp.MustCompile(`/Type /Page\b`).FindAll(out, -1))
	if pages < 1 {
		t.Fatal("no page")
	}
	if !bytes.Contains(out, []byte(fmt.Sprintf("%d / %d", pages, pages))) {
		t.Error("no page number in the footer")
	}
	if !bytes.Contains(out, []byte("[1] https://")) {
		t.Error("links are not printed as references")
	}
	// Compressed, as written by the command.
	buf.Reset()
	if err := WritePDF(&buf, e.cfg, e.cfg.Digests[0], d, i18n.EN); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("compressed PDF: %v", err)
	}
}
