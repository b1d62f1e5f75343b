package crawler

import (
	"bytes"
	"errors"
	"regexp"
)

// ErrEntityExpansion is returned (wrapped) for a document whose type
// declaration defines entities in terms of other entities: the "billion
// laughs" bomb, where ten nested definitions expand to 10⁹ copies. gofeed
// does not expand entities, so the bomb cannot explode, but the document
// is hostile and its text would be garbage: it is refused with that reason.
var ErrEntityExpansion = errors.New("the document type defines entities made of other entities (an entity expansion bomb)")

// nestedEntity matches a general entity whose value refers to another
// entity (not a character reference such as &#38;).
var nestedEntity = regexp.MustCompile(`<!ENTITY\s+[^%\s]+\s+(?:"[^"]*&[A-Za-z_:][^"]*"|'[^']*&[A-Za-z_:][^']*')`)

// entityBomb reports whether the document type declaration of body, if it
// has one with an internal subset, declares a nested entity. Only the
// prolog is read: a DOCTYPE must come before the root element.
func entityBomb(body []byte) bool {
	head := body[:min(len(body), 1<<20)]
	i := bytes.Index(head, []byte("<!DOCTYPE"))
	if i < 0 {
		return false
	}
	sub := head[i:]
	open := bytes.IndexByte(sub, '[')
	if open < 0 {
		return false
	}
	end := bytes.Index(sub, []byte("]>"))
	if end < open {
		end = len(sub) // unterminated subset: judge what there is
	}
	return nestedEntity.Match(sub[open:end])
}
