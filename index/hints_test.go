package index

import (
	"context"
	"testing"

	"github.com/nogentech/veille"
)

func TestHints(t *testing.T) {
	ix, _, _ := fixtureIndex(t)
	ctx := context.Background()
	hints := func(r veille.SearchRequest) *Hints {
		t.Helper()
		res, err := ix.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		h, err := ix.Hints(ctx, r, res.Total)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}

	t.Run("some of the words", func(t *testing.T) {
		h := hints(veille.SearchRequest{Query: "PFAS zzzunknownword"})
		if h.AnyQuery != "PFAS OR zzzunknownword" || h.AnyTotal != 1 {
			t.Errorf("got %q (%d), want PFAS OR zzzunknownword (1)", h.AnyQuery, h.AnyTotal)
		}
	})
	t.Run("a glossary term stays whole, filters stay", func(t *testing.T) {
		h := hints(veille.SearchRequest{Query: "traitement de surface chromium domain:environment"})
		want := `((traitement de surface) OR chromium) domain:"environment"`
		if h.AnyQuery != want || h.AnyTotal == 0 {
			t.Errorf("got %q (%d), want %q", h.AnyQuery, h.AnyTotal, want)
		}
	})
	t.Run("nothing to relax", func(t *testing.T) {
		if h := hints(veille.SearchRequest{Query: "chromium trioxide"}); h.AnyQuery != "" {
			t.Errorf("all words already match every item holding some: %+v", h)
		}
	})
	t.Run("spelling", func(t *testing.T) {
		h := hints(veille.SearchRequest{Query: "restrictoin chromium"})
		if h.Spelling != "restriction chromium" || h.SpellingTotal != 1 {
			t.Errorf("got %q (%d), want restriction chromium (1)", h.Spelling, h.SpellingTotal)
		}
	})
	t.Run("without filters", func(t *testing.T) {
		h := hints(veille.SearchRequest{Query: "PFAS domain:medical-devices", Jurisdictions: []string{"US"}})
		if h.Unfiltered != "PFAS" || h.UnfilteredTotal != 1 {
			t.Errorf("got %q (%d), want PFAS (1)", h.Unfiltered, h.UnfilteredTotal)
		}
	})
	t.Run("other language", func(t *testing.T) {
		h := hints(veille.SearchRequest{Query: "chromium", Langs: []string{"fr"}})
		if h.OtherLang != "en" || h.OtherLangTotal != 1 {
			t.Errorf("got %q (%d), want en (1)", h.OtherLang, h.OtherLangTotal)
		}
	})
	t.Run("found: no zero-result hints", func(t *testing.T) {
		h := hints(veille.SearchRequest{Query: "chromium", Langs: []string{"en"}})
		if h.Spelling != "" || h.Unfiltered != "" || h.OtherLang != "" {
			t.Errorf("hints for a search that found items: %+v", h)
		}
	})
}
