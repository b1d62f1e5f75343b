package server

import "github.com/microcosm-cc/bluemonday"

// itemPolicy keeps the structure of a publisher's HTML (paragraphs, lists,
// tables, links) and drops everything that could run, track or restyle the
// page: scripts, styles, forms, frames, event attributes and images (which
// would call the publisher's server from every reader's browser; the CSP
// blocks them anyway).
func itemPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "div", "span", "h1", "h2", "h3", "h4", "h5", "h6",
		"ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code", "em", "strong", "b", "i", "u", "s",
		"sub", "sup", "small", "abbr", "cite", "q", "hr", "figure", "figcaption",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowAttrs("title").OnElements("abbr")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

// snippetPolicy lets through only the <mark> of highlights: a snippet is
// cut from publisher text and must not carry any other markup.
func snippetPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("mark")
	return p
}
