package veille

import (
	"testing"

	"github.com/nogentech/veille/internal/i18n"
)

func TestCategoryLabel(t *testing.T) {
	cats := []Category{
		{ID: "environment", Label: map[string]string{"fr": "Environnement", "en": "Environment"}},
		{ID: "water", Label: map[string]string{"fr": "Eau"}},
		{ID: "bare"},
	}
	for _, c := range []struct {
		id   string
		lang i18n.Lang
		want string
	}{
		{"environment", "en", "Environment"},
		{"environment", "fr", "Environnement"},
		{"water", "en", "Eau"}, // no English label: the French one
		{"bare", "en", "bare"}, // no label at all: the id
		{"unknown", "fr", "unknown"},
	} {
		if got := CategoryLabel(cats, c.id, c.lang); got != c.want {
			t.Errorf("CategoryLabel(%q, %q) = %q, want %q", c.id, c.lang, got, c.want)
		}
	}
}
