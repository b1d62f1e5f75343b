package crawler

import (
	"errors"
	"strings"
	"testing"

	"github.com/nogentech/veille"
)

func TestEntityBomb(t *testing.T) {
	const rss = `<rss version="2.0"><channel><title>t</title><item><title>a &amp; b</title><link>https://example.org/a</link></item></channel></rss>`
	tests := map[string]struct {
		doc  string
		bomb bool
	}{
		"no doctype":                   {`<?xml version="1.0"?>` + rss, false},
		"external doctype, RSS 0.91":   {`<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">` + rss, false},
		"plain entity":                 {`<!DOCTYPE rss [<!ENTITY org "Example">]>` + rss, false},
		"character reference in value": {`<!DOCTYPE rss [<!ENTITY amp2 "&#38;">]>` + rss, false},
		"external parameter entity":    {`<!DOCTYPE rdf:RDF [<!ENTITY % HTMLlat1 PUBLIC "-//W3C//ENTITIES Latin 1 for XHTML//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml-lat1.ent"> %HTMLlat1;]>` + rss, false},
		"nested, double quotes":        {`<!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;">]>` + rss, true},
		"nested, single quotes":        {`<!DOCTYPE rss [<!ENTITY a 'lol'><!ENTITY b '&a;&a;'>]>` + rss, true},
		"nested, unterminated subset":  {`<!DOCTYPE rss [<!ENTITY a "x"><!ENTITY b "&a;&a;">` + rss, true},
		"entity text in the body only": {rss + `<!-- <!ENTITY b "&a;"> -->`, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := entityBomb([]byte(tc.doc)); got != tc.bomb {
				t.Errorf("entityBomb = %v, want %v", got, tc.bomb)
			}
			_, err := ParseFeed([]byte(tc.doc), "application/rss+xml", veille.Source{ID: "e"}, testNow)
			if tc.bomb != errors.Is(err, ErrEntityExpansion) {
				t.Errorf("ParseFeed err %v", err)
			}
			if tc.bomb && !strings.HasPrefix(err.Error(), "source e: ") {
				t.Errorf("error does not name the source: %v", err)
			}
		})
	}
}
