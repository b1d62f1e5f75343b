package server

import (
	"net/http"
	"time"

	"github.com/nogentech/veille/internal/i18n"
)

// uiCookie remembers the language a person chose with the switch.
const uiCookie = "veille_ui"

// uiLang picks the interface language: the ?ui= switch, then the cookie it
// set, then Accept-Language (i18n.Negotiate), then French.
func uiLang(r *http.Request) (lang i18n.Lang, fromSwitch bool) {
	if l, ok := i18n.Known(r.URL.Query().Get("ui")); ok {
		return l, true
	}
	if c, err := r.Cookie(uiCookie); err == nil {
		if l, ok := i18n.Known(c.Value); ok {
			return l, false
		}
	}
	return i18n.Negotiate(r.Header.Get("Accept-Language")), false
}

// tr is the translator of one request: its language, whose messages and
// formats are the catalogue's (internal/i18n), and the time zone dates
// are shown in.
type tr struct {
	lang i18n.Lang
	loc  *time.Location
}

// T returns the message key, formatted with args when it has verbs.
func (t tr) T(key string, args ...any) string { return t.lang.T(key, args...) }

// Number groups thousands: "12 345", "12,345".
func (t tr) Number(n int64) string { return t.lang.Number(n) }

// Decimal writes a number with its fractional part, if any: "0,5", "0.5".
func (t tr) Decimal(f float64) string { return t.lang.Decimal(f) }

// Colon is a colon with the language's spacing (" : " in French).
func (t tr) Colon() string { return t.lang.Colon() }

// Quote quotes s with the language's marks: « s », “s”.
func (t tr) Quote(s string) string { return t.lang.Quote(s) }

// Duration says an interval the way people do: "2 h", "30 min", "1 j".
func (t tr) Duration(d time.Duration) string { return t.lang.Duration(d) }

func (t tr) location() *time.Location {
	if t.loc == nil {
		return time.UTC
	}
	return t.loc
}

// Date formats a day in the server's time zone: "20 novembre 2026",
// "20 November 2026"; "sans date" when there is none.
func (t tr) Date(d time.Time) string {
	if d.IsZero() {
		return t.T("undated")
	}
	return t.lang.Date(d.In(t.location()))
}

// DateTime formats a moment: "20 novembre 2026 à 09:05", "20 November
// 2026, 09:05".
func (t tr) DateTime(d time.Time) string {
	if d.IsZero() {
		return "–"
	}
	return t.lang.DateTime(d.In(t.location()))
}

// LangName names an item language in the interface language; a language
// without a message shows as its code.
func (t tr) LangName(code string) string { return t.named("lang.", code) }

// kindName names a source kind; kinds without a message show as they are.
func (t tr) kindName(kind string) string { return t.named("kind.", kind) }

func (t tr) named(prefix, name string) string {
	if i18n.Has(prefix + name) {
		return t.T(prefix + name)
	}
	return name
}
