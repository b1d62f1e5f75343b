package crawler

import (
	"strings"
	"testing"
	"time"
)

func TestCanonicalURL(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"lower-case scheme and host": {"HTTPS://WWW.Legifrance.GOUV.fr/jorf/id/JORFTEXT000043173093", "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000043173093"},
		"path case kept":             {"https://example.org/Docs/A.PDF", "https://example.org/Docs/A.PDF"},
		"default https port":         {"https://example.org:443/a", "https://example.org/a"},
		"default http port":          {"http://example.org:80/a", "http://example.org/a"},
		"other port kept":            {"https://example.org:8443/a", "https://example.org:8443/a"},
		"http port on https kept":    {"https://example.org:80/a", "https://example.org:80/a"},
		"fragment removed":           {"https://example.org/a#section-2", "https://example.org/a"},
		"utm removed":                {"https://example.org/a?utm_source=rss&utm_medium=feed&utm_campaign=x", "https://example.org/a"},
		"utm case-insensitive":       {"https://example.org/a?UTM_Source=rss&id=3", "https://example.org/a?id=3"},
		"click ids removed":          {"https://example.org/a?fbclid=abc&gclid=def&msclkid=1", "https://example.org/a"},
		"mailchimp removed":          {"https://example.org/a?mc_cid=1&mc_eid=2&p=1", "https://example.org/a?p=1"},
		"AT Internet removed":        {"https://www.ansm.sante.fr/actualites?xtor=RSS-3&at_medium=rss&at_campaign=x", "https://www.ansm.sante.fr/actualites"},
		"others kept in order":       {"https://example.org/s?q=chrome&utm_term=x&page=2&sort=date", "https://example.org/s?q=chrome&page=2&sort=date"},
		"encoding kept":              {"https://example.org/s?q=chrome%20VI&x=a%2Fb", "https://example.org/s?q=chrome%20VI&x=a%2Fb"},
		"escaped path kept":          {"https://www.europarl.europa.eu/thinktank/en/document/EPRS_BRI(2026)791484", "https://www.europarl.europa.eu/thinktank/en/document/EPRS_BRI(2026)791484"},
		"empty path gets slash":      {"https://Example.org", "https://example.org/"},
		"empty query dropped":        {"https://example.org/a?", "https://example.org/a"},
		"only tracking dropped":      {"https://example.org/a?utm_source=x#top", "https://example.org/a"},
		"value-less param kept":      {"https://example.org/a?print&utm_source=x", "https://example.org/a?print"},
		"surrounding spaces":         {"  https://example.org/a \n", "https://example.org/a"},
		"ipv6 default port":          {"http://[2001:DB8::1]:80/x", "http://[2001:db8::1]/x"},
		"not http is untouched":      {"urn:ameli:lpp:v493", "urn:ameli:lpp:v493"},
		"relative is untouched":      {"/textes/decret", "/textes/decret"},
		"empty":                      {"", ""},
		"garbage":                    {"http://%zz", "http://%zz"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := CanonicalURL(tc.in); got != tc.want {
				t.Errorf("CanonicalURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := CanonicalURL(tc.want); again != tc.want {
				t.Errorf("not idempotent: %q → %q", tc.want, again)
			}
		})
	}
}

