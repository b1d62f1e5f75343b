package index

import (
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// MappingVersion is stored in the index; Open refuses an index built with
// another one. Bump it whenever buildMapping or the document shape changes.
const MappingVersion = 4

// Analyzer and filter names, as stored in the index's mapping JSON.
const (
	analyzerFr    = "veille_fr"
	analyzerEn    = "veille_en"
	analyzerExact = "veille_exact"
	foldFilter    = "veille_fold"
	frStemFilter  = "veille_fr_stem"
)

// Field names of the Bleve documents.
const (
	fID           = "id"
	fSource       = "source"
	fSources      = "sources"
	fLang         = "lang"
	fJurisdiction = "jurisdiction"
	fDomains      = "domains"
	fCompetences  = "competences"
	fPublished    = "published"    // datetime, indexed for range and sort
	fPublishedAt  = "published_at" // RFC 3339 text, stored for display only
	fTitle        = "title"
	fLink         = "link"
	fWhy          = "why"
	// fRefs holds "kind:id" of every reference and of the item's own act,
	// as keywords; fRefsJSON the refs, dates and act a hit shows.
	fRefs     = "refs"
	fRefsJSON = "refs_json"
	// fActRefs holds "kind:id" of the acts an item cites or is, as written
	// (not lower-cased), for the facet of the most cited acts. The dates
	// are not indexed as terms: the calendar reads them from the store's
	// table of dates, in date order (store/dates.go).
	fActRefs = "act_refs"
	// fRefRels holds "rel|kind:id" for each reference with a relation and
	// "is|kind:id" for the item's own act, so that an act page reads each
	// group on its own (index/acts.go).
	fRefRels   = "ref_rels"
	fHighlight = "highlight"
	fTitleFr   = "title_fr"
	fTextFr    = "text_fr"
	fTitleEn   = "title_en"
	fTextEn    = "text_en"
	// fTitleExact and fTextExact hold the words unstemmed (folded, lower
	// case), for "exact phrases" and prefix* searches.
	fTitleExact = "title_exact"
	fTextExact  = "text_exact"
	// fExact holds acronyms as written in capitals and numbers with their
	// separators (2017/745, 2022-473), which the analysers would lower-case
	// or split (exact.go).
	fExact = "exact"
)

// storedFields are the fields a hit is rebuilt from.
var storedFields = []string{fTitle, fLink, fSource, fSources, fPublishedAt, fLang,
	fJurisdiction, fDomains, fCompetences, fWhy, fRefsJSON}

func init() {
	// The accent folding must be a token filter, not bleve's asciifolding
	// char filter: a char filter rewrites the text before tokenising, so "é"
	// (2 bytes) becoming "e" (1 byte) would shift every later token offset
	// and misplace highlights. A token filter folds the term and keeps the
	// offsets into the original text.
	err := registry.RegisterTokenFilter(foldFilter, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return foldTokenFilter{f: asciifolding.New()}, nil
	})
	if err != nil {
		panic(fmt.Sprintf("index: register %s: %v", foldFilter, err))
	}
	err = registry.RegisterTokenFilter(frStemFilter, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return frStemTokenFilter{light: fr.NewFrenchLightStemmerFilter()}, nil
	})
	if err != nil {
		panic(fmt.Sprintf("index: register %s: %v", frStemFilter, err))
	}
}

type foldTokenFilter struct {
	f *asciifolding.AsciiFoldingFilter
}

func (ff foldTokenFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		for _, b := range t.Term {
			if b >= utf8.RuneSelf {
				t.Term = ff.f.Filter(t.Term)
				break
			}
		}
	}
	return in
}

