package digest

import (
	"net/http"
	"strings"

	"github.com/nogentech/veille/internal/i18n"
)

// ErrorWords says in lang, in a reader's words, why a fetch failed, from
// its HTTP status and the crawler's (English, technical) error. The
// technical text stays beside it for whoever fixes the source.
func ErrorWords(lang i18n.Lang, status int, msg string) string {
	switch {
	case status == http.StatusNotFound || status == http.StatusGone:
		return lang.T("fetch.not_found")
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return lang.T("fetch.forbidden", status)
	case status == http.StatusTooManyRequests:
		return lang.T("fetch.too_many")
	case status >= 500:
		return lang.T("fetch.server", status)
	case status >= 400:
		return lang.T("fetch.http", status)
	}
	m := strings.ToLower(msg)
	for _, c := range []struct{ key, in string }{
		{"fetch.cancelled", "context canceled"},
		{"fetch.timeout", "timed out"},
		{"fetch.timeout", "deadline exceeded"},
		{"fetch.dns", "no such host"},
		{"fetch.refused", "connection refused"},
		{"fetch.private", "private or reserved network"},
		{"fetch.tls", "certificate"},
		{"fetch.tls", "tls:"},
		{"fetch.too_large", "body too large"},
		{"fetch.no_items", "no items found"},
		{"fetch.not_feed", "not a feed"},
		{"fetch.not_feed", "parse "},
	} {
		if strings.Contains(m, c.in) {
			return lang.T(c.key)
		}
	}
	return lang.T("fetch.other")
}
