package index

import (
	"strings"
	"testing"

	"github.com/nogentech/veille/internal/text"
)

func TestFoldOnCorpus(t *testing.T) {
	base, err := corpus()
	if err != nil {
		t.Fatal(err)
	}
	cases := []string{"", "   ", "a", " a ", "a  b\t\nc", "\u00a0déchets\u2003dangereux\u3000", "a\x85b", "\xffbad\xfe utf8",
		"l'environnement\r\n\r\n  Article 1er"}
	for _, e := range base {
		cases = append(cases, e.title, e.text)
	}
	for _, s := range cases {
		if got, want := text.Fold(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("text.Fold(%q) = %q, want %q", s[:min(len(s), 80)], got[:min(len(got), 80)], want[:min(len(want), 80)])
		}
	}
}
