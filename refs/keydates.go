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
}

var triggers = []trigger{
	{DateEntryIntoForce, regexp.MustCompile(`(?:entre|entrent|entrera|entreront|entrer|entré|entrés|entrée|entrées) en vigueur ?:? ?(?:le |à compter du |à partir du |au |dès le |à la date du )?$`), nil},
	{DateEntryIntoForce, regexp.MustCompile(`(?:enters?|entered|shall enter|will enter|entry) into force ?:? ?(?:on |as of |from )?$`), nil},
	{DateEntryIntoForce, regexp.MustCompile(`(?:\bis|\bare|will be|shall be|becomes?|\bbe|dates: ?|dates:|^) ?effective ?:? ?(?:on |as of |beginning |starting )?$`), nil},
	{DateEntryIntoForce, regexp.MustCompile(`effective date(?: of (?:this|the) (?:final |interim final |direct final )?(?:rule|regulation|amendment|action|order))? ?(?:is |will be |:|: )?$`), nil},
	{DateEntryIntoForce, regexp.MustCompile(`prend(?:ra|ront|nent)? effet (?:le |à compter du |à partir du |au |dès le )?$`), nil},

	{DateComment, regexp.MustCompile(`comment period (?:closes|ends|will close|will end|expires)(?: on)? $|comments? (?:are |is )?due (?:on |by )?$`), nil},

	{DateDeadline, regexp.MustCompile(`(?:au plus tard|avant|pas après|d'ici|jusqu'à) (?:le |au |à la date du |du )?$|\bjusqu'au $|\bavant le $`), nil},
	{DateDeadline, regexp.MustCompile(`(?:repouss|report|prorog|prolong|décal|repouss)ée?s? (?:au|jusqu'au|à la date du) $`), nil},
	{DateDeadline, regexp.MustCompile(`date limite(?: [a-zéèêàç' ]{0,60})? ?(?:est |:|: |fixée au |au )(?:le |au |fixée au )?$`), nil},
	{DateDeadline, regexp.MustCompile(`(?:no later than|not later than|on or before|prior to|compliance date(?: [a-z ]{0,40})? (?:is|of|on)|comply(?: [a-z ]{0,40})? by|extended (?:to|until|through)|delayed (?:to|until)|until|before|by|through) $`),
		regexp.MustCompile(`\b(?:must|shall|comply|compliance|deadline|required|requirement|comments?|submit|extended|delayed|no later than)\b`)},

	{DateApplication, regexp.MustCompile(`(?:applicables?|s'appliquent|s'applique|s'appliqueront|s'appliquera|appliqués?|appliquées?) (?:le |à compter du |à partir du |à partir |dès le |au )$`), nil},
	{DateApplication, regexp.MustCompile(`(?:\bapply|applies|applicable|application|apply to [a-z ]{0,40}) (?:from|as of|on|beginning|starting) $`), nil},
	{DateApplication, regexp.MustCompile(`(?:à compter du|à partir du|à partir|à dater du|dès le|à compter de la date du) $`), nil},
	// "à compter de cette date": the anaphor stands where the date would
	{DateApplication, regexp.MustCompile(`(?:applicables?|s'applique(?:nt)?) (?:à compter de|à partir de) $`), nil},
	{DateApplication, regexp.MustCompile(`\bau $`), regexp.MustCompile(`\b(?:tarifs?|prix)\b`)},
}

// reCommentWords: a deadline in a sentence about comments or a public
// consultation is the end of the comment period.
var reCommentWords = regexp.MustCompile(`\b(?:comments?|commentaires|observations|consultation|contributions)\b`)

// reScope: "installations autorisées avant le …" says which installations,
// not by when: a scope date is not a deadline.
var reScope = regexp.MustCompile(`\b(?:construit|autoris|mis|mise|installé|déclaré|enregistr|existant|créé|implanté|délivré|conclu|fabriqu|importé|commencé|déposé|engagé|réalisé|acquis|immatricul|né|produit|placé|ouvert|exploité)[a-zé]* (?:[a-zé]+ ){0,3}(?:avant|après) le $`)

// reThatDate: "applicable à compter de cette date" refers to the date before it in the sentence.
var reThatDate = regexp.MustCompile(`(?i)\b(?:cette (?:même )?date|that date|this date)\b`)

func findKeyDates(d *doc) []veille.KeyDate {
	s := d.s
	spans := findDates(d)
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
	for _, sp := range spans {
		if d.isClaimed(sp.start, sp.end) {
			continue // the date of an act's citation
		}
		from := max(cellStart(s, sp.start), sp.start-160)
		before := strings.ToLower(strings.ReplaceAll(s[from:sp.start], "\n", " "))
		kind, at := "", 0
		for _, tr := range triggers {
			loc := tr.re.FindStringIndex(before)
			if loc == nil {
				continue
			}
			if tr.needs != nil && !tr.needs.MatchString(strings.ToLower(s[cellStart(s, sp.start):sentenceEnd(s, sp.end)])) {
				continue
			}
			kind, at = tr.kind, loc[0]
			break
		}
		if kind == "" {
			continue
		}
		if kind == DateDeadline {
			if reScope.MatchString(before) {
				continue
			}
			sentence := strings.ToLower(s[sentenceStart(s, sp.start):sentenceEnd(s, sp.end)])
			if reCommentWords.MatchString(sentence) {
				kind = DateComment
			}
		}
		date := sp.t.Format(time.DateOnly)
		if seen[kind+date] {
			continue
		}
		seen[kind+date] = true
		out = append(out, veille.KeyDate{Kind: kind, Date: date, Text: oneLine(s[from+at : sp.end])})
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
