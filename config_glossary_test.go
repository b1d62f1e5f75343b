package veille

import (
	"errors"
	"strings"
	"testing"
)

// Each mistake of a glossary entry is named at its line, as for the other
// keys.
func TestGlossaryProblems(t *testing.T) {
	tests := map[string]struct {
		yaml string // after taxonomyHead (6 lines)
		line int
		path string
		msg  string
	}{
		"empty term": {`glossary:
  - fr: [déchet, ""]
    en: [waste]
`, 8, "glossary[0].fr[1]", "empty term"},
		"acronym in small letters": {`glossary:
  - fr: [règlement relatif aux dispositifs médicaux]
    acronyms: [mdr]
`, 9, "glossary[0].acronyms[0]", `"mdr" is not an acronym`},
		"nothing to expand": {`glossary:
  - fr: [amiante]
`, 8, "glossary[0]", "at least two terms"},
		"term in two entries": {`glossary:
  - fr: [déchet]
    en: [waste]
  - fr: [Déchets]
    en: [garbage]
`, 10, "glossary[1].fr[0]", `"Déchets" is already in the glossary at line 8 (glossary[0].fr[0])`},
		"term repeated in its entry": {`glossary:
  - fr: [déchet, Déchets]
    en: [waste]
`, 8, "glossary[0].fr[1]", "repeats glossary[0].fr[0]"},
		"unknown ref kind": {`glossary:
  - en: [Medical Device Regulation]
    acronyms: [MDR]
    ref: "eu-law:Regulation (EU) 2017/745"
`, 10, "glossary[0].ref", `unknown ref kind "eu-law"`},
		"ref without id": {`glossary:
  - en: [Medical Device Regulation]
    acronyms: [MDR]
    ref: "eu-act:"
`, 10, "glossary[0].ref", "must be kind:id"},
		"unknown key": {`glossary:
  - fr: [déchet]
    en: [waste]
    de: [Abfall]
`, 10, "glossary[0].de", `unknown key "de"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseConfig([]byte(taxonomyHead+tc.yaml), "feeds.yaml")
			var cerr *ConfigError
			if !errors.As(err, &cerr) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if len(cerr.Problems) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(cerr.Problems), err)
			}
			p := cerr.Problems[0]
			if p.Line != tc.line || p.Path != tc.path || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("problem = line %d, path %q, msg %q\nwant      line %d, path %q, msg containing %q", p.Line, p.Path, p.Msg, tc.line, tc.path, tc.msg)
			}
		})
	}

	cfg, err := ParseConfig([]byte(taxonomyHead+`glossary:
  - fr: [règlement relatif aux dispositifs médicaux, 2017/745]
    en: [Medical Device Regulation]
    acronyms: [MDR, RoHS]
    ref: "eu-act:Regulation (EU) 2017/745"
`), "feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if g := cfg.Glossary; len(g) != 1 || g[0].Ref != "eu-act:Regulation (EU) 2017/745" || len(g[0].Acronyms) != 2 {
		t.Errorf("glossary = %+v", g)
	}
}

func TestGlossaryKeyAndAcronyms(t *testing.T) {
	for in, want := range map[string]string{
		"Dispositifs médicaux":  "dispositif medicau",
		"dispositif medicaux":   "dispositif medicau",
		"traitement de surface": "traitement surface",
		"Traitement-de-surface": "traitement surface",
		"2017/745":              "2017 745",
	} {
		if got := GlossaryKey(in); got != want {
			t.Errorf("GlossaryKey(%q) = %q, want %q", in, got, want)
		}
	}
	for w, want := range map[string]bool{"REACH": true, "MDR": true, "RoHS": true, "CO2": true, "Reach": false,
		"reach": false, "A": false, "2017": false, "McDonald": false, "ÉTÉ": true} {
		if got := IsAcronym(w); got != want {
			t.Errorf("IsAcronym(%q) = %v, want %v", w, got, want)
		}
	}
}
