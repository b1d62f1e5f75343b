package digest

import (
	"fmt"
	"net/http"
	"strings"
)

// ErrorWords says in lang, in a reader's words, why a fetch failed, from
// its HTTP status and the crawler's (English, technical) error. The
// technical text stays beside it for whoever fixes the source.
func ErrorWords(lang string, status int, msg string) string {
	switch {
	case status == http.StatusNotFound || status == http.StatusGone:
		return t(lang, "err_not_found")
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Sprintf(t(lang, "err_forbidden"), status)
	case status == http.StatusTooManyRequests:
		return t(lang, "err_too_many")
	case status >= 500:
		return fmt.Sprintf(t(lang, "err_server"), status)
	case status >= 400:
		return fmt.Sprintf(t(lang, "err_http"), status)
	}
	m := strings.ToLower(msg)
	for _, c := range []struct{ key, in string }{
		{"err_cancelled", "context canceled"},
		{"err_timeout", "timed out"},
		{"err_timeout", "deadline exceeded"},
		{"err_dns", "no such host"},
		{"err_refused", "connection refused"},
		{"err_private", "private or reserved network"},
		{"err_tls", "certificate"},
		{"err_tls", "tls:"},
		{"err_too_large", "body too large"},
		{"err_no_items", "no items found"},
		{"err_not_feed", "not a feed"},
		{"err_not_feed", "parse "},
	} {
		if strings.Contains(m, c.in) {
			return t(lang, c.key)
		}
	}
	return t(lang, "err_other")
}
