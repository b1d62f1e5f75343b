package digest

import (
	"bytes"
	"embed"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"

	"github.com/nogentech/veille/internal/i18n"

	"github.com/nogentech/veille"
)

// Rendered is one message: the subject and both bodies, made from the same
// view.
type Rendered struct {
	Subject string
	HTML    string
	Text    string
}

//go:embed templates/*.tmpl
var templateFS embed.FS

var textFuncs = texttemplate.FuncMap{
	"wrap": wrap,
	"pad":  pad,
	"rule": func(s, c string) string { return strings.Repeat(c, utf8.RuneCountInString(s)) },
}

// The templates are parsed once, when the program starts: a broken
// template fails every run at once, not the first Monday at 08:00.
var (
	htmlTemplates = htmltemplate.Must(htmltemplate.New("").Funcs(htmltemplate.FuncMap{"color": color}).
			ParseFS(templateFS, "templates/*.html.tmpl"))
	textTemplates = texttemplate.Must(texttemplate.New("").Funcs(textFuncs).ParseFS(templateFS, "templates/*.txt.tmpl"))
)

// color is the colour of a coverage state; a fixed set, so that no data
// reaches the CSS.
func color(class string) htmltemplate.CSS {
	switch class {
	case "ok":
		return "#15803d"
	case "warn":
		return "#b45309"
	}
	return "#b91c1c"
}

func render(name string, data any, subject string) (Rendered, error) {
	var h, x bytes.Buffer
	if err := htmlTemplates.ExecuteTemplate(&h, name+".html.tmpl", data); err != nil {
		return Rendered{}, err
	}
	if err := textTemplates.ExecuteTemplate(&x, name+".txt.tmpl", data); err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: subject, HTML: h.String(), Text: x.String()}, nil
}

// RenderDigest puts a digest in lang: subject, HTML body, plain-text body.
func RenderDigest(cfg veille.Config, dg veille.Digest, d *Digest, lang i18n.Lang, baseURL string) (Rendered, error) {
	if d.Edition != nil {
		v := newEditionView(cfg, dg, d, lang, baseURL)
		return render("edition", v, v.Subject)
	}
	v := newView(cfg, dg, d, lang, baseURL)
	return render("digest", v, v.Subject)
}

// wrap fills text to width columns, each line after indent.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		n := utf8.RuneCountInString(w)
		switch {
		case i == 0:
			b.WriteString(indent)
		case line+1+n > width:
			b.WriteString("\n")
			b.WriteString(indent)
			line = 0
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += n
	}
	return b.String()
}

// pad fills s with dots to width runes, for aligned counts.
func pad(s string, width int) string {
	n := utf8.RuneCountInString(s)
	if n >= width-1 {
		return s
	}
	return s + " " + strings.Repeat(".", width-n-1)
}

// whyLine names a tag and the terms found for it; a tag given by the
// source, or implied by another, is named alone (veille.SplitWhy).
func whyLine(lang i18n.Lang, label string, why []string) string {
	terms := veille.SplitWhy(why).Terms
	if len(terms) == 0 {
		return label
	}
	return label + lang.Colon() + oneLine(strings.Join(terms, ", "))
}
