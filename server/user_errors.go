package server

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nogentech/veille/index"
)

// userError is a mistake in a request that the person who made it must
// read: in English for the JSON API (Error), in the reader's language on a
// page (tr.userMessage). Format is the English message and the key of its
// translation; Args fill it.
type userError struct {
	Format string
	Args   []any
}

func userErrorf(format string, args ...any) *userError {
	return &userError{Format: format, Args: args}
}

func (e *userError) Error() string { return fmt.Sprintf(e.Format, e.Args...) }

// errorsFR translates the formats of userError (server/params.go) and of
// index.QueryError (index/query.go, index/search.go); a test checks that
// every format of those files is here. %q stands for a quoted value: it
// is written «\u00a0…\u00a0» in French, “…” in English, never escaped.
var errorsFR = map[string]string{
	// server/params.go
	"unknown parameter %q (known: q, domain, competence, source, lang, jurisdiction, ref, since, until, limit, offset, sort)": "paramètre inconnu %q (paramètres connus : q, domain, competence, source, lang, jurisdiction, ref, since, until, limit, offset, sort)",
	"ref must be KIND:ID, e.g. eu-act:Regulation (EU) 2017/745, got %q":                                                       "ref s'écrit TYPE:ID, par exemple eu-act:Regulation (EU) 2017/745, pas %q",
	"since: want a date as YYYY-MM-DD, got %q":                                                                                "since : une date AAAA-MM-JJ est attendue, pas %q",
	"until: want a date as YYYY-MM-DD, got %q":                                                                                "until : une date AAAA-MM-JJ est attendue, pas %q",
	"until (%s) is before since (%s)":                                                                                         "la fin (%s) précède le début (%s)",
	"limit must be a positive integer, got %q":                                                                                "limit doit être un entier positif, pas %q",
	"limit must be at most %d, got %d":                                                                                        "limit vaut au plus %d, pas %d",
	"offset must be a non-negative integer, got %q":                                                                           "offset doit être un entier positif ou nul, pas %q",
	"offset must be at most %d, got %d; narrow the search instead":                                                            "offset vaut au plus %d, pas %d ; précisez plutôt la recherche",
	"sort must be relevance or date, got %q":                                                                                  "le tri est « relevance » ou « date », pas %q",
	// index/query.go
	"query is not valid UTF-8":                       "la requête n'est pas un texte UTF-8 valide",
	"query is too long (%d bytes, at most %d)":       "la requête est trop longue (%d octets, au plus %d)",
	"%q must be followed by a word or a \"phrase\"":  "%q doit être suivi d'un mot ou d'une « phrase »",
	"query has too many terms (at most %d)":          "la requête a trop de termes (au plus %d)",
	"unbalanced quote: %q has no closing quote":      "guillemet non refermé : %q",
	"%q cannot be excluded":                          "%q ne peut pas être exclu",
	"unknown field %q (known fields: %s)":            "champ inconnu %q (champs connus : %s)",
	"%s: needs a value":                              "%s : une valeur est attendue",
	"unbalanced parenthesis: %q closes nothing":      "parenthèse %q sans ouvrante",
	"unbalanced parenthesis: %q is never closed":     "parenthèse %q jamais refermée",
	"query is nested too deep (at most %d levels)":   "la requête imbrique trop de niveaux (au plus %d)",
	"%q: a prefix needs at least 3 letters before *": "%q : un préfixe demande au moins 3 lettres avant *",
	"%s: no value %q (values: %s)":                   "%s : aucune valeur %q (valeurs : %s)",
	// index/search.go
	"limit must not be negative (got %d)":     "limit ne peut pas être négatif (%d)",
	"offset must not be negative (got %d)":    "offset ne peut pas être négatif (%d)",
	"unknown sort %q (use relevance or date)": "tri inconnu %q (relevance ou date)",
	"date %s is out of range":                 "la date %s est hors des limites",
	"since (%s) must be before until (%s)":    "le début (%s) doit précéder la fin (%s)",
}

// userMessage says a request's mistake in the reader's language; ok is
// false when err is not one (an internal error, to be said generically).
func (t tr) userMessage(err error) (msg string, ok bool) {
	var format string
	var args []any
	var ue *userError
	var qe *index.QueryError
	switch {
	case errors.As(err, &ue):
		format, args = ue.Format, ue.Args
	case errors.As(err, &qe) && qe.Format != "":
		format, args = qe.Format, qe.Args
	default:
		return "", false
	}
	open, close := "\u201c", "\u201d"
	if t.lang == langFR {
		open, close = "«\u00a0", "\u00a0»"
		if fr, found := errorsFR[format]; found {
			format = fr
		}
	}
	format = strings.ReplaceAll(format, "%q", open+"%s"+close)
	format = strings.ReplaceAll(format, "\"phrase\"", open+"phrase"+close)
	return fmt.Sprintf(format, args...), true
}
