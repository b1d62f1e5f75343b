package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFirstNonEmpty(t *testing.T) {
	if got := FirstNonEmpty("", "b", "c"); got != "b" {
		t.Errorf("FirstNonEmpty = %q, want b", got)
	}
	if got := FirstNonEmpty("", ""); got != "" {
		t.Errorf("FirstNonEmpty of empties = %q", got)
	}
}

func TestFoldIsFieldsJoin(t *testing.T) {
	for _, s := range []string{"", "   ", "a", " a ", "a  b\t\nc", "\u00a0déchets\u2003dangereux\u3000", "a\x85b",
		"\xffbad\xfe utf8", "l'environnement\r\n\r\n  Article 1er"} {
		if got, want := Fold(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestCutBytesNeverSplitsARune(t *testing.T) {
	s := "déchets été"
	for n := 0; n <= len(s)+1; n++ {
		got := CutBytes(s, n)
		if len(got) > n || !utf8.ValidString(got) || !strings.HasPrefix(s, got) {
			t.Errorf("CutBytes(%q, %d) = %q", s, n, got)
		}
	}
	if got := CutBytes("é", 1); got != "" {
		t.Errorf("CutBytes(é, 1) = %q, want empty", got)
	}
}

func TestClip(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"court", 10, "court"},
		{"rappel de lots, dispositifs médicaux", 20, "rappel de lots…"},
		{"abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij…"},
		{"un deux: trois", 8, "un deux…"},
		{"ééééé", 3, "é…"},
	}
	for _, c := range cases {
		if got := Clip(c.in, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestClipRunes(t *testing.T) {
	if got := ClipRunes("éléphant", 4); got != "élé…" {
		t.Errorf("ClipRunes = %q, want élé…", got)
	}
	if got := ClipRunes("abc", 3); got != "abc" {
		t.Errorf("ClipRunes kept = %q", got)
	}
}

func TestDedupe(t *testing.T) {
	got := Dedupe([]string{"b", "a", "b", "A"})
	if strings.Join(got, ",") != "b,a,A" {
		t.Errorf("Dedupe = %q", got)
	}
	if got := Dedupe(nil); got == nil || len(got) != 0 {
		t.Errorf("Dedupe(nil) = %#v, want empty non-nil", got)
	}
	got = DedupeFold([]string{" Santé ", "santé", "", "Travail"})
	if strings.Join(got, ",") != "Santé,Travail" {
		t.Errorf("DedupeFold = %q", got)
	}
	if got := DedupeFold([]string{" ", ""}); got != nil {
		t.Errorf("DedupeFold of blanks = %#v, want nil", got)
	}
}
