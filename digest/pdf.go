package digest

import (
	"fmt"
	"io"
	"strings"

	"github.com/nogentech/veille/internal/i18n"

	"codeberg.org/go-pdf/fpdf"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// WritePDF writes a digest (the commission's edition when it is one) as
// the A4 meeting document: title, introduction, the items under their
// headings with staff's notes, each link printed as a reference, pages
// numbered "n / N".
//
// It uses fpdf's core Helvetica with the cp1252 code page: every French
// letter (é, è, à, ç, œ, « ») is in it, no font file has to ship or be
// found at run time, and a character outside it prints as a dot.
func WritePDF(w io.Writer, cfg veille.Config, dg veille.Digest, d *Digest, lang i18n.Lang) error {
	return writePDF(w, cfg, dg, d, lang, true)
}

func writePDF(w io.Writer, cfg veille.Config, dg veille.Digest, d *Digest, lang i18n.Lang, compress bool) error {
	c := *d
	if c.Edition == nil {
		// A plain digest prints as an edition without notes, in its order.
		ed := &EditionContent{}
		for _, it := range c.Items {
			ed.Entries = append(ed.Entries, store.EditionItem{ID: it.ID, Title: it.Title})
		}
		c.Edition = ed
	}
	pg := NewEditionPage(cfg, dg, &c, lang, "")

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(compress)
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetTitle(pg.Title+" — "+pg.PeriodLabel, true)
	pdf.SetCreator("veille", true)
	pdf.AliasNbPages("{nb}")
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 5, tr(fmt.Sprintf("%s — %s", pg.Title, pg.PeriodLabel)), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5, fmt.Sprintf("%d / {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	text := func(size float64, style string, r, g, b int, s string, lineH float64) {
		pdf.SetFont("Helvetica", style, size)
		pdf.SetTextColor(r, g, b)
		pdf.MultiCell(0, lineH, tr(s), "", "L", false)
	}
	kicker := lang.T("mail.edition")
	text(9, "B", 90, 90, 90, strings.ToUpper(kicker), 5)
	text(18, "B", 20, 83, 45, pg.Title, 8)
	text(12, "", 30, 30, 30, pg.PeriodLabel, 6)
	if pg.Approved != "" {
		text(9, "I", 90, 90, 90, pg.Approved, 5)
	}
	if pg.Notice != "" {
		pdf.Ln(2)
		text(9, "B", 120, 53, 15, pg.Notice, 4.5)
	}
	pdf.Ln(3)
	for _, p := range pg.Intro {
		text(11, "", 20, 20, 20, p, 5.5)
		pdf.Ln(1.5)
	}
	text(9, "", 90, 90, 90, pg.Total, 5)
	ref := 0
	for _, s := range pg.Sections {
		if s.Heading != "" {
			pdf.Ln(4)
			text(13, "B", 20, 83, 45, s.Heading, 7)
			x, y := pdf.GetX(), pdf.GetY()
			pdf.SetDrawColor(21, 128, 61)
			pdf.Line(x, y, 210-18, y)
		}
		for _, it := range s.Items {
			pdf.Ln(3)
			text(11, "B", 20, 20, 20, it.Title, 5.5)
			meta := it.Source
			if it.Date != "" {
				meta = it.Date + " · " + meta
			}
			text(8.5, "", 90, 90, 90, meta, 4.5)
			if len(it.Note) > 0 {
				pdf.SetLeftMargin(24)
				pdf.SetX(24)
				text(9, "B", 20, 83, 45, lang.T("mail.edition_note"), 5)
				for _, n := range it.Note {
					text(10.5, "", 20, 20, 20, n, 5)
				}
				pdf.SetLeftMargin(18)
				pdf.SetX(18)
			} else if it.Summary != "" {
				text(9.5, "", 50, 50, 50, it.Summary, 4.8)
			}
			if it.Counts != "" {
				text(9, "", 20, 20, 20, it.Counts, 4.5)
			}
			for _, dl := range it.Deadlines {
				line := dl.Date + " · " + dl.Kind
				if dl.Act != "" {
					line += " · " + dl.Act
				}
				text(9, "", 146, 64, 14, line, 4.5)
			}
			if it.Link != "" {
				// A printed link is a reference the reader can type.
				ref++
				text(8, "", 29, 78, 216, fmt.Sprintf("[%d] %s", ref, it.Link), 4)
			}
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return pdf.Output(w)
}
