package crawler

import (
	"path"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/unicode"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/fixtures"
)

// TestParseFeedTorture runs the feed parser over feedparser's encoding and
// ill-formed cases (testdata/torture, BSD licence): none may panic or hang,
// and the ones whose expectation concerns text we handle must hold.
func TestParseFeedTorture(t *testing.T) {
	var files []fixtures.TortureFile
	for _, f := range fixtures.Torture(t) {
		if strings.HasSuffix(f.Rel, ".xml") {
			files = append(files, f)
		}
	}
	if len(files) < 40 {
		t.Fatalf("%d torture files", len(files))
	}
	// expected first-item summaries (from each file's Expect line)
	want := map[string]string{
		"demoronize-1.xml":                 "don’t",              // C1 control read as Windows-1252
		"http_text_xml_charset_2.xml":      "This is a £“test.”", // charset only in the header
		"bozo_encoding_mismatch_crash.xml": "¤",
	}
	mustParse := map[string]bool{
		"utf-16be-autodetect.xml": true, "utf-16le-autodetect.xml": true,
		"utf-32be-autodetect.xml": true, "utf-32le-autodetect.xml": true,
		"utf_32.xml": true, "utf-8-bom.xml": true, "no_content_type_default.xml": true,
		"http_i18n.xml": true,
	}
	for _, f := range files {
		name := path.Base(f.Rel)
		t.Run(f.Rel, func(t *testing.T) {
			body, ct := f.Body, f.ContentType
			start := time.Now()
			// the unexported parser: a panic must fail the test, not be recovered
			items, err := parseFeed(body, ct, "https://example.org/feed", veille.Source{ID: "t"}, testNow)
			if el := time.Since(start); el > time.Second {
				t.Errorf("took %v", el)
			}
			if mustParse[name] && err != nil {
				t.Errorf("error: %v", err)
			}
			if w, ok := want[name]; ok {
				if err != nil || len(items) != 1 || items[0].Summary != w {
					t.Errorf("items %+v err %v, want summary %q", items, err, w)
				}
			}
		})
	}
}

func TestParseFeedUTF16(t *testing.T) {
	doc := strings.Replace(readFile(t, "own/rdf.xml"), `encoding="utf-8"`, `encoding="UTF-16"`, 1)
	tests := map[string]struct {
		bom   unicode.BOMPolicy
		order unicode.Endianness
	}{
		"le with bom":    {unicode.UseBOM, unicode.LittleEndian},
		"be with bom":    {unicode.UseBOM, unicode.BigEndian},
		"le without bom": {unicode.IgnoreBOM, unicode.LittleEndian},
		"be without bom": {unicode.IgnoreBOM, unicode.BigEndian},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			body, err := unicode.UTF16(tc.order, tc.bom).NewEncoder().Bytes([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			items, err := ParseFeed(body, "application/rdf+xml", veille.Source{ID: "u16"}, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 2 || items[1].Title != "NF EN 9100 : la nouvelle édition entre en application" {
				t.Errorf("items %+v", items)
			}
		})
	}
}
