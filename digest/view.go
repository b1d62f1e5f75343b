package digest

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nogentech/veille/internal/i18n"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
	"github.com/nogentech/veille/store"
)

// view is a digest put in one language, ready for both templates: the HTML
// and the plain-text bodies come from the same view, so they never differ
// in what they say.
type view struct {
	langView
	Title       string // "Veille environnement"
	PeriodLabel string // "semaine 48 (23–29 novembre 2026)"
	Subject     string
	MemberLine  string // "Sélection pour Forge Exemple : forgeage, usinage"
	Total       int
	TotalLabel  string // "12 éléments"
	Counts      []countView
	Groups      []groupView
	Empty       bool
	Coverage    []coverageView
	CoverageSum string
	// Notice warns, at the top, that the period was not (wholly) watched.
	Notice string
	// OlderNote says how many items were left out as older than the period,
	// when none is listed.
	OlderNote  string
	ArchiveURL string
	// Deadlines are the dates of the 90 days after the period.
	Deadlines []deadlineView
	// Overdue are the member's late register actions (digest/overdue.go).
	Overdue []overdueView
}

type overdueView struct{ Title, URL, Line string }

type countView struct {
	Label  string
	N      int
	Anchor string
}

type groupView struct {
	Anchor  string
	Label   string
	N       int
	Sources []sourceView
}

type sourceView struct {
	Name  string
	Items []entryView
}

type entryView struct {
	Title   string
	Link    string // the publisher's page; empty when it is not http(s)
	ItemURL string // the item in the watch's UI
	Date    string
	Source  string
	Summary string
	Tags    string
	AlsoIn  string
}

type coverageView struct {
	Name        string
	Checks      string // "3, dernière le 27/11/2026 08:00", or "aucune"
	LastSuccess string
	State       string
	Class       string // ok | warn | bad: picks the colour
	Detail      string
	New         int
}

// digestSubject is a digest mail's subject in lang: the ledger's claim
// records it before the mail is rendered, once, when it is sent.
func digestSubject(cfg veille.Config, dg veille.Digest, d *Digest, lang i18n.Lang) string {
	title := oneLine(digestTitle(cfg, dg, lang)) + " — " + PeriodLabel(lang, d.Period, cfg.Loc())
	switch {
	case d.Edition != nil:
		return Subject(lang.T("mail.edition") + " — " + title)
	case d.Member != nil:
		return Subject(title + " — " + memberName(*d.Member))
	}
	return Subject(title)
}

func memberName(m veille.Member) string {
	if name := oneLine(m.Name); name != "" {
		return name
	}
	return m.ID
}

