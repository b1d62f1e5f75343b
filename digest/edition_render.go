package digest

import (
	"context"
	"net/url"
	"strings"

	"github.com/nogentech/veille/internal/i18n"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
	"github.com/nogentech/veille/store"
)

// editionView is an approved edition put in one language for the mail
// templates: the digest's chrome (title, period, coverage) and staff's
// sections. Notes and headings are text: both templates print them as
// such (html/template escapes them), so a note is never markup.
type editionView struct {
	*view
	Intro    []string // paragraphs
	Sections []EditionSection
	Approved string
}

// EditionSection is a run of items under one heading ("" for none).
type EditionSection struct {
	Heading string
	Items   []EditionEntry
}

// EditionEntry is one item of an edition as the mail and the pages show it.
type EditionEntry struct {
	ID      string
	Title   string
	Link    string // the publisher's page, http(s) only
	ItemURL string
	Date    string
	Source  string
	Summary string
	Note    []string // paragraphs
	// Deadlines are the item's dates in the 90 days after the period.
	Deadlines []deadlineView
	// Counts say how many members marked the item, by status, anonymised,
	// on one line ("s'applique : 9 adhérents sur 23 · à évaluer : …").
	Counts string
}

// EditionPage is an approved edition laid out in lang for the web pages:
// the same sections, headings and notes as the mail.
type EditionPage struct {
	Title, PeriodLabel, Approved, Notice, Total string
	Intro                                       []string
	Sections                                    []EditionSection
}

// NewEditionPage lays an archived edition out in lang.
func NewEditionPage(cfg veille.Config, dg veille.Digest, d *Digest, lang i18n.Lang, baseURL string) EditionPage {
	if d.Edition == nil {
		d.Edition = &EditionContent{}
	}
	v := newEditionView(cfg, dg, d, lang, baseURL)
	return EditionPage{Title: v.Title, PeriodLabel: v.PeriodLabel, Approved: v.Approved, Notice: v.Notice,
		Total: v.TotalLabel, Intro: v.Intro, Sections: v.Sections}
}

// EditionPath is the archive page of an edition, under the site's root.
func EditionPath(id, period string) string {
	return "/editions/" + url.PathEscape(id) + "/" + url.PathEscape(period)
}

func newEditionView(cfg veille.Config, dg veille.Digest, d *Digest, lang i18n.Lang, baseURL string) *editionView {
	loc := cfg.Loc()
	v := &editionView{view: newView(cfg, dg, d, lang, baseURL)}
	if baseURL != "" {
		v.ArchiveURL = strings.TrimRight(baseURL, "/") + EditionPath(d.ID, d.Period.Key)
	}
	ed := d.Edition
	v.Intro = paragraphs(lang.Pick(ed.Intro, ed.IntroEN))
	if !ed.Approved.IsZero() {
		v.Approved = lang.T("mail.edition_approved", oneLine(ed.ApprovedBy), lang.Date(ed.Approved.In(loc)))
	}
	sourceNames := map[string]string{}
	for _, s := range cfg.Sources {
		sourceNames[s.ID] = s.Name
	}
	items := map[string]veille.Item{}
	for _, it := range d.Items {
		items[it.ID] = it
	}
	for _, en := range ed.Entries {
		it, ok := items[en.ID] // a member's cut holds only its items
		if !ok {
			continue
		}
		h := oneLine(en.Heading)
		if len(v.Sections) == 0 || v.Sections[len(v.Sections)-1].Heading != h {
			v.Sections = append(v.Sections, EditionSection{Heading: h})
		}
		name := text.FirstNonEmpty(sourceNames[it.Source], it.Source)
		ev := entry(cfg, d, it, "", name, lang, baseURL, loc)
		e := EditionEntry{ID: it.ID, Title: ev.Title, Link: ev.Link, ItemURL: ev.ItemURL, Date: ev.Date, Source: ev.Source,
			Summary: ev.Summary, Note: paragraphs(lang.Pick(en.Note, en.NoteEN))}
		e.Deadlines = deadlineViews(d.Deadlines, lang, baseURL, it.ID)
		e.Counts = CountLine(cfg, ed.Counts[it.ID], lang)
		s := &v.Sections[len(v.Sections)-1]
		s.Items = append(s.Items, e)
	}
	v.Total = len(d.Items)
	v.Empty = v.Total == 0
	v.TotalLabel = lang.Count(v.Total, "mail.item", "mail.items")
	return v
}

