package crawler

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode/utf32"
)

var bomUTF8 = []byte{0xEF, 0xBB, 0xBF}

// wideStarts tells UTF-16 and UTF-32 documents apart by their first bytes:
// a byte-order mark, or "<" (XML 1.0, appendix F) or "{" without one. The
// UTF-32 forms come first: FF FE 00 00 also starts like UTF-16LE.
var wideStarts = []struct {
	prefix []byte
	enc    string
	skip   int // bytes of BOM to drop
}{
	{[]byte{0x00, 0x00, 0xFE, 0xFF}, "utf-32be", 4},
	{[]byte{0xFF, 0xFE, 0x00, 0x00}, "utf-32le", 4},
	{[]byte{0xFE, 0xFF}, "utf-16be", 2},
	{[]byte{0xFF, 0xFE}, "utf-16le", 2},
	{[]byte{0x00, 0x00, 0x00, '<'}, "utf-32be", 0},
	{[]byte{'<', 0x00, 0x00, 0x00}, "utf-32le", 0},
	{[]byte{0x00, '<', 0x00}, "utf-16be", 0},
	{[]byte{'<', 0x00}, "utf-16le", 0},
	{[]byte{0x00, 0x00, 0x00, '{'}, "utf-32be", 0},
	{[]byte{'{', 0x00, 0x00, 0x00}, "utf-32le", 0},
	{[]byte{0x00, '{'}, "utf-16be", 0},
	{[]byte{'{', 0x00}, "utf-16le", 0},
}

// xmlDeclRe finds the encoding pseudo-attribute of an XML declaration.
var xmlDeclRe = regexp.MustCompile(`^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']`)

// headerCharset is the charset parameter of a Content-Type header, if any.
func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return params["charset"]
}

// xmlDeclaredEncoding is the encoding named by the XML declaration, if any.
func xmlDeclaredEncoding(body []byte) string {
	head := body[:min(len(body), 512)]
	if m := xmlDeclRe.FindSubmatch(head); m != nil {
		return string(m[1])
	}
	return ""
}

// toUTF8 returns body transcoded to UTF-8 and the name of the encoding it
// was read as. The order is: a byte-order mark; then, when the bytes are
// already valid UTF-8, UTF-8 (a server default "charset=ISO-8859-1" on a
// UTF-8 feed is a common lie, while Latin-1 text that happens to be valid
// UTF-8 is vanishingly rare); then the charset of the Content-Type header,
// then the one the document declares; Windows-1252 (a superset of Latin-1)
// when nothing usable is declared.
func toUTF8(body []byte, contentType, declared string) ([]byte, string, error) {
	if bytes.HasPrefix(body, bomUTF8) {
		return body[len(bomUTF8):], "utf-8", nil
	}
	for _, w := range wideStarts {
		if bytes.HasPrefix(body, w.prefix) {
			return decodeWith(w.enc, body[w.skip:])
		}
	}
	labels := []string{headerCharset(contentType), declared}
	for _, l := range labels {
		// UTF-16 text without a BOM can pass as valid UTF-8 (NUL bytes are).
		if _, name := charset.Lookup(l); strings.HasPrefix(name, "utf-16") {
			return decodeWith(name, body)
		}
	}
	if utf8.Valid(body) {
		return body, "utf-8", nil
	}
	for _, l := range labels {
		if enc, name := charset.Lookup(l); enc != nil && name != "utf-8" && name != "replacement" {
			return decodeWith(name, body)
		}
	}
	return decodeWith("windows-1252", body)
}

func decodeWith(name string, body []byte) ([]byte, string, error) {
	var enc encoding.Encoding
	canonical := name
	switch name {
	case "utf-32be": // not a web encoding, so not in charset.Lookup
		enc = utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)
	case "utf-32le":
		enc = utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM)
	default:
		enc, canonical = charset.Lookup(name)
	}
	if enc == nil {
		return nil, "", fmt.Errorf("unknown character encoding %q", name)
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, "", fmt.Errorf("decode %s: %w", canonical, err)
	}
	return out, canonical, nil
}

// xmlToUTF8 transcodes an XML document to UTF-8 and makes its declaration
// say so, so that the XML decoder does not transcode it a second time.
func xmlToUTF8(body []byte, contentType string) ([]byte, string, error) {
	out, name, err := toUTF8(body, contentType, xmlDeclaredEncoding(bytes.TrimPrefix(body, bomUTF8)))
	if err != nil {
		return nil, "", err
	}
	if m := xmlDeclRe.FindSubmatchIndex(out[:min(len(out), 512)]); m != nil && !strings.EqualFold(string(out[m[2]:m[3]]), "utf-8") {
		fixed := make([]byte, 0, len(out)+8)
		fixed = append(fixed, out[:m[2]]...)
		fixed = append(fixed, "UTF-8"...)
		fixed = append(fixed, out[m[3]:]...)
		out = fixed
	}
	return out, name, nil
}
