package server

import (
	"bytes"
	"encoding/xml"
)

// xmlDocument is v as the XML documents the server writes (the Atom feed of
// a search, the OPML of the sources): the XML declaration, one space of
// indent, a final newline. It is built whole before anything is written,
// so that a failure is still a clean 500 (and the feed's ETag is its hash).
func xmlDocument(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
