package veille

import "github.com/nogentech/veille/internal/i18n"

// LabelIn is the name people read for the category in lang: its label in
// that language, else its French label, else its id. The pages and the
// mails name a domain or a competence by this one rule.
func (c Category) LabelIn(lang i18n.Lang) string {
	if l := c.Label[string(lang)]; l != "" {
		return l
	}
	if l := c.Label[string(i18n.FR)]; l != "" {
		return l
	}
	return c.ID
}

// CategoryLabel is LabelIn of the category id among cats (the config's
// Domains or Competences), or id itself when cats has no such category.
func CategoryLabel(cats []Category, id string, lang i18n.Lang) string {
	for _, c := range cats {
		if c.ID == id {
			return c.LabelIn(lang)
		}
	}
	return id
}
