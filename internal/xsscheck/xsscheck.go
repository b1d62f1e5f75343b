// Package xsscheck holds the XSS corpus of the rendering tests and counts,
// in HTML as a browser parses it, what could run script: script
// elements, on* attributes and javascript: (or vbscript:, data:text/html)
// URLs. It is used by tests only.
package xsscheck

import (
	_ "embed"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
)

//go:embed payloads.txt
var payloadFile string

// Payloads returns the corpus: over a hundred strings, each trying to get
// script to run where it is shown as a title, summary, link or author.
func Payloads() []string {
	var out []string
	r := strings.NewReplacer(`\t`, "\t", `\n`, "\n", `\r`, "\r", `\0`, "\x00", `\x20`, " ")
	for _, l := range strings.Split(payloadFile, "\n") {
		if l == "" || strings.HasPrefix(l, "# ") {
			continue
		}
		out = append(out, r.Replace(l))
	}
	return out
}

// Findings counts what could run script in a document.
type Findings struct {
	Scripts    int // <script> elements, other than the page's own /static/ scripts
	OnAttrs    int // attributes named on…
	ScriptURLs int // URL attributes (or styles) that run script
	Embeds     int // iframe, frame, object, embed, applet, base elements
	Details    []string
}

// Clean reports whether nothing was found.
func (f Findings) Clean() bool { return f.Scripts+f.OnAttrs+f.ScriptURLs+f.Embeds == 0 }

func (f Findings) String() string {
	return fmt.Sprintf("%d script elements, %d on* attributes, %d script URLs, %d embedding elements: %s",
		f.Scripts, f.OnAttrs, f.ScriptURLs, f.Embeds, strings.Join(f.Details, "; "))
}

// urlAttrs are the attributes whose value a browser may load or follow.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "data": true,
	"background": true, "poster": true, "cite": true, "codebase": true, "srcset": true, "ping": true,
	"xlink:href": true, "lowsrc": true, "dynsrc": true, "content": true}

// ScriptURL reports whether v, as a browser reads a URL (control
// characters and blanks dropped, any case), runs script.
func ScriptURL(v string) bool {
	var b strings.Builder
	for _, r := range strings.ToLower(v) {
		if r <= ' ' {
			continue
		}
		b.WriteRune(r)
	}
	s := b.String()
	// a meta refresh: "0;url=javascript:…"
	if i := strings.Index(s, "url="); i >= 0 {
		s = s[i+4:]
	}
	s = strings.TrimLeft(s, `'"`)
	return strings.HasPrefix(s, "javascript:") || strings.HasPrefix(s, "vbscript:") || strings.HasPrefix(s, "data:text/html")
}

// Count parses r as HTML and counts what could run script.
func Count(r io.Reader) (Findings, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return Findings{}, err
	}
	var f Findings
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			f.element(n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return f, nil
}

// CountString is Count of a string.
func CountString(s string) Findings {
	f, err := Count(strings.NewReader(s))
	if err != nil {
		// x/net/html recovers from everything; an error is a reader error
		return Findings{Scripts: 1, Details: []string{"unparsable: " + err.Error()}}
	}
	return f
}

func (f *Findings) element(n *html.Node) {
	switch n.Data {
	case "script":
		src := ""
		for _, a := range n.Attr {
			if a.Key == "src" {
				src = a.Val
			}
		}
		if !strings.HasPrefix(src, "/static/") || n.FirstChild != nil {
			f.Scripts++
			f.Details = append(f.Details, fmt.Sprintf("<script src=%q>", src))
		}
	case "iframe", "frame", "frameset", "object", "embed", "applet", "base":
		f.Embeds++
		f.Details = append(f.Details, "<"+n.Data+">")
	}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" {
			key = a.Namespace + ":" + key
		}
		switch {
		case strings.HasPrefix(strings.ToLower(a.Key), "on"):
			f.OnAttrs++
			f.Details = append(f.Details, fmt.Sprintf("<%s %s=%q>", n.Data, a.Key, a.Val))
		case (urlAttrs[key] || urlAttrs[strings.ToLower(a.Key)]) && ScriptURL(a.Val):
			f.ScriptURLs++
			f.Details = append(f.Details, fmt.Sprintf("<%s %s=%q>", n.Data, key, a.Val))
		case key == "style" && (strings.Contains(strings.ToLower(a.Val), "javascript:") || strings.Contains(strings.ToLower(a.Val), "expression(")):
			f.ScriptURLs++
			f.Details = append(f.Details, fmt.Sprintf("<%s style=%q>", n.Data, a.Val))
		}
	}
}
