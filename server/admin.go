package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/nogentech/veille"
)

// CrawlFunc runs a crawl of the named sources (all enabled ones when
// empty) and reports what it did.
type CrawlFunc func(ctx context.Context, sources []string) (veille.CrawlReport, error)

// crawlReport is the JSON answer of the admin crawl routes.
type crawlReport struct {
	Status   string         `json:"status"` // "done" or "running"
	Started  time.Time      `json:"started"`
	Finished *time.Time     `json:"finished,omitempty"`
	New      int            `json:"new"`
	Updated  int            `json:"updated"`
	Failed   int            `json:"failed"`
	Sources  []sourceReport `json:"sources,omitempty"`
}

type sourceReport struct {
	Source      string `json:"source"`
	Fetched     int    `json:"fetched"`
	New         int    `json:"new"`
	Updated     int    `json:"updated"`
	NotModified bool   `json:"not_modified,omitempty"`
	Status      int    `json:"http_status,omitempty"`
	Error       string `json:"error,omitempty"`
	DurationMS  int64  `json:"duration_ms"`
}

func reportJSON(rep veille.CrawlReport) crawlReport {
	out := crawlReport{Status: "done", Started: rep.Started, New: rep.NewCount, Updated: rep.Updated, Failed: rep.Failed()}
	if !rep.Finished.IsZero() {
		f := rep.Finished
		out.Finished = &f
	}
	for _, sr := range rep.Sources {
		if sr.Skipped {
			continue
		}
		r := sourceReport{Source: sr.Source, Fetched: sr.Fetched, New: sr.New, Updated: sr.Updated,
			NotModified: sr.NotModified, Status: sr.Status, DurationMS: sr.Duration.Milliseconds()}
		if sr.Err != nil {
			r.Error = sr.Err.Error()
		}
		out.Sources = append(out.Sources, r)
	}
	return out
}

// authorize checks the bearer token in constant time. The admin routes
// are off (403) unless a token is configured.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) bool {
	if s.adminToken == "" {
		msg := "admin routes are disabled: no admin token is configured"
		if env := s.o.Config.Server.AdminTokenEnv; env != "" {
			msg += fmt.Sprintf(" (set the environment variable %s)", env)
		} else {
			msg += " (set server.admin_token_env in the config)"
		}
		writeError(w, http.StatusForbidden, msg)
		return false
	}
	if !s.adminBearer(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="veille"`)
		writeError(w, http.StatusUnauthorized, "missing or wrong token: send Authorization: Bearer <token>")
		return false
	}
	return true
}

func (s *Server) handleCrawlAll(w http.ResponseWriter, r *http.Request) {
	s.crawl(w, r, nil)
}

func (s *Server) handleCrawlSource(w http.ResponseWriter, r *http.Request) {
	s.crawl(w, r, []string{r.PathValue("source")})
}

// crawl starts a crawl in the background and waits for it a while: a
// single source usually finishes in time for a 200 with its report; a
// long crawl answers 202 and goes on. One admin crawl runs at a time.
func (s *Server) crawl(w http.ResponseWriter, r *http.Request, sources []string) {
	if !s.authorize(w, r) {
		return
	}
	if s.o.Crawl == nil {
		writeError(w, http.StatusServiceUnavailable, "this server cannot crawl (no crawler wired)")
		return
	}
	for _, id := range sources {
		if _, ok := s.sources[id]; !ok {
			writeError(w, http.StatusNotFound, fmt.Sprintf("no source %q in the config", id))
			return
		}
	}
	if !s.crawlMu.TryLock() {
		writeError(w, http.StatusConflict, "a crawl asked for over HTTP is already running; try again when it is done")
		return
	}
	type outcome struct {
		rep veille.CrawlReport
		err error
	}
	done := make(chan outcome, 1)
	started := s.o.Now().UTC()
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer s.crawlMu.Unlock()
		rep, err := s.o.Crawl(s.o.BaseContext, sources)
		s.metrics.ObserveCrawl(rep)
		if err != nil {
			s.o.Logger.Error("admin crawl", "sources", sources, "err", err)
		} else {
			s.o.Logger.Info("admin crawl", "sources", len(rep.Sources), "new", rep.NewCount, "updated", rep.Updated, "failed", rep.Failed())
		}
		done <- outcome{rep, err}
	}()
	wait := time.NewTimer(s.o.CrawlWait)
	defer wait.Stop()
	select {
	case o := <-done:
		if errors.Is(o.err, veille.ErrUnknownSource) {
			writeError(w, http.StatusNotFound, o.err.Error())
			return
		}
		if o.err != nil {
			writeError(w, http.StatusInternalServerError, "crawl failed: "+o.err.Error())
			return
		}
		writeJSON(w, http.StatusOK, reportJSON(o.rep))
	case <-wait.C:
		writeJSON(w, http.StatusAccepted, crawlReport{Status: "running", Started: started})
	case <-r.Context().Done():
		// The client left; the crawl goes on and is logged.
	}
}

// LocalFunc answers a read-only command of the CLI from the data this
// server holds: `veille digest --dry-run` / `--out` and `veille alert test`
// run beside `veille serve` through it, with the same output as on a free
// data dir. q carries the command's flags. An error with an HTTPStatus()
// method answers that status (400 for a mistake in the flags).
type LocalFunc func(ctx context.Context, command string, q url.Values) (any, error)

// localRoute is where the CLI asks; {command} is "digest" or "alert-test".
const localRoute = "GET /api/admin/local/{command}"

func (s *Server) localRoutes() {
	s.handle(localRoute, admin, s.local)
}

// LocalHandler serves the local routes without a token: serve it only on
// the data dir's local socket (internal/datadir), which no one but the
// data dir's owner can open; on TCP the same routes need the token.
func (s *Server) LocalHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(localRoute, s.local)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "the local socket answers "+localRoute+" only")
	})
	return s.recoverPanics(mux)
}

func (s *Server) local(w http.ResponseWriter, r *http.Request) {
	if s.o.Local == nil {
		writeError(w, http.StatusServiceUnavailable, "this server answers no local command")
		return
	}
	v, err := s.o.Local(r.Context(), r.PathValue("command"), r.URL.Query())
	if err != nil {
		status := http.StatusInternalServerError
		var hs interface{ HTTPStatus() int }
		if errors.As(err, &hs) {
			status = hs.HTTPStatus()
		}
		writeError(w, status, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, v)
}
