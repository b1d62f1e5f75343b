package digest

import (
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/i18n"
)

// PeriodLabel is "semaine 48 (23–29 novembre 2026)", "week 48 (23–29
// November 2026)", or for a range "du 1er au 15 novembre 2026".
func PeriodLabel(lang i18n.Lang, p Period, loc *time.Location) string {
	a, b := p.Since.In(loc), p.LastDay().In(loc)
	if p.IsWeek() {
		return lang.T("period.week", p.Week, lang.DayRange(a, b))
	}
	if a.Format(time.DateOnly) == b.Format(time.DateOnly) {
		return lang.Date(a) // a member's daily digest
	}
	return lang.T("period.range", lang.Date(a), lang.Date(b))
}

// digestTitle is the configured title, else one made from what the digest
// selects: "Veille environnement" / "Environment watch".
func digestTitle(cfg veille.Config, d veille.Digest, lang i18n.Lang) string {
	if d.Title != "" {
		return d.Title
	}
	var parts []string
	for _, id := range d.Domains {
		parts = append(parts, veille.CategoryLabel(cfg.Domains, id, lang))
	}
	for _, id := range d.Competences {
		parts = append(parts, veille.CategoryLabel(cfg.Competences, id, lang))
	}
	if len(parts) == 0 {
		return lang.T("digest.title_default")
	}
	if lang == i18n.FR {
		// French writes the labels inside a sentence in lower case.
		for i := range parts {
			parts[i] = strings.ToLower(parts[i])
		}
	}
	return lang.T("digest.title_of", strings.Join(parts, ", "))
}
