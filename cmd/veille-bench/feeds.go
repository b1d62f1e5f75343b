package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nogentech/veille"
)

// feedServer serves the generated feeds on loopback, spread over several
// loopback addresses: the crawler never overlaps two requests to one host,
// as real publishers are many hosts. It honours If-None-Match and
// If-Modified-Since, so a re-crawl of unchanged feeds gets 304s.
type feedServer struct {
	c       *corpus
	bodies  [][]byte
	urls    []string
	lastMod time.Time
	servers []*http.Server
	// Answers given, for the phase reports.
	ok, notModified, other atomic.Int64
	bytes                  atomic.Int64
}

// startFeedServer renders every feed and starts listening on up to hosts
// loopback addresses.
func startFeedServer(c *corpus, hosts int) (*feedServer, error) {
	fs := &feedServer{c: c, bodies: make([][]byte, c.feeds), urls: make([]string, c.feeds), lastMod: epoch}
	var bases []string
	for k := 1; k <= hosts; k++ {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", k))
		if err != nil {
			if k == 1 {
				return nil, fmt.Errorf("feed server: %w", err)
			}
			break // this system routes only 127.0.0.1: one host then
		}
		srv := &http.Server{Handler: fs, ReadHeaderTimeout: 10 * time.Second}
		fs.servers = append(fs.servers, srv)
		go srv.Serve(ln)
		bases = append(bases, "http://"+ln.Addr().String())
	}
	for f := range c.feeds {
		fs.urls[f] = fmt.Sprintf("%s/feeds/%04d.xml", bases[f%len(bases)], f)
	}
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				f := int(next.Add(1)) - 1
				if f >= c.feeds {
					return
				}
				fs.bodies[f] = c.renderFeed(f, fs.urls[f])
			}
		}()
	}
	wg.Wait()
	return fs, nil
}

func (fs *feedServer) sources() []veille.Source {
	out := make([]veille.Source, fs.c.feeds)
	for f := range out {
		out[f] = fs.c.source(f, fs.urls[f])
	}
	return out
}

func (fs *feedServer) totalBytes() int64 {
	var n int64
	for _, b := range fs.bodies {
		n += int64(len(b))
	}
	return n
}

func (fs *feedServer) resetCounts() {
	fs.ok.Store(0)
	fs.notModified.Store(0)
	fs.other.Store(0)
	fs.bytes.Store(0)
}

type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (w *countingWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }
func (w *countingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

func (fs *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cw := &countingWriter{ResponseWriter: w}
	defer func() {
		switch cw.status {
		case http.StatusOK:
			fs.ok.Add(1)
		case http.StatusNotModified:
			fs.notModified.Add(1)
		default:
			fs.other.Add(1)
		}
		fs.bytes.Add(cw.n)
	}()
	name, ok := strings.CutPrefix(r.URL.Path, "/feeds/")
	f, err := strconv.Atoi(strings.TrimSuffix(name, ".xml"))
	if !ok || err != nil || f < 0 || f >= len(fs.bodies) {
		http.NotFound(cw, r)
		return
	}
	if fs.c.feedAtom(f) {
		cw.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	} else {
		cw.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	}
	cw.Header().Set("ETag", fmt.Sprintf(`"feed-%04d-v1"`, f))
	http.ServeContent(cw, r, "", fs.lastMod, bytes.NewReader(fs.bodies[f]))
}

func (fs *feedServer) close() error {
	var errs []error
	for _, s := range fs.servers {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		errs = append(errs, s.Shutdown(ctx))
		cancel()
	}
	return errors.Join(errs...)
}
