package crawler

import (
	"fmt"
	"time"

	"github.com/nogentech/veille"
)

// The parsers one kind at a time, for this package's tests: errors name
// the source (not the URL), panics become errors, as before crawler.Parse
// was the one entry.

// ParseFeed is parseFeed against src.URL.
func ParseFeed(body []byte, contentType string, src veille.Source, now time.Time) (items []veille.Item, err error) {
	defer recoverInto(&err, src.ID)
	items, err = parseFeed(body, contentType, src.URL, src, now)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.ID, err)
	}
	return items, nil
}

// ParseHTML is parseHTML.
func ParseHTML(body []byte, contentType string, pageURL string, src veille.Source, now time.Time) (items []veille.Item, err error) {
	defer recoverInto(&err, src.ID)
	items, err = parseHTML(body, contentType, pageURL, src, now)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.ID, err)
	}
	return items, nil
}

// ParseFederalRegister is parseFederalRegister.
func ParseFederalRegister(body []byte, src veille.Source, now time.Time) (items []veille.Item, err error) {
	defer recoverInto(&err, src.ID)
	items, err = parseFederalRegister(body, src, now)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.ID, err)
	}
	return items, nil
}

// recoverInto turns a panic in a parser (hostile input in a dependency)
// into an error naming the source, so one bad feed cannot stop a crawl.
func recoverInto(err *error, sourceID string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("source %s: internal error while parsing: %v", sourceID, r)
	}
}

// ForbiddenHost reports whether a URL host written as an address, in any
// form HostAddr reads, is on the deny-list. It opens no socket and judges no
// name: the addresses a name resolves to are checked when dialed.
func ForbiddenHost(host string) bool {
	ip, _, ok := HostAddr(host)
	return ok && Forbidden(ip)
}
