package refs

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/nogentech/veille"
)

// Key dates: a calendar date takes a kind only when the words just before it
// say what happens then (REFS.md): "entre en vigueur le", "applicable à
// compter du", "au plus tard le", "Comments must be received on or before".
// A date in an act's citation, a signature or publication date, and a date
// whose role the text does not state are left out.

// trigger is the wording that gives a date its kind. Each pattern is
// matched against the lower-cased words that end right before the date.
type trigger struct {
	kind string
	re   *regexp.Regexp
	// needs, when set, must occur in the sentence: "au" is a tariff's date
	// only where the sentence speaks of a tariff or price
	needs *regexp.Regexp
	// generic: the wording says when, not what ("à compter du")
	generic bool
	// lit: words the pattern cannot match without, looked for first: most
	// dates have none of them before, and a substring search is far cheaper
	// than trying the pattern at every position
	lit []string
}

var triggers = []trigger{
	{DateEntryIntoForce, regexp.MustCompile(`(?:entre|entrent|entrera|entreront|entrer|entrant|entré|entrés|entrée|entrées) en vigueur ?:? ?(?:le |à compter du |à partir du |au |dès le |à la date du )?$`), nil, false, []string{"vigueur"}},
	{DateEntryIntoForce, regexp.MustCompile(`(?:enters?|entered|shall enter|will enter|entry) into force ?:? ?(?:on |as of |from )?$`), nil, false, []string{"into force"}},
	{DateEntryIntoForce, regexp.MustCompile(`(?:\bis|\bare|will be|shall be|becomes?|\bbe|dates: ?|dates:|^) ?effective ?:? ?(?:on |as of |beginning |starting )?$`), nil, false, []string{"effective"}},
	{DateEntryIntoForce, regexp.MustCompile(`effective date(?: of (?:this|the) (?:final |interim final |direct final )?(?:rule|regulation|amendment|action|order))? ?(?:is |will be |:|: )?$`), nil, false, []string{"effective date"}},
	{DateEntryIntoForce, regexp.MustCompile(`prend(?:ra|ront|nent)? effet (?:le |à compter du |à partir du |au |dès le )?$`), nil, false, []string{"effet"}},

	{DateComment, regexp.MustCompile(`comment period (?:closes|ends|will close|will end|expires)(?: on)? $|comments? (?:are |is )?due (?:on |by )?$`), nil, false, []string{"comment"}},

	{DateDeadline, regexp.MustCompile(`(?:au plus tard|avant|pas après|d'ici|jusqu'à) (?:le |au |à la date du |du )?$|\bjusqu'au $|\bavant le $`), nil, false, []string{"plus tard", "avant", "pas après", "d'ici", "jusqu"}},
	{DateDeadline, regexp.MustCompile(`(?:repouss|report|prorog|prolong|décal|repouss)ée?s? (?:au|jusqu'au|à la date du) $`), nil, false, []string{"repouss", "report", "prorog", "prolong", "décal"}},
	{DateDeadline, regexp.MustCompile(`date limite(?: [a-zéèêàç' ]{0,60})? ?(?:est |:|: |fixée au |au )(?:le |au |fixée au )?$`), nil, false, []string{"date limite"}},
	{DateDeadline, regexp.MustCompile(`(?:no later than|not later than|on or before|prior to|compliance date(?: [a-z ]{0,40})? (?:is|of|on)|comply(?: [a-z ]{0,40})? by|extended (?:to|until|through)|delayed (?:to|until)|until|before|by|through) $`),
		regexp.MustCompile(`\b(?:must|shall|comply|compliance|deadline|required|requirement|comments?|submit|extended|delayed|no later than)\b`), false, []string{"later than", "before", "prior to", "compliance", "comply", "extended", "delayed", "until", "by ", "through"}},

	{DateApplication, regexp.MustCompile(`(?:applicables?|s'appliquent|s'applique|s'appliqueront|s'appliquera|appliqués?|appliquées?) (?:le |à compter du |à partir du |à partir |dès le |au |du )$`), nil, false, []string{"appli"}},
	{DateApplication, regexp.MustCompile(`(?:\bapply|applies|applicable|application|apply to [a-z ]{0,40}) (?:from|as of|on|beginning|starting) $`), nil, false, []string{"appl"}},
	{DateApplication, regexp.MustCompile(`(?:à compter du|à partir du|à partir|à dater du|dès le|à compter de la date du) $`), nil, true, []string{"compter", "partir", "dater", "dès le"}},
	// "à compter de cette date": the anaphor stands where the date would
	{DateApplication, regexp.MustCompile(`(?:applicables?|s'applique(?:nt)?) (?:à compter de|à partir de) $`), nil, false, []string{"compter de", "partir de"}},
	{DateApplication, regexp.MustCompile(`\bau $`), regexp.MustCompile(`\b(?:tarifs?|prix)\b`), false, []string{"au "}},
}

