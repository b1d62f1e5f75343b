package digest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// The commission's edition (issue 17): each ISO week of a digest marked
// `editorial: true` has an edition that staff edit, approve and send. The
// draft follows the digest's rules; approval archives it as the period's
// digest, so the delivery ledger sends it exactly as it sends any digest:
// once per recipient, resent after a crash with the same Message-ID.

// Who made a change the program made.
const (
	WhoWatch    = "veille"
	WhoSendTime = "veille (send time)"
	WhoCommand  = "veille digest (command line)"
)

// Errors of the edition routes.
var (
	ErrNotEditorial = errors.New("not an editorial digest (editorial: true in feeds.yaml)")
	ErrNotStarted   = errors.New("the period has not started: its edition does not exist yet")
	ErrNotWeek      = errors.New("an edition covers an ISO week (e.g. 2026-W48)")
	ErrUnknownItem  = errors.New("no such item")
	ErrTooLong      = errors.New("text too long")
)

// Bounds of what staff write: a note is a line or a paragraph, not an
// article; the bounds keep one save from filling the database.
const (
	maxNoteRunes  = 2000
	maxIntroRunes = 8000
	maxItems      = 500
)

// EditionContent is what an edition adds to the digest it is archived as:
// staff's introduction and their order, notes and headings.
type EditionContent struct {
	Intro      string              `json:"intro"`
	IntroEN    string              `json:"intro_en,omitempty"`
	Entries    []store.EditionItem `json:"entries"`
	ApprovedBy string              `json:"approved_by"`
	Approved   time.Time           `json:"approved"`
	// Counts are the members' marks on each item (by id), anonymised, as
	// they stood when the edition was built: the archive keeps them, so
	// the mail, its resend and the archive page say the same.
	Counts map[string][]store.ClusterCount `json:"counts,omitempty"`
}

// EditorialDigest returns digest id's config when it is editorial.
func (n *Notifier) EditorialDigest(id string) (veille.Digest, error) {
	dg, err := n.DigestConfig(id)
	if err != nil {
		return dg, err
	}
	if !dg.Editorial {
		return dg, fmt.Errorf("digest %s: %w", id, ErrNotEditorial)
	}
	return dg, nil
}

// Edition returns the edition of digest id for week p, creating the draft
// or appending what arrived since: staff see it from the start of the
// week, as the items come.
func (n *Notifier) Edition(ctx context.Context, id string, p Period) (store.Edition, error) {
	dg, err := n.EditorialDigest(id)
	if err != nil {
		return store.Edition{}, err
	}
	return n.syncEdition(ctx, dg, p)
}

func (n *Notifier) syncEdition(ctx context.Context, dg veille.Digest, p Period) (store.Edition, error) {
	if !p.IsWeek() {
		return store.Edition{}, ErrNotWeek
	}
	if e, err := n.o.Store.Edition(ctx, dg.ID, p.Key); err == nil && e.Status != store.EditionDraft {
		return e, nil // frozen: nothing to follow any more
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return e, err
	}
	if n.now().Before(p.Since) {
		return store.Edition{}, fmt.Errorf("digest %s %s: %w", dg.ID, p.Key, ErrNotStarted)
	}
	d, err := n.build(ctx, dg, p)
	if err != nil {
		return store.Edition{}, err
	}
	cands := make([]store.EditionItem, 0, len(d.Items))
	for _, it := range d.Items {
		cands = append(cands, store.EditionItem{ID: it.ID, Title: oneLine(it.Title)})
	}
	return n.o.Store.SyncEdition(ctx, dg.ID, p.Key, cands, WhoWatch, n.now())
}