// CountLine says the members' marks on an item in lang: for each status,
// among all members, then among those of each of the item's competences.
func CountLine(cfg veille.Config, cs []store.ClusterCount, lang i18n.Lang) string {
	var out []string
	for _, c := range cs {
		if c.Marked == 0 {
			continue // "0 of 8 forging members" says nothing worth a line
		}
		key, comp := "mail.edition_count", ""
		if c.Competence != "" {
			key, comp = "mail.edition_count_of", veille.CategoryLabel(cfg.Competences, c.Competence, lang)
		}
		out = append(out, lang.T(key, lang.T("mail.mark."+c.Status), lang.Count(c.Marked, "mail.member", "mail.members"),
			c.Marked, c.Of, comp))
	}
	return strings.Join(out, " · ")
}

// paragraphs splits text at blank lines, each paragraph on one line.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = oneLine(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// reminderView is the mail to staff about a held edition.
type reminderView struct {
	langView
	Subject string
	Title   string
	Body    string
	EditURL string
	Items   string
}

// remindStaff mails each staff address, once per edition (through the
// ledger), that the edition was held at its send time.
func (n *Notifier) remindStaff(ctx context.Context, dg veille.Digest, p Period) error {
	if len(n.o.Config.Staff) == 0 {
		n.o.Logger.Error("edition held at its send time and no staff address to remind (staff: in feeds.yaml)",
			"digest", dg.ID, "period", p.Key)
		return nil
	}
	for _, addr := range n.o.Config.Staff {
		addr = strings.TrimSpace(addr)
		claim := store.Delivery{Kind: KindReminder, Ref: dg.ID, Period: p.Key, Recipient: addr, Channel: ChannelEmail,
			MessageID: n.MessageID(KindReminder, dg.ID, p.Key, addr), ClaimedAt: n.now()}
		row, fresh, err := n.o.Store.ClaimDelivery(ctx, claim)
		if err != nil {
			return err
		}
		if row.Status == store.DeliveryPending && (fresh || !row.NextAttempt.After(n.now())) {
			if _, err := n.deliver(ctx, row, func() (payload, error) { return n.reminderPayload(ctx, row) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// reminderPayload renders a reminder from its ledger row.
func (n *Notifier) reminderPayload(ctx context.Context, row store.Delivery) (payload, error) {
	dg, err := n.DigestConfig(row.Ref)
	if err != nil {
		return payload{}, err
	}
	loc := n.o.Config.Loc()
	p, err := ParsePeriod(row.Period, loc)
	if err != nil {
		return payload{}, err
	}
	e, err := n.o.Store.Edition(ctx, row.Ref, row.Period)
	if err != nil {
		return payload{}, err
	}
	lang := n.langFor(row.Recipient, dg.Lang)
	title := oneLine(digestTitle(n.o.Config, dg, lang)) + " — " + PeriodLabel(lang, p, loc)
	v := reminderView{langView: langView{lang}, Title: title,
		Subject: Subject(lang.T("mail.reminder_subject", lang.T("mail.edition")+" — "+title)),
		Body:    lang.T("mail.reminder_body", lang.ShortDateTime(row.ClaimedAt.In(loc))),
		Items:   lang.Count(len(e.Items), "mail.item", "mail.items")}
	if n.o.BaseURL != "" {
		v.EditURL = strings.TrimRight(n.o.BaseURL, "/") + EditionPath(row.Ref, row.Period) + "/edit"
	}
	r, err := render("reminder", v, v.Subject)
	if err != nil {
		return payload{}, err
	}
	return payload{mail: &Mail{From: n.o.Config.SMTP.From, To: row.Recipient, Subject: r.Subject, MessageID: row.MessageID,
		Date: row.ClaimedAt, Text: r.Text, HTML: r.HTML}}, nil
}

// DigestTitle is a digest's title in lang: the configured one, else one
// made from what it selects ("Veille environnement").
func DigestTitle(cfg veille.Config, dg veille.Digest, lang i18n.Lang) string {
	return oneLine(digestTitle(cfg, dg, lang))
}