// newView lays a digest out in lang.
func newView(cfg veille.Config, dg veille.Digest, d *Digest, lang i18n.Lang, baseURL string) *view {
	loc := cfg.Loc()
	v := &view{langView: langView{lang}, Title: oneLine(digestTitle(cfg, dg, lang)), PeriodLabel: PeriodLabel(lang, d.Period, loc)}
	if d.Member != nil {
		name := memberName(*d.Member)
		var comps []string
		for _, c := range d.Competences {
			comps = append(comps, veille.CategoryLabel(cfg.Competences, c, lang))
		}
		v.MemberLine = fmt.Sprintf("%s %s (%s%s%s)", lang.T("mail.for_member"), name, lang.T("mail.competences"), lang.Colon(), strings.Join(comps, ", "))
	}
	v.Subject = digestSubject(cfg, dg, d, lang)
	if baseURL != "" {
		v.ArchiveURL = strings.TrimRight(baseURL, "/") + "/digests/" + url.PathEscape(d.ID) + "/" + url.PathEscape(d.Period.Key)
	}
	for _, o := range d.Overdue {
		line := strings.Join(nonEmpty(oneLine(o.Action), oneLine(o.Owner)), " — ")
		if line != "" {
			line += " — "
		}
		v.Overdue = append(v.Overdue, overdueView{Title: oneLine(o.Title), Line: line + lang.T("mail.due_on") + " " + o.Due,
			URL: strings.TrimRight(baseURL, "/") + store.MarkPath(o.ItemID)})
	}
	v.Total = len(d.Items)
	v.Empty = v.Total == 0
	v.TotalLabel = lang.Count(v.Total, "mail.item", "mail.items")
	v.Deadlines = deadlineViews(d.Deadlines, lang, baseURL, "")

	sourceNames := map[string]string{}
	for _, s := range cfg.Sources {
		sourceNames[s.ID] = s.Name
	}
	items := append([]veille.Item(nil), d.Items...)
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].DisplayDate(), items[j].DisplayDate()
		if !a.Equal(b) {
			return a.After(b)
		}
		return items[i].ID < items[j].ID
	})

	groupIDs := append([]string(nil), d.Competences...)
	if d.General {
		groupIDs = append(groupIDs, "")
	}
	for _, gid := range groupIDs {
		var in []veille.Item
		for _, it := range items {
			has := slices.Contains(it.Competences, gid)
			if gid == "" {
				has = !intersects(d.Competences, it.Competences)
			}
			if has {
				in = append(in, it)
			}
		}
		if len(in) == 0 {
			continue
		}
		g := groupView{Anchor: "g-" + gid, Label: veille.CategoryLabel(cfg.Competences, gid, lang), N: len(in)}
		if gid == "" {
			g.Anchor, g.Label = "g-general", lang.T("mail.general")
		}
		bySource := map[string][]entryView{}
		var order []string
		for _, it := range in {
			name := sourceNames[it.Source]
			if name == "" {
				name = it.Source
			}
			if _, ok := bySource[name]; !ok {
				order = append(order, name)
			}
			bySource[name] = append(bySource[name], entry(cfg, d, it, gid, name, lang, baseURL, loc))
		}
		sort.Strings(order)
		for _, name := range order {
			g.Sources = append(g.Sources, sourceView{Name: oneLine(name), Items: bySource[name]})
		}
		v.Groups = append(v.Groups, g)
		v.Counts = append(v.Counts, countView{Label: g.Label, N: g.N, Anchor: g.Anchor})
	}

	v.Notice = Notice(lang, d, loc)
	if v.Empty {
		v.OlderNote = OlderNote(lang, d)
	}
	ok, failed, unchecked := 0, 0, 0
	legacy := legacyCoverage(d)
	for _, c := range d.Coverage {
		cv := coverageView{Name: oneLine(c.Name), LastSuccess: lang.ShortDateTime(c.LastSuccess.In(loc)), New: c.New}
		if c.LastSuccess.IsZero() {
			cv.LastSuccess = lang.T("mail.never")
		}
		switch {
		case c.Checks > 0:
			cv.Checks = fmt.Sprintf("%d, %s %s", c.Checks, lang.T("mail.last_one"), lang.ShortDateTime(c.LastCheck.In(loc)))
		case legacy:
			// Archived before checks were counted: the last check known then.
			cv.Checks = lang.ShortDateTime(c.LastAttempt.In(loc))
			if c.LastAttempt.IsZero() {
				cv.Checks = lang.T("mail.never")
			}
		default:
			cv.Checks = lang.T("mail.none_checked")
		}
		switch c.State {
		case CoverageOK:
			cv.State, cv.Class = lang.T("mail.ok"), "ok"
			if c.FailedChecks > 0 {
				cv.Detail = lang.T("mail.some_failed", c.FailedChecks, c.Checks)
				if c.FailedChecks == 1 {
					cv.Detail = lang.T("mail.one_failed", c.Checks)
				}
			}
			ok++
		case CoverageFailed:
			cv.State, cv.Class = lang.T("mail.failed"), "bad"
			cv.Detail = oneLine(ErrorWords(lang, c.Status, c.Error))
			if c.Error != "" {
				cv.Detail += " — " + oneLine(c.Error)
			}
			failed++
		case coverageStaleOld:
			cv.State, cv.Class = lang.T("mail.stale"), "bad"
			failed++
		case coverageNeverOld:
			cv.State, cv.Class = lang.T("mail.never_checked"), "warn"
			unchecked++
		default:
			cv.State, cv.Class = lang.T("mail.not_checked"), "warn"
			unchecked++
		}
		v.Coverage = append(v.Coverage, cv)
	}
	v.CoverageSum = fmt.Sprintf("%d/%d %s", ok, len(d.Coverage), lang.T("mail.checked_ok"))
	if failed > 0 {
		v.CoverageSum += fmt.Sprintf(", %d %s", failed, lang.T("mail.n_failed"))
	}
	if unchecked > 0 {
		v.CoverageSum += fmt.Sprintf(", %d %s", unchecked, lang.T("mail.n_not_checked"))
	}
	return v
}

