package server

import (
	"math"
	"strconv"
	"strings"
)

// Decimal writes a number with its fractional part, if any: "0,5" in
// French, "0.5" in English.
func (t tr) Decimal(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return t.Number(int64(f))
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if t.lang == langFR {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