// reCommentWords: a deadline in a sentence about comments or a public
// consultation is the end of the comment period.
var reCommentWords = regexp.MustCompile(`\b(?:comments?|commentaires|observations|consultation|contributions)\b`)

// reScope: "installations autorisées avant le …" says which installations,
// not by when: a scope date is not a deadline.
var reScope = regexp.MustCompile(`\b(?:construit|autoris|mis|mise|installé|déclaré|enregistr|existant|créé|implanté|délivré|conclu|fabriqu|importé|commencé|déposé|engagé|réalisé|acquis|immatricul|né|produit|placé|ouvert|exploité)[a-zé]* (?:[a-zé]+ ){0,3}(?:avant|après) le $`)

// reScopePast: "elles ont débuté leur activité avant le …" is a condition on
// the past, not a deadline.
// (Go's \b knows ASCII letters only: a word ending in "é" is followed by a
// space or the end, never by \b.)
var reScopePast = regexp.MustCompile(`\b(?:ont|a|avaient|avait|aient|ait) (?:(?:pas|jamais|déjà) )*(?:été|[a-zé]+(?:é|ée|és|ées|i|is|ie|ies|u|us|ue|ues|t|ts))(?: [a-zé']+){0,6} avant le $`)

// reStaffMeasure: the date a person is appointed, retires or is promoted
// is when an individual measure takes effect, not a date a regulation sets.
var reStaffMeasure = regexp.MustCompile(`\b(?:nommée?s?|renouvelée?s? dans (?:ses|leurs) fonctions|admise?s? à faire valoir|réintégrée?s?|détachée?s?|promue?s?|titularisée?s?|radiée?s?|mise?s? à disposition|chargée?s? des fonctions|maintenue?s? en (?:activité|fonctions)|placée?s? en (?:position|disponibilité|congé)|mis fin aux fonctions|cessent? (?:ses|leurs) fonctions|intégrée?s? dans le corps|inscrite?s? au tableau d'avancement|élevée?s? à la dignité|nommée?s? au grade)(?:[^\p{L}]|$)`)

// staffWords: one of them is in every text reStaffMeasure matches.
var staffWords = []string{"nomm", "renouvel", "admis", "intégr", "détach", "promu", "titularis", "radié",
	"à disposition", "mis fin", "chargé", "maintenu", "placé", "cess", "inscrit", "élevé"}

// reReplacedWords: "les mots : « jusqu'au 31 décembre 2020 » sont remplacés
// par …": the date in the words an amendment removes is no longer one.
var reReplacedWords = regexp.MustCompile(`^[ ,]*(?:sont|est) (?:remplacée?s?|supprimée?s?)`)

// reEventWords: "les épreuves auront lieu à partir du …" schedules an event;
// "à partir du" there is not when a rule starts to apply.
var reEventWords = regexp.MustCompile(`\b(?:aura lieu|auront lieu|se d[ée]roulera|se d[ée]rouleront|d[ée]buteront|commenceront|consultables?|consult[ée]s|affich[ée]e?s|publi[ée]e?s)(?:[^\p{L}]|$)`)

// reThatDate: "applicable à compter de cette date" refers to the date before it in the sentence.
var reThatDate = regexp.MustCompile(`(?i)\b(?:cette (?:même )?date|that date|this date)\b`)