func TestDetectLang(t *testing.T) {
	tests := map[string]struct{ text, want string }{
		"jorf title":      {"Arrêté du 12 janvier 2021 relatif aux meilleures techniques disponibles", "fr"},
		"french sentence": {"Les exploitants déclarent à l'inspection des installations classées les rejets de chrome hexavalent.", "fr"},
		"french elisions": {"L'arrêté s'applique dès qu'il est publié et l'exploitant doit s'y conformer.", "fr"},
		"english title":   {"Medtronic Recalls MiniMed Insulin Pumps for Incorrect Insulin Dosing", ""},
		"english text":    {"This device is being recalled due to a dislodged valve resulting in loss of pressure in the system.", "en"},
		"fr register":     {"The Environmental Protection Agency (EPA) is taking final action to approve a revision to the Feather River Air Quality Management District portion of the California State Implementation Plan.", "en"},
		"too short":       {"ISO 10993-1", ""},
		"empty":           {"", ""},
		"numbers only":    {"2026-11-12 14:00 2565 2561", ""},
		"mixed even":      {"le the", ""},
		"upper case":      {"LE DÉCRET EST PUBLIÉ AU JOURNAL OFFICIEL DE LA RÉPUBLIQUE", "fr"},
		"english upper":   {"THE RULE IS EFFECTIVE ON JANUARY 30 AND APPLIES TO ALL FACILITIES", "en"},
		"long french": {strings.Repeat("La présente décision est publiée au Bulletin officiel du ministère. ", 200) +
			strings.Repeat("The end of the document is in English. ", 5), "fr"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := DetectLang(tc.text); got != tc.want {
				t.Errorf("DetectLang(%.60q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestNormLang(t *testing.T) {
	tests := map[string]string{
		"fr-FR": "fr", "en-us": "en", "EN": "en", "fr_FR": "fr", " fr ": "fr", "French": "fr",
		"en-GB, fr;q=0.5": "en", "de-DE": "de", "": "", "x": "", "12": "", "français": "fr",
	}
	for in, want := range tests {
		if got := langSubtag(in); got != want {
			t.Errorf("langSubtag(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	tests := map[string]struct {
		in         string
		monthFirst bool
		want       time.Time
	}{
		"french long":           {in: "12 novembre 2026", want: d(2026, 11, 12)},
		"french 1er":            {in: "1er décembre 2026", want: d(2026, 12, 1)},
		"french capitalised":    {in: "Publié le 3 Février 2026", want: d(2026, 2, 3)},
		"french unaccented":     {in: "15 fevrier 2026", want: d(2026, 2, 15)},
		"french août":           {in: "le 14 août 2026 à 10h", want: d(2026, 8, 14)},
		"french abbreviated":    {in: "5 janv. 2026", want: d(2026, 1, 5)},
		"french abbreviated 2":  {in: "20 déc. 2025", want: d(2025, 12, 20)},
		"french weekday":        {in: "jeudi 12 novembre 2026", want: d(2026, 11, 12)},
		"day first":             {in: "12/11/2026", want: d(2026, 11, 12)},
		"day first with dots":   {in: "12.11.2026", want: d(2026, 11, 12)},
		"day first short year":  {in: "12/11/26", want: d(2026, 11, 12)},
		"embedded in text":      {in: "RAPPEL DE PRODUIT - Médicaments - PUBLIÉ LE 10/07/2026", want: d(2026, 7, 10)},
		"only month first fits": {in: "01/28/2020", want: d(2020, 1, 28)},
		"month first for US":    {in: "02/04/2020", monthFirst: true, want: d(2020, 2, 4)},
		"weekday decides":       {in: "Tue, 02/04/2020 - 00:00", want: d(2020, 2, 4)},
		"weekday decides fr":    {in: "jeudi 02/04/2020", want: d(2020, 4, 2)},
		"iso date":              {in: "2026-11-12", want: d(2026, 11, 12)},
		"iso in text":           {in: "Mis à jour : 2026-11-12, version 3", want: d(2026, 11, 12)},
		"english long":          {in: "November 12, 2026", want: d(2026, 11, 12)},
		"english no comma":      {in: "November 12 2026", want: d(2026, 11, 12)},
		"english ordinal":       {in: "March 3rd, 2026", want: d(2026, 3, 3)},
		"english day first":     {in: "12 Nov 2026", want: d(2026, 11, 12)},
		"english abbreviated":   {in: "Sept. 7, 2026", want: d(2026, 9, 7)},
		"english september":     {in: "7 September 2026", want: d(2026, 9, 7)},
		"rfc 3339":              {in: "2026-11-12T14:30:00+01:00", want: time.Date(2026, 11, 12, 13, 30, 0, 0, time.UTC)},
		"rfc 3339 fraction":     {in: "2018-05-13T08:00:20.111339+00:00", want: time.Date(2018, 5, 13, 8, 0, 20, 111339000, time.UTC)},
		"iso no zone":           {in: "2026-11-12T14:30:00", want: time.Date(2026, 11, 12, 14, 30, 0, 0, time.UTC)},
		"iso space":             {in: "2026-11-12 14:30", want: time.Date(2026, 11, 12, 14, 30, 0, 0, time.UTC)},
		"rfc 1123":              {in: "Thu, 12 Nov 2026 08:30:00 GMT", want: time.Date(2026, 11, 12, 8, 30, 0, 0, time.UTC)},
		"rfc 1123 offset":       {in: "Thu, 12 Nov 2026 08:30:00 +0100", want: time.Date(2026, 11, 12, 7, 30, 0, 0, time.UTC)},
		"first date wins":       {in: "Publié le 3 mars 2026, modifié le 10/04/2026", want: d(2026, 3, 3)},
		"impossible day":        {in: "31/02/2026"},
		"impossible both":       {in: "13/13/2026"},
		"no date":               {in: "Rev. 2 – to be confirmed"},
		"empty":                 {in: ""},
		"month without year":    {in: "12 novembre"},
		"year out of range":     {in: "12/11/1066"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := parseDate(tc.in, tc.monthFirst)
			if !got.Equal(tc.want) || (!got.IsZero() && got.Location() != time.UTC) {
				t.Errorf("parseDate(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"paragraphs":       {"<p>Article 1</p><p>Le présent arrêté   entre en vigueur.</p>", "Article 1\nLe présent arrêté entre en vigueur."},
		"entities":         {"<p>R&eacute;glement (UE) 2017/745 &amp; 2017/746&nbsp;: l&#39;essentiel &#x2014; &lt;MDR&gt;</p>", "Réglement (UE) 2017/745 & 2017/746 : l'essentiel — <MDR>"},
		"inline no space":  {"chrome <b>hexa</b>valent", "chrome hexavalent"},
		"br":               {"ligne 1<br>ligne 2<br/>ligne 3", "ligne 1\nligne 2\nligne 3"},
		"table cells":      {"<table><tr><th>Rubrique</th><th>Seuil</th></tr><tr><td>2565</td><td>1 500 l</td></tr></table>", "Rubrique Seuil\n2565 1 500 l"},
		"list":             {"<ul><li>Lot 5175366</li><li>Lot 5200357</li></ul>", "Lot 5175366\nLot 5200357"},
		"script and style": {"<style>p{color:red}</style><p>Texte</p><script>var x = '<p>no</p>';</script><noscript>js</noscript>", "Texte"},
		"head skipped":     {"<html><head><title>T</title><meta charset=utf-8></head><body><h1>Titre</h1></body></html>", "Titre"},
		"comments":         {"a<!-- hidden -->b", "ab"},
		"pre keeps lines":  {"<pre>\nTIII Ch4 HEARTWARE \nTIII Ch1 NOVAE\n</pre>", "TIII Ch4 HEARTWARE\nTIII Ch1 NOVAE"},
		"invisible chars":  {"co\u00adop\u00e9\u200bration", "coopération"},
		"crlf":             {"line one\r\nline two &#xD;\n", "line one line two"},
		"plain text":       {"  déjà   du texte\n\n simple ", "déjà du texte\nsimple"},
		"lone ampersand":   {"R&D and AT&T < 5", "R&D and AT&T < 5"},
		"unclosed tags":    {"<div><p>Un <b>texte", "Un texte"},
		"empty":            {"", ""},
		"only markup":      {"<div><br/></div>", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := PlainText(tc.in); got != tc.want {
				t.Errorf("PlainText(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("mot ", 200)
	got := truncate(long, 50)
	if r := []rune(got); len(r) > 51 || !strings.HasSuffix(got, "mot…") {
		t.Errorf("truncate: %q", got)
	}
	if got := truncate("court", 50); got != "court" {
		t.Errorf("short text changed: %q", got)
	}
	if got := truncate(strings.Repeat("é", 600), 500); len([]rune(got)) != 501 {
		t.Errorf("cut inside a rune or wrong length: %d runes", len([]rune(got)))
	}
}