// OlderNote says, in lang, how many items found during the period were
// left out as published long before it ("" when none was).
func OlderNote(lang i18n.Lang, d *Digest) string {
	switch d.Older {
	case 0:
		return ""
	case 1:
		return lang.T("mail.older_left_out_one")
	}
	return lang.T("mail.older_left_out", d.Older)
}

// Notice is the warning, in lang, at the top of a digest whose period
// starts before the watch's first recorded check: the sources could not
// have been checked then, whatever the coverage would otherwise suggest.
// Pages showing a digest show it too.
func Notice(lang i18n.Lang, d *Digest, loc *time.Location) string {
	if len(d.Coverage) == 0 || legacyCoverage(d) {
		return "" // archived before checks were recorded: nothing to compare with
	}
	switch {
	case d.RecordSince.IsZero():
		return lang.T("mail.notice_never")
	case !d.Period.Until.After(d.RecordSince):
		return lang.T("mail.notice_before", lang.ShortDateTime(d.RecordSince.In(loc)))
	case d.Period.Since.Before(d.RecordSince):
		return lang.T("mail.notice_partly", lang.ShortDateTime(d.RecordSince.In(loc)))
	}
	return ""
}

// legacyCoverage reports a digest archived before the record of checks:
// its states came from each source's last attempt only, and an "ok" there
// counted no check.
func legacyCoverage(d *Digest) bool {
	for _, c := range d.Coverage {
		switch c.State {
		case coverageStaleOld, coverageNeverOld, coverageNotCheckedOld:
			return true
		case CoverageOK, CoverageFailed:
			if c.Checks == 0 {
				return true
			}
		}
	}
	return false
}

func entry(cfg veille.Config, d *Digest, it veille.Item, group, sourceName string, lang i18n.Lang, baseURL string, loc *time.Location) entryView {
	e := entryView{Title: oneLine(it.Title), Link: safeURL(it.Link), Source: oneLine(sourceName),
		Summary: text.Clip(text.Fold(it.Summary), 220), ItemURL: itemURL(baseURL, it.ID)}
	if strings.HasPrefix(text.Fold(it.Title), strings.TrimSuffix(e.Summary, "…")) {
		e.Summary = "" // feeds without a summary repeat the title
	}
	if e.Title == "" {
		e.Title = lang.T("mail.untitled")
	}
	e.Title = text.Clip(e.Title, 300)
	if dt := it.DisplayDate(); !dt.IsZero() {
		e.Date = lang.ShortDate(dt.In(loc))
	}
	var tags []string
	for _, id := range it.Domains {
		tags = append(tags, veille.CategoryLabel(cfg.Domains, id, lang))
	}
	for _, id := range it.Competences {
		tags = append(tags, veille.CategoryLabel(cfg.Competences, id, lang))
	}
	e.Tags = strings.Join(tags, " · ")
	var also []string
	for _, c := range d.Competences {
		if c != group && slices.Contains(it.Competences, c) {
			also = append(also, veille.CategoryLabel(cfg.Competences, c, lang))
		}
	}
	if len(also) > 0 {
		e.AlsoIn = lang.T("mail.also_in") + lang.Colon() + strings.Join(also, ", ")
	}
	return e
}

// itemURL is the item's page in the watch's web UI.
func itemURL(baseURL, id string) string {
	if baseURL == "" {
		return ""
	}
	return strings.TrimRight(baseURL, "/") + "/items/" + url.PathEscape(id)
}

// safeURL keeps http(s) links only: a feed can carry javascript: or data:
// links, which a mail must never offer to click.
func safeURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// langView gives templates the labels of one language.
type langView struct{ Lang i18n.Lang }

// T is the label key in the view's language (templates call {{$.T "key"}}).
func (v langView) T(key string) string { return v.Lang.T(key) }

// Colon is the colon with the language's spacing: " : " in French.
func (v langView) Colon() string { return v.Lang.Colon() }

// ColonEnd is a colon ending a line.
func (v langView) ColonEnd() string { return strings.TrimRight(v.Lang.Colon(), " ") }

// Quote quotes with the language's marks.
func (v langView) Quote(s string) string { return v.Lang.Quote(s) }

// nonEmpty keeps the non-empty strings.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