func findKeyDates(d *doc) []veille.KeyDate {
	s := d.s
	spans := append([]dateSpan(nil), d.dateSpans()...)
	// "cette date" stands for the date just before it in the same sentence
	n := len(spans)
	for _, m := range d.findAll(reThatDate, d.windows(true, []string{" date"}, 12, 6)) {
		i := sort.Search(n, func(i int) bool { return spans[i].end > m[0] }) - 1
		if i >= 0 && spans[i].start >= sentenceStart(s, m[0]) {
			spans = append(spans, dateSpan{m[0], m[1], spans[i].t})
		}
	}
	sortSpans(spans)

	var out []veille.KeyDate
	seen := map[string]bool{}
	prev, prevKind := -1, ""
	for i, sp := range spans {
		if d.isClaimed(sp.start, sp.end) {
			continue // the date of an act's citation
		}
		if inReplacedWords(s, sp.start) {
			continue
		}
		from := max(cellStart(s, sp.start), sp.start-160)
		before := strings.ToLower(strings.ReplaceAll(s[from:sp.start], "\n", " "))
		kind, at, generic := "", 0, false
		for _, tr := range triggers {
			if !containsAny(before, tr.lit) {
				continue
			}
			loc := tr.re.FindStringIndex(before)
			if loc == nil {
				continue
			}
			if tr.needs != nil && !tr.needs.MatchString(strings.ToLower(s[cellStart(s, sp.start):sentenceEnd(s, sp.end)])) {
				continue
			}
			kind, at, generic = tr.kind, loc[0], tr.generic
			break
		}
		// the end of a window: "applicables du 1er janvier 2021 au 31 décembre 2021"
		if kind == "" && prev >= 0 && strings.HasSuffix(before, " au ") && sp.start-spans[prev].end == len(" au ") &&
			strings.HasSuffix(strings.ToLower(s[max(0, spans[prev].start-4):spans[prev].start]), "du ") && prevKind != "" {
			kind, at = DateDeadline, len(before)-len("au ")
		}
		prev, prevKind = i, kind
		if kind == "" {
			continue
		}
		// the words that change a date's role stand near it
		sentence := strings.ToLower(s[max(cellStart(s, sp.start), sp.start-300):min(sentenceEnd(s, sp.end), sp.end+150)])
		if containsAny(sentence, staffWords) && reStaffMeasure.MatchString(sentence) {
			continue
		}
		if kind == DateApplication && generic && reEventWords.MatchString(sentence) {
			continue
		}
		if kind == DateDeadline {
			// both grammars end with "avant le " or "après le "
			scoped := (strings.HasSuffix(before, "avant le ") || strings.HasSuffix(before, "après le ")) &&
				(reScope.MatchString(before) || reScopePast.MatchString(before))
			if scoped || scopeParticiple(before) {
				continue
			}
			if reCommentWords.MatchString(sentence) {
				kind = DateComment
			}
		}
		date := sp.t.Format(time.DateOnly)
		if seen[kind+date] {
			continue
		}
		seen[kind+date] = true
		out = append(out, veille.KeyDate{Kind: kind, Date: date, Text: joinLines(s[from+at : sp.end])})
	}
	return out
}

// cellStart is where the sentence holding pos starts, reading a table's
// short cells as one sentence: a table flattened into text puts "Nouveau
// tarif", "TTC au" and "15 avril 2021" on lines of their own.
func cellStart(s string, pos int) int {
	from := sentenceStart(s, pos)
	for range 4 {
		if from < 2 || s[from-1] != '\n' {
			break
		}
		prev := sentenceStart(s, from-1)
		line := strings.TrimSpace(s[prev : from-1])
		if len(line) > 60 || line == "" || strings.ContainsAny(line[len(line)-1:], ".;:!?") || strings.HasPrefix(line, "Article ") {
			break
		}
		from = prev
	}
	return from
}

// inReplacedWords tells whether pos lies inside « … » that an amendment
// replaces or deletes.
func inReplacedWords(s string, pos int) bool {
	from := max(0, pos-300)
	open := strings.LastIndex(s[from:pos], "«")
	if open < 0 || strings.Contains(s[from+open:pos], "»") {
		return false
	}
	rest := s[pos:min(len(s), pos+300)]
	closeAt := strings.Index(rest, "»")
	if closeAt < 0 {
		return false
	}
	return reReplacedWords.MatchString(rest[closeAt+len("»"):])
}

// scopeParticiple tells whether "avant le" follows a participle that
// describes a thing ("permis édité avant le", "ayant débuté leur activité
// avant le"), not an auxiliary that sets a duty ("doit être déposé avant le").
func scopeParticiple(before string) bool {
	if !strings.HasSuffix(before, "avant le ") {
		return false
	}
	words := strings.Fields(quotesCommas.Replace(strings.TrimSuffix(before, "avant le ")))
	words = words[max(0, len(words)-5):]
	for i, w := range words {
		if w == "ayant" {
			return true
		}
		if i < len(words)-3 || strings.HasPrefix(w, "susvis") || strings.HasPrefix(w, "précit") || strings.HasPrefix(w, "modifi") {
			continue // what cites an act, not what describes a thing
		}
		if strings.HasSuffix(w, "é") || strings.HasSuffix(w, "ée") || strings.HasSuffix(w, "és") || strings.HasSuffix(w, "ées") {
			if i == 0 || !duty[words[i-1]] {
				return true
			}
		}
	}
	return false
}

var quotesCommas = strings.NewReplacer("«", " ", "»", " ", ",", " ")

// duty are the words before a participle that make it a duty to do by a date.
var duty = map[string]bool{"être": true, "est": true, "sont": true, "sera": true, "seront": true, "soit": true,
	"soient": true, "été": true, "doit": true, "doivent": true, "devra": true, "devront": true, "peut": true,
	"peuvent": true, "pourra": true, "pourront": true, "dûment": true}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
