package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/internal/datadir"
	"github.com/nogentech/veille/server"
)

// Read-only commands beside a running `veille serve`: the serve holds the
// data dir (Bleve allows one process), so the command asks it over the
// data dir's local socket, which only the data dir's owner can open (no
// token to type), and prints the answer as it would have printed its own.

// Local command names, the {command} of the local route.
const (
	localDigest    = "digest"
	localAlertTest = "alert-test"
	localSearch    = "search"
)

// HTTPStatus makes a mistake in the flags a 400 over the local route.
func (e usageError) HTTPStatus() int { return http.StatusBadRequest }

// alertTestAnswer is `veille alert test` as the serve answers it: the test
// and the time zone its dates are printed in.
type alertTestAnswer struct {
	Test     digest.AlertTest `json:"test"`
	Timezone string           `json:"timezone"`
}

// localCommands answers the local route in `veille serve`, from its open
// data dir.
func localCommands(a *app, n *digest.Notifier) server.LocalFunc {
	return func(ctx context.Context, command string, q url.Values) (any, error) {
		switch command {
		case localSearch:
			// The CLI's search: no page cap and no rate limit, unlike
			// /api/search, which pages a large --limit would exhaust.
			req, err := server.ParseSearch(q, a.cfg.Location, 0)
			if err != nil {
				return nil, usageError{err.Error()}
			}
			res, err := a.index.Search(ctx, req)
			if err != nil {
				return nil, usageOrErr(err)
			}
			return res, nil
		case localDigest:
			p, err := digestPeriod(a.cfg.Location, q.Get("since"), q.Get("until"), time.Now())
			if err != nil {
				return nil, err
			}
			return makePreview(ctx, n, a.cfg, q.Get("id"), p, q.Get("member"), q.Get("lang"))
		case localAlertTest:
			days, err := strconv.Atoi(q.Get("days"))
			if err != nil {
				return nil, usageError{"--days must be a number"}
			}
			at, err := alertTest(ctx, n, q.Get("id"), days)
			if err != nil {
				return nil, err
			}
			// The listing shows titles, dates and tags: the texts stay here.
			for i := range at.Matches {
				at.Matches[i].Item.Content, at.Matches[i].Item.HTML, at.Matches[i].Item.Summary = "", "", ""
			}
			return alertTestAnswer{Test: at, Timezone: appLocation(a).String()}, nil
		}
		return nil, usageError{fmt.Sprintf("no local command %q", command)}
	}
}

// heldByServer reports whether err is the data dir held by a process that
// may answer over its local socket.
func heldByServer(err error) bool {
	var held *datadir.HeldError
	return errors.As(err, &held) && held.Holder.Addr != ""
}

// askHolder runs command in the process holding dir and decodes its answer
// into v. held is the error that sent us here, returned when no one
// answers on the socket (a holder without one).
func askHolder(ctx context.Context, dir, command string, q url.Values, held error, v any) error {
	conn, err := datadir.DialLocal(ctx, dir)
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%w; its local socket is its owner's only: run this command as the user that runs it", held)
	}
	if err != nil {
		return fmt.Errorf("%w (and its local socket does not answer: %v)", held, err)
	}
	conn.Close()
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return datadir.DialLocal(ctx, dir) },
	}}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	// The host is a placeholder: the transport always dials the socket.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://veille/api/admin/local/"+url.PathEscape(command)+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("ask the running veille serve: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return fmt.Errorf("ask the running veille serve: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(body, &e) != nil || e.Error == "" {
			e.Error = resp.Status
		}
		if resp.StatusCode == http.StatusBadRequest {
			return usageError{e.Error}
		}
		return fmt.Errorf("the running veille serve answered: %s", e.Error)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("ask the running veille serve: decode its answer: %w", err)
	}
	return nil
}
