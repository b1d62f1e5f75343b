package xsscheck

import (
	"html"
	"strings"
	"testing"
)

// The counter must see every payload when it is put in a page raw, and
// none once it is escaped: otherwise the rendering tests prove nothing.
func TestCountFindsRawPayloads(t *testing.T) {
	ps := Payloads()
	if len(ps) < 100 {
		t.Fatalf("%d payloads, want 100+", len(ps))
	}
	raw := CountString("<html><body>" + strings.Join(ps, "\n") + "</body></html>")
	if raw.Scripts < 15 || raw.OnAttrs < 25 || raw.ScriptURLs < 15 || raw.Embeds < 5 {
		t.Errorf("raw payloads: %v", raw)
	}
	// as link targets, the URL payloads are caught
	urls := 0
	for _, p := range ps {
		f := CountString(`<a href="` + html.EscapeString(p) + `">x</a>`)
		urls += f.ScriptURLs
	}
	if urls < 10 {
		t.Errorf("only %d payloads caught as href values", urls)
	}
	esc := CountString("<html><body><p>" + html.EscapeString(strings.Join(ps, "\n")) + "</p></body></html>")
	if !esc.Clean() {
		t.Errorf("escaped payloads still count: %v", esc)
	}
	if f := CountString(`<script src="/static/app.3f2a.js"></script><a href="https://ok.example/">ok</a>`); !f.Clean() {
		t.Errorf("the page's own script counted: %v", f)
	}
}

func TestScriptURL(t *testing.T) {
	for v, want := range map[string]bool{
		"javascript:alert(1)": true, " JAVA\tSCRIPT:x": true, "\x01javascript:x": true, "vbscript:x": true,
		"data:text/html,x": true, "0;url=javascript:x": true, "https://ok.example/": false, "/items/x": false,
		"data:image/png;base64,AAAA": false, "#top": false,
	} {
		if got := ScriptURL(v); got != want {
			t.Errorf("ScriptURL(%q) = %v", v, got)
		}
	}
}
