package digest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille/internal/i18n"

	"github.com/nogentech/veille/store"
)

// KindSaved is the ledger kind of the mails of followed saved searches.
const KindSaved = "saved"

// SavedRun counts the mails of one RunSavedSearches.
type SavedRun struct {
	Tally
}

// maxSavedItems bounds the items of one saved-search mail.
const maxSavedItems = 100

// RunSavedSearches mails the new items of every followed saved search
// through the delivery ledger, once per item and recipient: "immediate"
// ones each new item, "daily" ones the items of the last complete day,
// "weekly" ones those of the last complete ISO week. New means published
// after what the previous run covered (a watermark per saved search,
// starting when the search was saved). A member's search goes to the
// member's address in feeds.yaml, a staff person's to that person.
func (n *Notifier) RunSavedSearches(ctx context.Context) (SavedRun, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	var run SavedRun
	if n.o.Index == nil || n.o.ParseSearch == nil {
		return run, errors.New("digest: saved searches need the index and a search parser")
	}
	loc := n.o.Config.Loc()
	now := n.now()
	today := midnight(now, loc)
	for _, mode := range []string{"immediate", "daily", "weekly"} {
		list, err := n.o.Store.SavedSearchesToNotify(ctx, mode)
		if err != nil {
			return run, err
		}
		end, key := now, ""
		switch mode {
		case "daily":
			end, key = today, today.AddDate(0, 0, -1).Format(time.DateOnly)
		case "weekly":
			w := LastCompleteWeek(now, loc)
			end, key = w.Until, w.Key
		}
		for _, ss := range list {
			if err := n.runSaved(ctx, ss, end, key, &run); err != nil {
				return run, fmt.Errorf("saved search %d: %w", ss.ID, err)
			}
		}
	}
	return run, nil
}

// savedRecipient is where a space's saved-search mails go.
func (n *Notifier) savedRecipient(space string) (addr string, lang i18n.Lang) {
	if a, ok := strings.CutPrefix(space, "staff:"); ok {
		return a, i18n.FR
	}
	for _, m := range n.o.Config.Members {
		if m.ID == space {
			return strings.TrimSpace(m.Email), i18n.Parse(m.Lang)
		}
	}
	return "", ""
}

func (n *Notifier) runSaved(ctx context.Context, ss store.SavedSearch, end time.Time, key string, run *SavedRun) error {
	to, lang := n.savedRecipient(ss.Space)
	if to == "" {
		return nil // a member without an address in feeds.yaml: its searches show unread counts only
	}
	mark := "saved:" + strconv.FormatInt(ss.ID, 10)
	since, err := n.o.Store.InitWatermark(ctx, mark, ss.CreatedAt)
	if err != nil {
		return err
	}
	if !since.Before(end) {
		return nil
	}
	v, err := url.ParseQuery(ss.Query)
	if err != nil {
		return err
	}
	req, err := n.o.ParseSearch(v)
	if err != nil {
		return err
	}
	if since.After(req.Since) {
		req.Since = since
	}
	if req.Until.IsZero() || req.Until.After(end) {
		req.Until = end
	}
	req.Limit, req.Offset, req.Sort, req.NoFacets, req.NoHighlight = maxSavedItems, 0, "date", true, true
	var ids []string
	if req.Since.Before(req.Until) {
		res, err := n.o.Index.Search(ctx, req)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
	}
	ref := strconv.FormatInt(ss.ID, 10)
	done, err := n.o.Store.ClaimedItems(ctx, KindSaved, ref, to, ids)
	if err != nil {
		return err
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return done[id] })
	var batches [][]string
	if key == "" {
		for _, id := range ids {
			batches = append(batches, []string{id})
		}
	} else if len(ids) > 0 {
		batches = [][]string{ids}
	}
	for _, b := range batches {
		period := key
		if period == "" {
			period = b[0]
		}
		err := n.claimAndDeliver(ctx, store.Delivery{Kind: KindSaved, Ref: ref, Period: period, Recipient: to,
			Channel: "email", MessageID: n.MessageID(KindSaved, ref, period, to),
			Subject: Subject(lang.T("mail.saved_subject", oneLine(ss.Name))), ItemIDs: b, ClaimedAt: n.now(), OncePerItem: true},
			func(row store.Delivery) (payload, error) { return n.savedPayload(ctx, row) }, &run.Tally)
		if err != nil {
			return err
		}
	}
	return n.o.Store.AdvanceWatermark(ctx, mark, end)
}

// savedPayload builds a saved-search mail from its ledger row (first send
// and resend alike): the frozen items, read back from the store.
func (n *Notifier) savedPayload(ctx context.Context, row store.Delivery) (payload, error) {
	id, _ := strconv.ParseInt(row.Ref, 10, 64)
	name := row.Ref
	lang := i18n.FR
	if ss, err := n.o.Store.SavedSearch(ctx, id); err == nil {
		name = ss.Name
		_, lang = n.savedRecipient(ss.Space)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n\n", lang.T("mail.saved_intro"), lang.Quote(oneLine(name)))
	base := strings.TrimRight(n.o.BaseURL, "/")
	for _, itemID := range row.ItemIDs {
		it, err := n.o.Store.Item(ctx, itemID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return payload{}, err
		}
		fmt.Fprintf(&b, " - %s\n   %s/items/%s\n", oneLine(it.Title), base, url.PathEscape(it.ID))
	}
	return payload{mail: &Mail{From: n.o.Config.SMTP.From, To: row.Recipient, Subject: row.Subject, MessageID: row.MessageID,
		Date: row.ClaimedAt, Text: b.String()}}, nil
}
