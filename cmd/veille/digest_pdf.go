package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/internal/i18n"
	"github.com/nogentech/veille/store"
)

// writeDigestPDF writes the meeting document of a digest period: the
// commission's edition as it stands (a draft too) for an editorial
// digest, else the digest as archived when it was sent, else as it would
// be built now.
func writeDigestPDF(ctx context.Context, g *globals, n *digest.Notifier, cfg veille.Config, id string, p digest.Period,
	lang, file string) error {
	dg, err := n.DigestConfig(id)
	if err != nil {
		return usageError{err.Error()}
	}
	var d *digest.Digest
	if dg.Editorial {
		if d, _, err = n.EditionPreview(ctx, id, p); err != nil {
			return fmt.Errorf("edition %s %s: %w", id, p.Key, err)
		}
	} else if d, err = n.Archived(ctx, id, p.Key); errors.Is(err, store.ErrNotFound) {
		d, _, err = n.Preview(ctx, id, p)
	}
	if err != nil {
		return err
	}
	if lang == "" {
		lang = dg.Lang
	}
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if err := digest.WritePDF(f, cfg, dg, d, i18n.Parse(lang)); err != nil {
		f.Close()
		os.Remove(file)
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	fmt.Fprintf(g.stdout, "wrote %s (%s, %s, %d items)\n", file, id, p.Key, len(d.Items))
	return nil
}
