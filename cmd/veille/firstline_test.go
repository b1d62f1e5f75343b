package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestFirstLineKeepsCharacters: a long French error is cut on a character
// boundary, never inside "é".
func TestFirstLineKeepsCharacters(t *testing.T) {
	msg := strings.Repeat("a", 99) + "échec de la requête\ndétail"
	got := firstLine(msg)
	if !utf8.ValidString(got) {
		t.Fatalf("firstLine cut a character: %q", got)
	}
	if want := strings.Repeat("a", 99) + "…"; got != want {
		t.Errorf("firstLine = %q, want %q", got, want)
	}
	if got := firstLine("court\nsuite"); got != "court" {
		t.Errorf("firstLine = %q, want the first line", got)
	}
}
