package i18n

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCatalogueComplete: every message has its French and its English,
// with the same fmt verbs in the same order, so that no page or mail
// shows an empty line, a bare key or a %!d(MISSING).
func TestCatalogueComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)
	keys := Keys()
	if len(keys) < 400 {
		t.Fatalf("only %d messages: the catalogue lost an area", len(keys))
	}
	for _, k := range keys {
		m := catalogue[k]
		if strings.TrimSpace(m.FR) == "" {
			t.Errorf("%q has no French text", k)
		}
		if strings.TrimSpace(m.EN) == "" {
			t.Errorf("%q has no English text", k)
		}
		if strings.Contains(m.FR+m.EN, "%[") {
			// Explicit argument indexes let each language take the
			// arguments it needs in its order ("%[2]s sur %[4]d", "%[3]d of
			// %[4]d"): both must reach the same last argument.
			if fr, en := lastIndex(m.FR), lastIndex(m.EN); fr != en {
				t.Errorf("%q: French reads up to argument %d, English up to %d", k, fr, en)
			}
			continue
		}
		fr, en := strings.Join(verbs.FindAllString(m.FR, -1), " "), strings.Join(verbs.FindAllString(m.EN, -1), " ")
		if fr != en {
			t.Errorf("%q: French verbs [%s], English verbs [%s]", k, fr, en)
		}
	}
}

// lastIndex is the highest explicit argument index of a format ("%[4]d": 4).
func lastIndex(format string) int {
	n := 0
	for _, m := range regexp.MustCompile(`%\[(\d+)\]`).FindAllStringSubmatch(format, -1) {
		if i, _ := strconv.Atoi(m[1]); i > n {
			n = i
		}
	}
	return n
}

// TestGatherRefusesTwoHomes: a key in two areas stops the program rather
// than one silently winning.
func TestGatherRefusesTwoHomes(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `"nav.search"`) {
			t.Errorf("recover() = %v, want a panic naming the key", r)
		}
	}()
	gather(map[string]Message{"nav.search": {"Recherche", "Search"}}, searchMessages)
}

func TestT(t *testing.T) {
	tests := map[string]struct{ got, want string }{
		"French":            {FR.T("nav.search"), "Recherche"},
		"English":           {EN.T("nav.search"), "Search"},
		"args":              {EN.T("results.range", "21", "40", "1,234"), "Results 21 to 40 of 1,234"},
		"unknown key shown": {FR.T("no.such.key"), "no.such.key"},
		"unknown lang: fr":  {Lang("de").T("nav.search"), "Recherche"},
		"error by format":   {FR.T("limit must be at most %d, got %d", 500, 900), "limit vaut au plus 500, pas 900"},
	}
	for name, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", name, tc.got, tc.want)
		}
	}
	if !Has("kind.feed") || Has("kind.carrier-pigeon") {
		t.Error("Has")
	}
}

