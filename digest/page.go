package digest

import (
	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/i18n"
)

// PageView is a digest laid out in lang for a web page: the very view the
// mail templates read (title, period, counts, groups, coverage), so that
// the archive page says what the mail said, drawn by the site's own
// stylesheet instead of the mail's inline styles, which a strict
// Content-Security-Policy blocks. Links to items are made under baseURL
// ("/" for links within the site).
func PageView(cfg veille.Config, dg veille.Digest, d *Digest, lang i18n.Lang, baseURL string) any {
	return newView(cfg, dg, d, lang, baseURL)
}

// Title is the digest's title in lang: the configured one, else one made
// from what it selects ("Veille environnement" / "Environment watch").
func Title(cfg veille.Config, dg veille.Digest, lang i18n.Lang) string {
	return oneLine(digestTitle(cfg, dg, lang))
}
