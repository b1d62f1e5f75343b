package server

import (
	"context"

	"github.com/nogentech/veille/digest"
)

// editionMention says on an item page or a search hit that the item was
// in a sent commission's edition, with staff's note about it.
type editionMention struct {
	Label, URL, Note, Discussed string
}

// editionMentions finds the sent editions that carry each of ids. A store
// error leaves the mentions out: they add to a page that works without.
func (s *Server) editionMentions(ctx context.Context, l tr, ids []string) map[string][]editionMention {
	eds, err := s.o.Store.SentEditionsOf(ctx, ids)
	if err != nil {
		s.o.Logger.Warn("editions of items", "err", err)
		return nil
	}
	out := map[string][]editionMention{}
	for id, list := range eds {
		for _, ed := range list {
			m := editionMention{Label: l.T("edition.of", l.Date(ed.SentAt)), URL: digest.EditionPath(ed.Digest, ed.Period)}
			for _, it := range ed.Items {
				if it.ID == id {
					m.Note = l.lang.Pick(it.Note, it.NoteEN)
				}
			}
			if ed.DiscussedOn != "" {
				m.Discussed = l.T("edition.discussed", dayLabel(l, ed.DiscussedOn))
			}
			out[id] = append(out[id], m)
		}
	}
	return out
}

// addEditionMentions fills the hits of a search page.
func (s *Server) addEditionMentions(ctx context.Context, l tr, hits []hitView) {
	if len(hits) == 0 {
		return
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	m := s.editionMentions(ctx, l, ids)
	for i := range hits {
		hits[i].Editions = m[hits[i].ID]
	}
}
