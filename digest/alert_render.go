package digest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nogentech/veille/internal/i18n"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
)

// alertView is an alert message in one language.
type alertView struct {
	langView
	Rule    string
	Count   string
	Subject string
	Items   []alertEntry
}

type alertEntry struct {
	Title   string
	Link    string
	ItemURL string
	Date    string
	Source  string
	Summary string
	Why     []string
}

// RenderAlert puts an alert about matches in lang.
func RenderAlert(cfg veille.Config, rule veille.Alert, ms []Match, lang i18n.Lang, baseURL string) (Rendered, error) {
	loc := cfg.Loc()
	v := &alertView{langView: langView{lang}, Rule: oneLine(rule.ID), Subject: alertSubject(lang, ms)}
	if len(ms) == 1 {
		v.Count = "1 " + lang.T("mail.new_item")
	} else {
		v.Count = fmt.Sprintf("%d %s", len(ms), lang.T("mail.new_items"))
	}
	sourceNames := map[string]string{}
	for _, s := range cfg.Sources {
		sourceNames[s.ID] = s.Name
	}
	for _, m := range ms {
		it := m.Item
		e := alertEntry{Title: text.Clip(oneLine(it.Title), 300), Link: safeURL(it.Link), ItemURL: itemURL(baseURL, it.ID),
			Source:  oneLine(text.FirstNonEmpty(sourceNames[it.Source], it.Source)),
			Summary: text.Clip(text.Fold(text.FirstNonEmpty(it.Summary, it.Content)), 600)}
		if e.Title == "" {
			e.Title = "—"
		}
		if d := it.DisplayDate(); !d.IsZero() {
			e.Date = lang.Date(d.In(loc))
		}
		for _, id := range rule.Domains {
			if slices.Contains(it.Domains, id) {
				e.Why = append(e.Why, whyLine(lang, veille.CategoryLabel(cfg.Domains, id, lang), it.Why[id]))
			}
		}
		for _, id := range rule.Competences {
			if slices.Contains(it.Competences, id) {
				e.Why = append(e.Why, whyLine(lang, veille.CategoryLabel(cfg.Competences, id, lang), it.Why[id]))
			}
		}
		if len(m.Terms) > 0 {
			e.Why = append(e.Why, lang.T("mail.matched")+lang.Colon()+oneLine(strings.Join(m.Terms, ", ")))
		}
		v.Items = append(v.Items, e)
	}
	return render("alert", v, v.Subject)
}