// SaveEdition writes staff's edit of the draft (see store.SaveEdition for
// the version check). Items must exist; their titles are the store's.
func (n *Notifier) SaveEdition(ctx context.Context, id string, p Period, e store.Edition, who string) (store.Edition, error) {
	if _, err := n.EditorialDigest(id); err != nil {
		return store.Edition{}, err
	}
	if !p.IsWeek() {
		return store.Edition{}, ErrNotWeek
	}
	if len(e.Items) > maxItems {
		return store.Edition{}, fmt.Errorf("%w: %d items (at most %d)", ErrTooLong, len(e.Items), maxItems)
	}
	if utf8.RuneCountInString(e.Intro) > maxIntroRunes || utf8.RuneCountInString(e.IntroEN) > maxIntroRunes {
		return store.Edition{}, fmt.Errorf("%w: introduction over %d characters", ErrTooLong, maxIntroRunes)
	}
	e.Digest, e.Period = id, p.Key
	e.Intro, e.IntroEN = strings.TrimSpace(e.Intro), strings.TrimSpace(e.IntroEN)
	for i, it := range e.Items {
		for _, s := range []string{it.Note, it.NoteEN, it.Heading} {
			if utf8.RuneCountInString(s) > maxNoteRunes {
				return store.Edition{}, fmt.Errorf("%w: item %s: a note or heading over %d characters", ErrTooLong, it.ID, maxNoteRunes)
			}
		}
		stored, err := n.o.Store.Item(ctx, it.ID)
		if errors.Is(err, store.ErrNotFound) {
			return store.Edition{}, fmt.Errorf("%w: %q", ErrUnknownItem, it.ID)
		}
		if err != nil {
			return store.Edition{}, err
		}
		e.Items[i] = store.EditionItem{ID: it.ID, Title: oneLine(stored.Title), Note: strings.TrimSpace(it.Note),
			NoteEN: strings.TrimSpace(it.NoteEN), Heading: oneLine(it.Heading)}
	}
	return n.o.Store.SaveEdition(ctx, e, who, n.now())
}

// ApproveEdition approves the edition of digest id for week p and sends
// it through the ledger. A second call sends nothing new: the edition is
// already approved, and the ledger holds every recipient's claim.
func (n *Notifier) ApproveEdition(ctx context.Context, id string, p Period, who string) (DigestResult, store.Edition, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	dg, err := n.EditorialDigest(id)
	if err != nil {
		return DigestResult{}, store.Edition{}, err
	}
	return n.approveAndSend(ctx, dg, p, who)
}

// stepApproved is the crash point between the approval's commit and the
// send.
const stepApproved = "approved"

func (n *Notifier) approveAndSend(ctx context.Context, dg veille.Digest, p Period, who string) (DigestResult, store.Edition, error) {
	if _, err := n.syncEdition(ctx, dg, p); err != nil {
		return DigestResult{}, store.Edition{}, err
	}
	e, fresh, err := n.o.Store.ApproveEdition(ctx, dg.ID, p.Key, who, n.now())
	if err != nil {
		return DigestResult{}, e, err
	}
	if fresh {
		n.o.Logger.Info("edition approved", "digest", dg.ID, "period", p.Key, "by", who, "items", len(e.Items))
	}
	if err := n.step(stepApproved); err != nil {
		return DigestResult{}, e, err
	}
	res, err := n.sendDigest(ctx, dg, p)
	if err != nil {
		return res, e, err
	}
	e, err = n.settleEdition(ctx, dg.ID, p.Key, res)
	return res, e, err
}

// settleEdition marks an approved edition sent once no delivery of it is
// pending any more (sent, skipped, or failed for good and shown in the
// ledger).
func (n *Notifier) settleEdition(ctx context.Context, id, period string, res DigestResult) (store.Edition, error) {
	for _, r := range res.Recipients {
		if r.Status == store.DeliveryPending {
			return n.o.Store.Edition(ctx, id, period)
		}
	}
	return n.o.Store.MarkEditionSent(ctx, id, period, n.now())
}

// editionDigest is the approved edition of week p as a digest to archive:
// the items in staff's order (those added by search included), with the
// coverage of the sources over the week.
func (n *Notifier) editionDigest(ctx context.Context, dg veille.Digest, p Period) (*Digest, error) {
	e, err := n.o.Store.Edition(ctx, dg.ID, p.Key)
	if err != nil {
		return nil, fmt.Errorf("digest %s %s: edition: %w", dg.ID, p.Key, err)
	}
	if e.Status == store.EditionDraft {
		return nil, fmt.Errorf("digest %s %s: the edition is a draft: approve it first", dg.ID, p.Key)
	}
	return n.asDigest(ctx, dg, p, e)
}

