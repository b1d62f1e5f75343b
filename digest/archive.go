package digest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// Archive reads digests: a period as it was archived when first built,
// and a preview of a period never built. It sends nothing and needs no
// mailer, so the web pages read digests through it without a Notifier;
// a Notifier builds and archives through its own.
type Archive struct {
	cfg veille.Config
	st  *store.Store
	now func() time.Time
}

// NewArchive returns the reader of cfg's digests in st; now may be nil.
func NewArchive(cfg veille.Config, st *store.Store, now func() time.Time) *Archive {
	if now == nil {
		now = time.Now
	}
	return &Archive{cfg: cfg, st: st, now: now}
}

// DigestConfig returns the configured digest id.
func (a *Archive) DigestConfig(id string) (veille.Digest, error) {
	for _, d := range a.cfg.Digests {
		if d.ID == id {
			return d, nil
		}
	}
	var ids []string
	for _, d := range a.cfg.Digests {
		ids = append(ids, d.ID)
	}
	return veille.Digest{}, fmt.Errorf("digest %q: %w (digests: %s)", id, ErrUnknown, strings.Join(ids, ", "))
}

// Preview builds a digest for a period without recording or sending
// anything (veille digest --dry-run, the archive page of a period never
// sent).
func (a *Archive) Preview(ctx context.Context, id string, p Period) (*Digest, veille.Digest, error) {
	dg, err := a.DigestConfig(id)
	if err != nil {
		return nil, dg, err
	}
	d, err := a.build(ctx, dg, p)
	return d, dg, err
}

// Archived returns the digest as it was first built for a period, or
// store.ErrNotFound.
func (a *Archive) Archived(ctx context.Context, id, period string) (*Digest, error) {
	rec, err := a.st.DigestArchive(ctx, id, period)
	if err != nil {
		return nil, err
	}
	var d Digest
	if err := json.Unmarshal(rec.Data, &d); err != nil {
		return nil, fmt.Errorf("digest %s %s: decode archive: %w", id, period, err)
	}
	return &d, nil
}
