package crawler

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nogentech/veille"
)

// KindFederalRegister is the source kind for the Federal Register API v1
// (https://www.federalregister.gov/developers/documentation/api/v1): its
// documents.json search answers and single-document answers.
const KindFederalRegister = veille.KindFederalRegister

// frDocument holds the fields of an API document that make an item.
type frDocument struct {
	Title          string  `json:"title"`
	Type           string  `json:"type"`
	Abstract       *string `json:"abstract"`
	Action         *string `json:"action"`
	Dates          *string `json:"dates"`
	DocumentNumber string  `json:"document_number"`
	Citation       string  `json:"citation"`
	CFRReferences  []struct {
		Title int    `json:"title"`
		Part  string `json:"part"`
	} `json:"cfr_references"`
	HTMLURL         string          `json:"html_url"`
	PDFURL          string          `json:"pdf_url"`
	PublicationDate string          `json:"publication_date"`
	Excerpts        json.RawMessage `json:"excerpts"` // a string, or null
	Topics          []string        `json:"topics"`
	Agencies        []struct {
		Name    string `json:"name"`
		RawName string `json:"raw_name"`
	} `json:"agencies"`
}

type frAnswer struct {
	Results []frDocument `json:"results"`
	// present in single-document answers
	DocumentNumber string          `json:"document_number"`
	Errors         json.RawMessage `json:"errors"`
}

// parseFederalRegister parses a Federal Register API v1 answer, either a
// documents search ({"results": [...]}) or one document.
func parseFederalRegister(body []byte, src veille.Source, now time.Time) ([]veille.Item, error) {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, bomUTF8))
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if len(trimmed) > 0 && looksLikeHTML(trimmed, "") {
			return nil, errors.New("expected Federal Register API JSON, got an HTML page")
		}
		return nil, errors.New("expected Federal Register API JSON (an object)")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &raw); err != nil {
		return nil, fmt.Errorf("parse Federal Register JSON: %w", err)
	}
	var docs []frDocument
	switch {
	case raw["results"] != nil:
		var a frAnswer
		if err := json.Unmarshal(trimmed, &a); err != nil {
			return nil, fmt.Errorf("parse Federal Register JSON: %w", err)
		}
		docs = a.Results
	case raw["document_number"] != nil:
		var d frDocument
		if err := json.Unmarshal(trimmed, &d); err != nil {
			return nil, fmt.Errorf("parse Federal Register JSON: %w", err)
		}
		docs = []frDocument{d}
	case raw["errors"] != nil:
		return nil, fmt.Errorf("the Federal Register API answered with errors: %s", bytes.TrimSpace(raw["errors"]))
	case raw["count"] != nil:
		// a search with no result has a count and no results array
	default:
		return nil, errors.New("not a Federal Register API answer (no results, no document_number)")
	}

	drafts := make([]draft, 0, len(docs))
	for _, d := range docs {
		dr := draft{
			title:     d.Title,
			link:      d.HTMLURL,
			guid:      d.DocumentNumber,
			published: parseDate(d.PublicationDate, true),
			lang:      "en",
			textOnly:  true,
		}
		if dr.link == "" {
			dr.link = d.PDFURL
		}
		switch {
		case d.Abstract != nil && strings.TrimSpace(*d.Abstract) != "":
			dr.summary = *d.Abstract
		default:
			var ex string
			if json.Unmarshal(d.Excerpts, &ex) == nil {
				dr.summary = ex
			}
		}
		// Action and dates say what the document does and when it applies,
		// its citation and CFR parts what it is and what it changes: worth
		// indexing beside the abstract, under the labels of the Federal
		// Register's document details, which the extraction reads (an
		// act's own citation, refs/us.go).
		var parts []string
		if d.Action != nil && *d.Action != "" {
			parts = append(parts, "Action: "+*d.Action)
		}
		abstract := d.Abstract != nil && *d.Abstract != ""
		if abstract {
			parts = append(parts, "Summary: "+*d.Abstract)
		}
		if d.Dates != nil && *d.Dates != "" {
			parts = append(parts, "Dates: "+*d.Dates)
		}
		if c := strings.TrimSpace(d.Citation); c != "" {
			parts = append(parts, "Citation: "+c)
		}
		var cfr []string
		for _, r := range d.CFRReferences {
			if r.Title > 0 && r.Part != "" {
				cfr = append(cfr, fmt.Sprintf("%d CFR %s", r.Title, r.Part))
			}
		}
		if len(cfr) > 0 {
			parts = append(parts, "CFR: "+strings.Join(cfr, ", "))
		}
		// The abstract alone is the summary already.
		if len(parts) > 1 || (len(parts) == 1 && !abstract) {
			dr.content = strings.Join(parts, "\n")
		}
		for _, a := range d.Agencies {
			name := a.Name
			if name == "" {
				name = a.RawName
			}
			dr.authors = append(dr.authors, name)
		}
		if d.Type != "" {
			dr.categories = append(dr.categories, d.Type)
		}
		dr.categories = append(dr.categories, d.Topics...)
		drafts = append(drafts, dr)
	}
	return finish(drafts, "en", src, now), nil
}