// TestNegotiate: the language a browser prefers among fr and en, French
// when it names neither; the weights decide, not the order.
func TestNegotiate(t *testing.T) {
	for header, want := range map[string]Lang{
		"en-GB,en;q=0.9":                 EN,
		"fr-FR,fr;q=0.9,en;q=0.8":        FR,
		"de-DE, fr;q=0.5, en;q=0.7":      EN,
		"de-DE,de;q=0.9":                 FR,
		"":                               FR,
		"en":                             EN,
		"fr-CA":                          FR,
		"en-US;q=0.3, fr;q=0.2":          EN,
		"fr;q=0.2, en-US;q=0.3":          EN,
		"en;q=0, fr;q=0.1":               FR,
		"es, it;q=0.9, en;q=0.1":         EN,
		"*":                              FR,
		"zh-Hant-TW, ja;q=0.8":           FR,
		"not a header;;;q=x":             FR,
		"de-CH, de;q=0.9, en-AU;q=0.8":   EN,
		"pt-BR, pt;q=0.9, fr-BE;q=0.5":   FR,
		"nl, en-GB;q=0.4, fr-FR;q=0.6":   FR,
		"EN-gb":                          EN,
		"en-GB;q=0.9, en;q=0.8, fr;q=1":  FR,
		"fr;q=0.5, en;q=0.5":             FR, // a tie: the order of the header
		"en;q=0.5, fr;q=0.5":             EN,
		"sr-Latn, hr;q=0.9, en-IE;q=0.1": EN,
	} {
		if got := Negotiate(header); got != want {
			t.Errorf("Negotiate(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestParseAndKnown(t *testing.T) {
	for in, want := range map[string]Lang{"fr": FR, "en": EN, "": FR, "en-GB": EN, "EN": EN, " en ": EN, "fr-CA": FR, "de": FR, "xx-invalid-!!": FR} {
		if got := Parse(in); got != want {
			t.Errorf("Parse(%q) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]bool{"fr": true, "en": true, "": false, "EN": false, "en-GB": false, "de": false} {
		if _, ok := Known(in); ok != want {
			t.Errorf("Known(%q) = %v, want %v", in, ok, want)
		}
	}
	if FR.Other() != EN || EN.Other() != FR {
		t.Error("Other")
	}
	if EN.Pick("texte", "text") != "text" || EN.Pick("texte", " ") != "texte" || FR.Pick("texte", "text") != "texte" {
		t.Error("Pick")
	}
}

func TestWords(t *testing.T) {
	d := time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC)
	tests := map[string]struct{ got, want string }{
		"January":            {FR.Month(time.January), "janvier"},
		"August":             {FR.Month(time.August), "août"},
		"December":           {FR.Month(time.December), "décembre"},
		"English month":      {EN.Month(time.March), "March"},
		"Monday":             {FR.Weekday(time.Monday), "lundi"},
		"Sunday":             {EN.Weekday(time.Sunday), "Sunday"},
		"French date":        {FR.Date(d), "1er décembre 2026"},
		"English date":       {EN.Date(d), "1 December 2026"},
		"French date-time":   {FR.DateTime(d), "1er décembre 2026 à 00:30"},
		"English date-time":  {EN.DateTime(d), "1 December 2026, 00:30"},
		"short French":       {FR.ShortDate(d), "01/12/2026"},
		"short English":      {EN.ShortDate(d), "2026-12-01"},
		"short date-time":    {FR.ShortDateTime(d), "01/12/2026 00:30"},
		"never":              {EN.ShortDateTime(time.Time{}), "—"},
		"range in a month":   {FR.DayRange(d, d.AddDate(0, 0, 6)), "1er–7 décembre 2026"},
		"range across years": {EN.DayRange(d.AddDate(0, 0, 27), d.AddDate(0, 0, 33)), "28 December 2026 – 3 January 2027"},
		"one day":            {EN.DayRange(d, d), "1 December 2026"},
		"ordinals":           {EN.Join([]string{EN.Ordinal(1), EN.Ordinal(2), EN.Ordinal(3), EN.Ordinal(11), EN.Ordinal(22)}), "1st, 2nd, 3rd, 11th and 22nd"},
		"French ordinals":    {FR.Join([]string{FR.Ordinal(1), FR.Ordinal(2)}), "1er et 2"},
		"French hour":        {FR.TimeOfDay(7, 30), "7\u00a0h\u00a030"},
		"English hour":       {EN.TimeOfDay(8, 0), "8:00"},
		"French number":      {FR.Number(1234567), "1\u202f234\u202f567"},
		"negative number":    {EN.Number(-1234), "-1,234"},
		"French decimal":     {FR.Decimal(0.5), "0,5"},
		"whole decimal":      {EN.Decimal(1200), "1,200"},
		"interval":           {FR.Duration(48 * time.Hour), "2 j"},
		"zero counts as one": {FR.Count(0, "mail.item", "mail.items"), "0 élément"},
		"zero in English":    {EN.Count(0, "mail.item", "mail.items"), "0 items"},
		"French quote":       {FR.Quote("x") + FR.Colon(), "«\u00a0x\u00a0»\u00a0: "},
		"English quote":      {EN.Quote("x") + EN.Colon(), "\u201cx\u201d: "},
	}
	for name, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", name, tc.got, tc.want)
		}
	}
}