// buildMapping is the explicit mapping: no dynamic fields, no _all, keyword
// fields for filters and facets, one analysed field pair per language, and
// only what results show is stored.
func buildMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultAnalyzer = keyword.Name

	// French: fold before the light stemmer so that "reglementation" and
	// "réglementation" (and ï, œ, short words the stemmer leaves alone)
	// share a term. Stop words are removed before folding because
	// bleve's French list is accented.
	if err := im.AddCustomAnalyzer(analyzerFr, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []interface{}{lowercase.Name, fr.ElisionName, fr.StopName, foldFilter, frStemFilter},
	}); err != nil {
		return nil, fmt.Errorf("french analyzer: %w", err)
	}
	if err := im.AddCustomAnalyzer(analyzerEn, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []interface{}{en.PossessiveName, lowercase.Name, foldFilter, en.StopName, en.SnowballStemmerName},
	}); err != nil {
		return nil, fmt.Errorf("english analyzer: %w", err)
	}

	// Exact: the words as written but for case and accents, no stemming:
	// "exact phrases" mean what they say. Stop words of both languages
	// are left out (their positions kept), as in the other fields: a
	// phrase holding "de" or "the" would otherwise read the positions of
	// a term in every document (6 times slower on "code de
	// l'environnement").
	if err := im.AddCustomAnalyzer(analyzerExact, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []interface{}{lowercase.Name, fr.ElisionName, fr.StopName, en.StopName, foldFilter},
	}); err != nil {
		return nil, fmt.Errorf("exact analyzer: %w", err)
	}

	dm := mapping.NewDocumentStaticMapping()

	kw := func(store bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = true // facets
		return f
	}
	dm.AddFieldMappingsAt(fID, kw(false))
	for _, name := range []string{fSource, fSources, fLang, fJurisdiction, fDomains, fCompetences} {
		dm.AddFieldMappingsAt(name, kw(true))
	}
	dm.AddFieldMappingsAt(fRefs, kw(false))
	dm.AddFieldMappingsAt(fActRefs, kw(false))
	rels := kw(false)
	rels.DocValues = false // term queries only
	dm.AddFieldMappingsAt(fRefRels, rels)

	pub := mapping.NewDateTimeFieldMapping()
	pub.Store = false
	pub.IncludeInAll = false
	pub.DocValues = true // sort by date
	dm.AddFieldMappingsAt(fPublished, pub)

	storedOnly := func() *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = keyword.Name
		f.Index = false
		f.Store = true
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	for _, name := range []string{fPublishedAt, fTitle, fLink, fWhy, fHighlight, fRefsJSON} {
		dm.AddFieldMappingsAt(name, storedOnly())
	}

	text := func(analyzer string) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = true // phrase queries need positions
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	dm.AddFieldMappingsAt(fTitleFr, text(analyzerFr))
	dm.AddFieldMappingsAt(fTextFr, text(analyzerFr))
	dm.AddFieldMappingsAt(fTitleEn, text(analyzerEn))
	dm.AddFieldMappingsAt(fTextEn, text(analyzerEn))
	dm.AddFieldMappingsAt(fTitleExact, text(analyzerExact))
	dm.AddFieldMappingsAt(fTextExact, text(analyzerExact))
	exact := mapping.NewKeywordFieldMapping()
	exact.Store, exact.IncludeTermVectors, exact.IncludeInAll, exact.DocValues = false, false, false, false
	dm.AddFieldMappingsAt(fExact, exact)

	// No _all: every field already says it is left out, and disabling the
	// composite keeps Bleve from adding an empty one to each document.
	dm.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	im.DefaultMapping = dm
	im.DefaultField = fTextEn // never used: every query names its fields
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("validate mapping: %w", err)
	}
	return im, nil
}

// analyzers gives the two language analyzers outside an open index, for
// ParseQuery and for highlighting.
var analyzers = sync.OnceValues(func() (*langAnalyzers, error) {
	im, err := buildMapping()
	if err != nil {
		return nil, err
	}
	la := &langAnalyzers{fr: im.AnalyzerNamed(analyzerFr), en: im.AnalyzerNamed(analyzerEn), exact: im.AnalyzerNamed(analyzerExact)}
	if la.fr == nil || la.en == nil || la.exact == nil {
		return nil, fmt.Errorf("analyzers %s, %s, %s not built", analyzerFr, analyzerEn, analyzerExact)
	}
	la.frWords, la.enWords = newWordAnalyzer(la.fr), newWordAnalyzer(la.en)
	return la, nil
})

type langAnalyzers struct {
	fr, en, exact analysis.Analyzer
	// frWords and enWords mark snippets (see wordAnalyzer).
	frWords, enWords *wordAnalyzer
}

// isFrench says which analysis an item's language gets: French for fr,
// fr-FR, fr_CA…, English for everything else, including unknown.
func isFrench(lang string) bool {
	return len(lang) >= 2 && (lang[0] == 'f' || lang[0] == 'F') && (lang[1] == 'r' || lang[1] == 'R') &&
		(len(lang) == 2 || lang[2] == '-' || lang[2] == '_')
}
