package i18n

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Number groups thousands: "12 345" (narrow no-break space) in French,
// "12,345" in English.
func (l Lang) Number(n int64) string {
	sep := ","
	if l == FR {
		sep = "\u202f"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Decimal writes a number with its fractional part, if any: "0,5" in
// French, "0.5" in English.
func (l Lang) Decimal(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return l.Number(int64(f))
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if l == FR {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Count is n and the noun of key one or many: "1 élément", "0 élément",
// "2 éléments". French counts zero as one, English as many.
func (l Lang) Count(n int, one, many string) string {
	if n == 1 || (l == FR && n == 0) {
		return fmt.Sprintf("%d %s", n, l.T(one))
	}
	return fmt.Sprintf("%d %s", n, l.T(many))
}

// Colon is a colon with the language's spacing: " : " (no-break space
// before) in French, ": " in English.
func (l Lang) Colon() string {
	if l == EN {
		return ": "
	}
	return "\u00a0: "
}

// Quote quotes s with the language's marks: «\u00a0s\u00a0», “s”.
func (l Lang) Quote(s string) string {
	if l == EN {
		return "\u201c" + s + "\u201d"
	}
	return "«\u00a0" + s + "\u00a0»"
}

// Join lists words as a sentence does: "a, b and c", "a, b et c".
func (l Lang) Join(w []string) string {
	switch len(w) {
	case 0:
		return ""
	case 1:
		return w[0]
	}
	return strings.Join(w[:len(w)-1], ", ") + " " + l.T("list.and") + " " + w[len(w)-1]
}
