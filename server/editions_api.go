package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/store"
)

// editions serves the commission's edition (issue 17): its JSON API for
// staff, the editing page, the archive of sent editions and their feed.
type editions struct {
	s *Server
	// n reads and edits editions; it sends only when it is the scheduler's
	// (Options.Notifier).
	n     *digest.Notifier
	sends bool
}

func (s *Server) editionRoutes() {
	e := &editions{s: s, n: s.o.Notifier, sends: s.o.Notifier != nil}
	if e.n == nil {
		var err error
		o := digest.Options{Config: s.o.Config, Store: s.o.Store, Index: s.o.Index, Now: s.o.Now,
			Logger: s.o.Logger, Mailer: refuseMail{}, Getenv: func(string) string { return "" }}
		if s.auth != nil {
			o.Counts = s.auth.ClusterCountsOf
		}
		e.n, err = digest.New(o)
		if err != nil {
			s.o.Logger.Error("editions disabled", "err", err)
			return
		}
	}
	s.handle("GET /api/editions/{digest}/{period}", staff, e.apiGet)
	s.handle("PUT /api/editions/{digest}/{period}", staff, e.apiPut)
	s.handle("POST /api/editions/{digest}/{period}/approve", staff, e.apiApprove)
	s.handle("POST /api/editions/{digest}/{period}/discussed", staff, e.apiDiscussed)
	e.pageRoutes()
}

// editionJSON is the contract's shape, plus what staff need to see.
type editionJSON struct {
	Digest      string                `json:"digest"`
	Period      string                `json:"period"`
	Version     int                   `json:"version"`
	Status      string                `json:"status"`
	Intro       string                `json:"intro"`
	IntroEN     string                `json:"intro_en,omitempty"`
	Items       []store.EditionItem   `json:"items"`
	ApprovedBy  string                `json:"approved_by,omitempty"`
	ApprovedAt  *time.Time            `json:"approved_at,omitempty"`
	SentAt      *time.Time            `json:"sent_at,omitempty"`
	DiscussedOn string                `json:"discussed_on,omitempty"`
	Changes     []store.EditionChange `json:"changes,omitempty"`
}

func toJSON(ed store.Edition, changes []store.EditionChange) editionJSON {
	out := editionJSON{Digest: ed.Digest, Period: ed.Period, Version: ed.Version, Status: ed.Status, Intro: ed.Intro,
		IntroEN: ed.IntroEN, Items: ed.Items, ApprovedBy: ed.ApprovedBy, DiscussedOn: ed.DiscussedOn, Changes: changes}
	if !ed.ApprovedAt.IsZero() {
		t := ed.ApprovedAt
		out.ApprovedAt = &t
	}
	if !ed.SentAt.IsZero() {
		t := ed.SentAt
		out.SentAt = &t
	}
	if out.Items == nil {
		out.Items = []store.EditionItem{}
	}
	return out
}

// staffTarget starts every staff request on one edition: who acts (the
// route's guard lets only staff through) and the edition's digest and week.
func (e *editions) staffTarget(r *http.Request) (who string, dg veille.Digest, p digest.Period, err error) {
	who, _ = e.s.isStaff(r)
	dg, p, err = e.target(r)
	return who, dg, p, err
}

// target reads {digest} and {period}: an editorial digest and an ISO week.
func (e *editions) target(r *http.Request) (veille.Digest, digest.Period, error) {
	dg, err := e.n.EditorialDigest(r.PathValue("digest"))
	if err != nil {
		return dg, digest.Period{}, err
	}
	p, err := digest.ParsePeriod(r.PathValue("period"), e.s.loc)
	if err != nil {
		return dg, p, fmt.Errorf("%w: %w", errBadPeriod, err)
	}
	if !p.IsWeek() {
		return dg, p, digest.ErrNotWeek
	}
	return dg, p, nil
}

var errBadPeriod = errors.New("bad period")