// EditionPreview is the edition of week p as it stands (a draft too), as
// a digest: what staff print before approving. An approved or sent
// edition is its archive.
func (n *Notifier) EditionPreview(ctx context.Context, id string, p Period) (*Digest, store.Edition, error) {
	dg, err := n.EditorialDigest(id)
	if err != nil {
		return nil, store.Edition{}, err
	}
	e, err := n.syncEdition(ctx, dg, p)
	if err != nil {
		return nil, e, err
	}
	if e.Status != store.EditionDraft {
		if d, err := n.Archived(ctx, id, p.Key); err == nil && d.Edition != nil {
			return d, e, nil
		}
	}
	d, err := n.asDigest(ctx, dg, p, e)
	return d, e, err
}

func (n *Notifier) asDigest(ctx context.Context, dg veille.Digest, p Period, e store.Edition) (*Digest, error) {
	d, err := n.build(ctx, dg, p)
	if err != nil {
		return nil, err
	}
	byID := map[string]veille.Item{}
	for _, it := range d.Items {
		byID[it.ID] = it
	}
	d.Items = []veille.Item{}
	for _, en := range e.Items {
		it, ok := byID[en.ID]
		if !ok {
			stored, err := n.o.Store.Item(ctx, en.ID)
			switch {
			case err == nil:
				it = trimItem(stored)
			case errors.Is(err, store.ErrNotFound):
				it = veille.Item{ID: en.ID, Title: en.Title}
			default:
				return nil, err
			}
		}
		d.Items = append(d.Items, it)
	}
	d.Edition = &EditionContent{Intro: e.Intro, IntroEN: e.IntroEN, Entries: e.Items, ApprovedBy: e.ApprovedBy,
		Approved: e.ApprovedAt}
	if d.Edition.Counts, err = n.markCounts(ctx, d.Items); err != nil {
		return nil, err
	}
	return d, nil
}

// markCounts are the members' marks on each item that has some (nothing
// without Options.Counts).
func (n *Notifier) markCounts(ctx context.Context, items []veille.Item) (map[string][]store.ClusterCount, error) {
	if n.o.Counts == nil {
		return nil, nil
	}
	out, err := n.o.Counts(ctx, items)
	if err != nil {
		return nil, fmt.Errorf("edition: count the members' marks: %w", err)
	}
	return out, nil
}

// dueEdition is what the send time does to an editorial digest's week: an
// approved edition is sent (again only what is pending); a draft is sent
// as drafted (on_timeout: send, the default) or held, with a reminder to
// staff (on_timeout: hold). It reports whether the edition went out.
func (n *Notifier) dueEdition(ctx context.Context, dg veille.Digest, p Period) (DigestResult, bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	e, err := n.syncEdition(ctx, dg, p)
	if err != nil {
		return DigestResult{}, false, err
	}
	switch {
	case e.Status == store.EditionSent:
		return DigestResult{}, false, nil
	case e.Status == store.EditionApproved:
		res, _, err := n.approveAndSend(ctx, dg, p, WhoSendTime)
		return res, err == nil, err
	case dg.OnTimeout == veille.OnTimeoutHold:
		return DigestResult{}, false, n.remindStaff(ctx, dg, p)
	}
	res, _, err := n.approveAndSend(ctx, dg, p, WhoSendTime)
	return res, err == nil, err
}

// SetDiscussed records the date (YYYY-MM-DD, empty to clear) of the
// meeting that discussed the edition of digest id for week p.
func (n *Notifier) SetDiscussed(ctx context.Context, id string, p Period, date, who string) (store.Edition, error) {
	if _, err := n.EditorialDigest(id); err != nil {
		return store.Edition{}, err
	}
	return n.o.Store.SetEditionDiscussed(ctx, id, p.Key, date, who, n.now())
}
