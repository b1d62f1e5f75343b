package i18n

// errorMessages are the mistakes in a request the reader must read: the
// formats of server.userErrorf (server/params.go, the calendar) and of
// index.QueryError (index/query.go, index/search.go). The key is the English
// format, which the JSON API says as it is; a test in server checks that
// every format of those files is here. %q stands for a quoted value, written
// with the language's quotes (Lang.Quote), never escaped.
var errorMessages = map[string]Message{
	// server/params.go
	"unknown parameter %q (known: q, domain, competence, source, lang, jurisdiction, ref, since, until, limit, offset, sort)": {"paramètre inconnu %q (paramètres connus : q, domain, competence, source, lang, jurisdiction, ref, since, until, limit, offset, sort)", "unknown parameter %q (known: q, domain, competence, source, lang, jurisdiction, ref, since, until, limit, offset, sort)"},
	"ref must be KIND:ID, e.g. eu-act:Regulation (EU) 2017/745, got %q":                                                       {"ref s'écrit TYPE:ID, par exemple eu-act:Regulation (EU) 2017/745, pas %q", "ref must be KIND:ID, e.g. eu-act:Regulation (EU) 2017/745, got %q"},
	"since: want a date as YYYY-MM-DD, got %q":                                                                                {"since : une date AAAA-MM-JJ est attendue, pas %q", "since: want a date as YYYY-MM-DD, got %q"},
	"until: want a date as YYYY-MM-DD, got %q":                                                                                {"until : une date AAAA-MM-JJ est attendue, pas %q", "until: want a date as YYYY-MM-DD, got %q"},
	"until (%s) is before since (%s)":                                                                                         {"la fin (%s) précède le début (%s)", "until (%s) is before since (%s)"},
	"limit must be a positive integer, got %q":                                                                                {"limit doit être un entier positif, pas %q", "limit must be a positive integer, got %q"},
	"limit must be at most %d, got %d":                                                                                        {"limit vaut au plus %d, pas %d", "limit must be at most %d, got %d"},
	"offset must be a non-negative integer, got %q":                                                                           {"offset doit être un entier positif ou nul, pas %q", "offset must be a non-negative integer, got %q"},
	"offset must be at most %d, got %d; narrow the search instead":                                                            {"offset vaut au plus %d, pas %d ; précisez plutôt la recherche", "offset must be at most %d, got %d; narrow the search instead"},
	"sort must be relevance or date, got %q":                                                                                  {"le tri est « relevance » ou « date », pas %q", "sort must be relevance or date, got %q"},
	// index/query.go
	"query is not valid UTF-8":                       {"la requête n'est pas un texte UTF-8 valide", "query is not valid UTF-8"},
	"query is too long (%d bytes, at most %d)":       {"la requête est trop longue (%d octets, au plus %d)", "query is too long (%d bytes, at most %d)"},
	"%q must be followed by a word or a \"phrase\"":  {"%q doit être suivi d'un mot ou d'une « phrase »", "%q must be followed by a word or a \"phrase\""},
	"query has too many terms (at most %d)":          {"la requête a trop de termes (au plus %d)", "query has too many terms (at most %d)"},
	"unbalanced quote: %q has no closing quote":      {"guillemet non refermé : %q", "unbalanced quote: %q has no closing quote"},
	"%q cannot be excluded":                          {"%q ne peut pas être exclu", "%q cannot be excluded"},
	"unknown field %q (known fields: %s)":            {"champ inconnu %q (champs connus : %s)", "unknown field %q (known fields: %s)"},
	"%s: needs a value":                              {"%s : une valeur est attendue", "%s: needs a value"},
	"unbalanced parenthesis: %q closes nothing":      {"parenthèse %q sans ouvrante", "unbalanced parenthesis: %q closes nothing"},
	"unbalanced parenthesis: %q is never closed":     {"parenthèse %q jamais refermée", "unbalanced parenthesis: %q is never closed"},
	"query is nested too deep (at most %d levels)":   {"la requête imbrique trop de niveaux (au plus %d)", "query is nested too deep (at most %d levels)"},
	"%q: a prefix needs at least 3 letters before *": {"%q : un préfixe demande au moins 3 lettres avant *", "%q: a prefix needs at least 3 letters before *"},
	"%s: no value %q (values: %s)":                   {"%s : aucune valeur %q (valeurs : %s)", "%s: no value %q (values: %s)"},
	// index/search.go
	"limit must not be negative (got %d)":     {"limit ne peut pas être négatif (%d)", "limit must not be negative (got %d)"},
	"offset must not be negative (got %d)":    {"offset ne peut pas être négatif (%d)", "offset must not be negative (got %d)"},
	"unknown sort %q (use relevance or date)": {"tri inconnu %q (relevance ou date)", "unknown sort %q (use relevance or date)"},
	"date %s is out of range":                 {"la date %s est hors des limites", "date %s is out of range"},
	"since (%s) must be before until (%s)":    {"le début (%s) doit précéder la fin (%s)", "since (%s) must be before until (%s)"},
	// server/calendar.go
	"unknown parameter %q (known: since, until, domain, competence, member, kind)": {"paramètre inconnu %q (connus : since, until, domain, competence, member, kind)", "unknown parameter %q (known: since, until, domain, competence, member, kind)"},
	"unknown kind of date %q (known: %s)":                                          {"type de date inconnu %q (connus : %s)", "unknown kind of date %q (known: %s)"},
	"unknown member %q":                                                            {"adhérent inconnu %q", "unknown member %q"},
	"since (%s) must not be after until":                                           {"le début (%s) ne doit pas suivre la fin", "since (%s) must not be after until"},
}
