package server

import (
	"strings"
	"testing"

	"github.com/nogentech/veille/internal/i18n"
)

// TestTagWhyInWords: a tag given by a source says so, in words and with
// the source's name, rather than listing "source:<id>" as a term found;
// overlapping terms are said once.
func TestTagWhyInWords(t *testing.T) {
	f := sharedFixture(t)
	src := f.cfg.Sources[0]
	s := limitedServer(t, Limits{}, nil)
	why := map[string][]string{
		"environment":     {"déchets", "déchets dangereux", "source:" + src.ID},
		"medical-devices": {"via:surgical-instruments"},
	}
	link := func(kind, id string) string { return "/" }
	for _, tc := range []struct {
		lang    i18n.Lang
		key     string
		env, md string
	}{
		{i18n.FR, "why", "pourquoi : déchets dangereux ; donnée par la source " + src.Name, "par Instruments chirurgicaux"},
		{i18n.FR, "item.matched", "termes trouvés : déchets dangereux ; donnée par la source " + src.Name, "par Instruments chirurgicaux"},
		{i18n.EN, "item.matched", "matched terms: déchets dangereux; given by the source " + src.Name, "through Surgical instruments"},
	} {
		tags := s.tagsSaying(tr{lang: tc.lang}, tc.key, []string{"environment", "medical-devices"}, nil, why, link)
		if len(tags) != 2 {
			t.Fatalf("%d tags", len(tags))
		}
		if tags[0].WhyText != tc.env {
			t.Errorf("%s %s: environment why %q, want %q", tc.lang, tc.key, tags[0].WhyText, tc.env)
		}
		if tags[1].WhyText != tc.md {
			t.Errorf("%s %s: medical-devices why %q, want %q", tc.lang, tc.key, tags[1].WhyText, tc.md)
		}
		for _, tv := range tags {
			if strings.Contains(tv.WhyText, "source:") || strings.Contains(tv.WhyText, "via:") {
				t.Errorf("%s: %q shows a raw reason", tc.lang, tv.WhyText)
			}
		}
	}
}