// editionStatus maps an edition error to its HTTP status.
func editionStatus(err error) int {
	switch {
	case errors.Is(err, digest.ErrUnknown), errors.Is(err, digest.ErrNotEditorial), errors.Is(err, digest.ErrNotStarted),
		errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, errBadPeriod), errors.Is(err, digest.ErrNotWeek), errors.Is(err, digest.ErrUnknownItem),
		errors.Is(err, digest.ErrTooLong):
		return http.StatusBadRequest
	case errors.Is(err, store.ErrVersionConflict), errors.Is(err, store.ErrEditionFrozen):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

func (e *editions) apiError(w http.ResponseWriter, err error) {
	st := editionStatus(err)
	if st == http.StatusInternalServerError {
		e.s.o.Logger.Error("edition", "err", err)
		writeError(w, st, "internal error")
		return
	}
	writeError(w, st, err.Error())
}

func (e *editions) apiGet(w http.ResponseWriter, r *http.Request) {
	_, dg, p, err := e.staffTarget(r)
	if err != nil {
		e.apiError(w, err)
		return
	}
	ed, err := e.n.Edition(r.Context(), dg.ID, p)
	if err != nil {
		e.apiError(w, err)
		return
	}
	changes, err := e.s.o.Store.EditionChanges(r.Context(), dg.ID, p.Key)
	if err != nil {
		e.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, toJSON(ed, changes))
}

func (e *editions) apiPut(w http.ResponseWriter, r *http.Request) {
	who, dg, p, err := e.staffTarget(r)
	if err != nil {
		e.apiError(w, err)
		return
	}
	var in editionJSON
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "the body is not an edition in JSON: "+err.Error())
		return
	}
	if in.Version <= 0 {
		writeError(w, http.StatusBadRequest, "version is required: the version you read (GET) and edited")
		return
	}
	// The draft must exist (and be current) before it is saved over.
	if _, err := e.n.Edition(r.Context(), dg.ID, p); err != nil {
		e.apiError(w, err)
		return
	}
	ed, err := e.n.SaveEdition(r.Context(), dg.ID, p, store.Edition{Version: in.Version, Intro: in.Intro, IntroEN: in.IntroEN,
		Items: in.Items}, who)
	if err != nil {
		e.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, toJSON(ed, nil))
}

// approveResult is the approval's answer: the edition and who it went to.
type approveResult struct {
	Edition    editionJSON              `json:"edition"`
	Recipients []digest.RecipientResult `json:"recipients"`
}

func (e *editions) apiApprove(w http.ResponseWriter, r *http.Request) {
	res, ed, err := e.approve(r)
	if err != nil {
		if errors.Is(err, errCannotSend) {
			writeError(w, http.StatusServiceUnavailable, err.Error())
			return
		}
		e.apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, approveResult{Edition: toJSON(ed, nil), Recipients: res.Recipients})
}

var errCannotSend = errors.New("this server cannot send mail (no notifier wired): approve with veille serve")

func (e *editions) approve(r *http.Request) (digest.DigestResult, store.Edition, error) {
	who, dg, p, err := e.staffTarget(r)
	if err != nil {
		return digest.DigestResult{}, store.Edition{}, err
	}
	if !e.sends {
		return digest.DigestResult{}, store.Edition{}, errCannotSend
	}
	// The send outlives a client that hangs up: the edition is approved
	// and its claims are in the ledger either way.
	return e.n.ApproveEdition(context.WithoutCancel(r.Context()), dg.ID, p, who)
}

func (e *editions) apiDiscussed(w http.ResponseWriter, r *http.Request) {
	who, dg, p, err := e.staffTarget(r)
	if err != nil {
		e.apiError(w, err)
		return
	}
	var in struct {
		Date string `json:"date"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, `the body must be {"date": "YYYY-MM-DD"}`)
		return
	}
	ed, err := e.n.SetDiscussed(r.Context(), dg.ID, p, in.Date, who)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			e.apiError(w, err)
			return
		}
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, toJSON(ed, nil))
}
