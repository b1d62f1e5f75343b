package cronexpr

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, ok := range []string{"0 8 * * 1", " 30 7 * * 1-5 ", "0 8,14 * * MON,THU", "*/15 6-18 1 JAN-JUN *"} {
		if _, err := Parse(ok); err != nil {
			t.Errorf("Parse(%q): %v", ok, err)
		}
	}
	for bad, want := range map[string]string{
		"@weekly":          "want 5 fields",
		"@daily":           "want 5 fields",
		"@every 1h":        "not an interval",
		"TZ=0 8 * * 1":     `unexpected "TZ=0"`,
		"TZ=UTC 0 8 * * 1": "want 5 fields",
		"0 8 * *":          "want 5 fields",
		"61 8 * * 1":       "61",
		"lundi":            "want 5 fields",
		"":                 "want 5 fields",
	} {
		_, err := Parse(bad)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", bad, err, want)
		}
	}
}
