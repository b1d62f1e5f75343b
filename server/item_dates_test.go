package server

import (
	"strings"
	"testing"
)

// A date an item sets is shown with the words that set it when there are
// some, quoted in the reader's language, and without empty quotes when
// there are none.
func TestItemDatesQuoteInTheReadersLanguage(t *testing.T) {
	e := newMemberEnv(t, true)
	c := e.client()
	_, fr := c.do("GET", "/items/item-0", nil)
	if !strings.Contains(fr, "entrée en vigueur") || !strings.Contains(fr, `datetime="2027-01-01"`) {
		t.Fatalf("the item's dates are not shown:\n%s", fr)
	}
	for _, empty := range []string{"«\u00a0\u00a0»", "« »", "«  »", "\u201c\u201d"} {
		if strings.Contains(fr, empty) {
			t.Errorf("empty quotes %q on a date with no words", empty)
		}
	}
	if !strings.Contains(fr, "</strong>\u00a0: <time") {
		t.Errorf("the French colon is not spaced the French way")
	}
	_, en := c.do("GET", "/items/item-0?ui=en", nil)
	if !strings.Contains(en, "</strong>: <time") {
		t.Errorf("the English page does not use an English colon")
	}
}
