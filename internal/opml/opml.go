// Package opml is the OPML 2.0 document (http://opml.org/spec2.opml) as
// feed readers write and import it: the server writes the sources list
// with it, `veille import-opml` reads a reader's subscriptions with it.
package opml

import "encoding/xml"

// Doc is an OPML file.
type Doc struct {
	XMLName xml.Name  `xml:"opml"`
	Version string    `xml:"version,attr"`
	Head    Head      `xml:"head"`
	Body    []Outline `xml:"body>outline"`
}

// Head is the document's title and provenance.
type Head struct {
	Title       string `xml:"title"`
	DateCreated string `xml:"dateCreated"`
	Docs        string `xml:"docs"`
}

// Outline is a subscription (with an xmlUrl), a link (type="link", url)
// or a folder of outlines.
type Outline struct {
	Text        string    `xml:"text,attr"`
	Title       string    `xml:"title,attr,omitempty"`
	Type        string    `xml:"type,attr"`
	XMLURL      string    `xml:"xmlUrl,attr"`
	HTMLURL     string    `xml:"htmlUrl,attr,omitempty"`
	Language    string    `xml:"language,attr,omitempty"`
	Description string    `xml:"description,attr,omitempty"`
	Category    string    `xml:"category,attr,omitempty"`
	URL         string    `xml:"url,attr,omitempty"`
	Children    []Outline `xml:"outline"`
}
