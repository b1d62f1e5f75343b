// Package i18n is the one catalogue of the messages people read, in French
// and English, and the rules that write them: which language a request
// gets (Negotiate, over golang.org/x/text/language), dates, numbers,
// quotes and colons in each language's typography.
//
// Every message is a key named area.name ("search.button", "mail.coverage")
// with its French and English text (Message); the messages are split into
// files by area (msg_search.go, msg_mail.go…) and gathered in one map
// (catalogue.go). Lang.T looks a key up and fills its fmt verbs. The web
// pages (server) and the mails (digest) both read it. To add a message:
// its key and both texts in the area's msg_*.go, then l.T("area.key").
// A user's mistake in a request keeps its English format as its key
// (msg_errors.go), so that the JSON API says the English as it is.
package i18n

import (
	"strings"

	"golang.org/x/text/language"
)

// Lang is a language the watch writes in.
type Lang string

// The languages. French is the default: the cluster and most of its
// members work in French.
const (
	FR Lang = "fr"
	EN Lang = "en"
)

// Langs are the languages, the default first.
var Langs = []Lang{FR, EN}

// matcher picks among Langs; French first, so it is what a request naming
// neither gets.
var matcher = language.NewMatcher([]language.Tag{language.French, language.English})

// Known is the language of an exact code ("fr", "en"), as a switch, a
// cookie or a profile holds it; ok is false for anything else.
func Known(code string) (Lang, bool) {
	switch l := Lang(code); l {
	case FR, EN:
		return l, true
	}
	return FR, false
}

// Parse is the language of a tag as configs and profiles write it ("en",
// "en-GB", "FR"); French when it is empty, malformed or neither.
func Parse(tag string) Lang {
	if l, ok := Known(tag); ok {
		return l
	}
	t, err := language.Parse(strings.TrimSpace(tag))
	if err != nil {
		return FR
	}
	return match(t)
}

// Negotiate is the language an Accept-Language header prefers among
// Langs; French when the header names neither (or is malformed).
func Negotiate(acceptLanguage string) Lang {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return FR
	}
	return match(tags...)
}

func match(tags ...language.Tag) Lang {
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return FR
	}
	return Langs[i]
}

// Other is the language the switch offers.
func (l Lang) Other() Lang {
	if l == EN {
		return FR
	}
	return EN
}

// Pick is the text people wrote in each language: en in English when
// there is one, else fr (French is always written).
func (l Lang) Pick(fr, en string) string {
	if l == EN && strings.TrimSpace(en) != "" {
		return en
	}
	return fr
}
