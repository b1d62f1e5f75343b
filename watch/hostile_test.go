package watch_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/internal/fixtures"
	"github.com/nogentech/veille/watch"
)

// Hostile servers listen on 127.0.0.2, the good ones on 127.0.0.3, and
// the crawler may reach those two only (AllowNetworks): 127.0.0.1 and
// "localhost" stand for the intranet the guard must protect. Separate
// addresses are separate hosts, so the per-host politeness never queues a
// good source behind a hostile one.
const (
	hostileIP = "127.0.0.2"
	goodIP    = "127.0.0.3"
)

func listenAt(t *testing.T, ip string) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	return l
}

func serveAt(t *testing.T, ip string, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = listenAt(t, ip)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// testdata reads a file of the crawler's testdata or, named "sample/…",
// one of the shared recordings of real sources (internal/fixtures).
func testdata(t testing.TB, name string) []byte {
	t.Helper()
	if rest, ok := strings.CutPrefix(name, "sample/"); ok {
		return fixtures.Read(t, rest)
	}
	b, err := os.ReadFile(filepath.Join("..", "crawler", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goodFarm serves two real feeds that every hostile crawl also fetches.
func goodFarm(t *testing.T) (fda, europarl veille.Source) {
	mux := http.NewServeMux()
	for path, file := range map[string]string{"/fda.xml": "sample/fda/fda_food_safety_recalls_slice.xml", "/europarl.xml": "sample/europarl-thinktank/thinktank_rss_2026_09_15.xml"} {
		body := testdata(t, file)
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			w.Write(body)
		})
	}
	srv := serveAt(t, goodIP, mux)
	return feedSrc("good-fda", srv.URL+"/fda.xml"), feedSrc("good-europarl", srv.URL+"/europarl.xml")
}

// heapPeak samples the live heap while fn runs and returns the peak above
// the heap before it, and the process's peak resident set (VmHWM) after.
func heapPeak(fn func()) (peak uint64, hwm string) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var max atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base && m.HeapAlloc-base > max.Load() {
				max.Store(m.HeapAlloc - base)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	<-done
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				hwm = strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
			}
		}
	}
	return max.Load(), hwm
}

// gzipBomb is a gzip stream that inflates to a feed whose description runs
// to 1 GiB: 1024 gzip members of 1 MiB of 'A' each, after a first member
// holding the start of an RSS document. Go's gzip reader, like every
// browser's, reads concatenated members as one stream.
func gzipBomb(t testing.TB) (body []byte, inflated int64) {
	var head, member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&head, gzip.BestCompression)
	prefix := `<?xml version="1.0"?><rss version="2.0"><channel><title>bomb</title><item><title>x</title><description>`
	zw.Write([]byte(prefix))
	zw.Close()
	zw, _ = gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(bytes.Repeat([]byte("A"), 1<<20))
	zw.Close()
	out := append([]byte(nil), head.Bytes()...)
	for range 1024 {
		out = append(out, member.Bytes()...)
	}
	// check one member really inflates to 1 MiB
	zr, err := gzip.NewReader(bytes.NewReader(member.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	buf := make([]byte, 64<<10)
	for {
		k, err := zr.Read(buf)
		n += int64(k)
		if err != nil {
			break
		}
	}
	if n != 1<<20 {
		t.Fatalf("a bomb member inflates to %d bytes", n)
	}
	return out, int64(len(prefix)) + 1024*n
}

// hostileCase is one misbehaving server among good ones.
type hostileCase struct {
	// handler serves the hostile source; raw, when set instead, gets each
	// accepted connection (for servers below HTTP).
	handler http.Handler
	raw     func(net.Conn)
	path    string
	timeout time.Duration
	maxBody int64
	// wantErr must appear in the source's error; wantIs must be wrapped.
	wantErr string
	wantIs  error
	// within bounds the hostile source's fetch; maxHeap the heap growth.
	within  time.Duration
	maxHeap uint64
}

func TestHostileServers(t *testing.T) {
	bomb, inflated := gzipBomb(t)
	var bigWritten atomic.Int64
	done := make(chan struct{}) // releases the servers that never answer
	defer close(done)
	tests := map[string]hostileCase{
		"slow-loris body: a byte a second": {
			handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel>`))
				for {
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(time.Second):
					}
					if _, err := w.Write([]byte(" ")); err != nil {
						return
					}
				}
			}),
			timeout: 2 * time.Second, within: 3 * time.Second,
			wantErr: "timed out after 2s", wantIs: context.DeadlineExceeded,
		},
		"slow-loris headers: a byte a second": {
			raw: func(c net.Conn) {
				for _, b := range []byte("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n") {
					if _, err := c.Write([]byte{b}); err != nil {
						return
					}
					time.Sleep(time.Second)
				}
			},
			timeout: 2 * time.Second, within: 3 * time.Second,
			wantErr: "timed out after 2s",
		},
		"accepts and never answers": {
			raw:     func(c net.Conn) { <-done },
			timeout: 2 * time.Second, within: 3 * time.Second,
			wantErr: "timed out after 2s",
		},
		"200 MiB body": {
			handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				chunk := bytes.Repeat([]byte("<item><title>x</title></item>"), 64<<10/30)
				w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel>`))
				for sent := 0; sent < 200<<20; sent += len(chunk) {
					n, err := w.Write(chunk)
					bigWritten.Add(int64(n))
					if err != nil {
						return
					}
				}
			}),
			timeout: 20 * time.Second, maxBody: 10 * 1000 * 1000, within: 10 * time.Second,
			wantErr: "body exceeds 10 MB cap", wantIs: crawler.ErrBodyTooLarge, maxHeap: 64 << 20,
		},
		"gzip bomb: 1 GiB inflated": {
			handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(bomb)
			}),
			timeout: 20 * time.Second, maxBody: 10 * 1000 * 1000, within: 10 * time.Second,
			wantErr: "body exceeds 10 MB cap", wantIs: crawler.ErrBodyTooLarge, maxHeap: 64 << 20,
		},
		"billion laughs": {
			handler: feedHandler("application/rss+xml", []byte(billionLaughs)),
			timeout: 5 * time.Second, within: 2 * time.Second, maxHeap: 32 << 20,
			wantErr: "entity expansion bomb", wantIs: crawler.ErrEntityExpansion,
		},
		"redirect loop": {
			handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/loop?n="+fmt.Sprint(rand.Int()), http.StatusFound)
			}),
			timeout: 5 * time.Second, within: 2 * time.Second,
			wantErr: "stopped after 5 redirects",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fda, europarl := goodFarm(t)
			var hostile veille.Source
			if tc.raw != nil {
				l := listenAt(t, hostileIP)
				var conns sync.WaitGroup
				t.Cleanup(func() { l.Close() })
				go func() {
					for {
						c, err := l.Accept()
						if err != nil {
							return
						}
						conns.Add(1)
						go func() {
							defer conns.Done()
							// Answer once the request is in, as a server does: a byte
							// sent before is an unsolicited response, which the client
							// rejects at once (seen on a slow machine) instead of
							// timing out. Then read whatever follows until the client
							// gives up and closes; then the connection is done.
							br := bufio.NewReader(c)
							if _, err := http.ReadRequest(br); err != nil {
								c.Close()
								return
							}
							go func() { io.Copy(io.Discard, br); c.Close() }()
							tc.raw(c)
						}()
					}
				}()
				hostile = feedSrc("hostile", "http://"+l.Addr().String()+"/feed.xml")
			} else {
				srv := serveAt(t, hostileIP, tc.handler)
				hostile = feedSrc("hostile", srv.URL+"/feed.xml")
			}
			r := newRig(t, []veille.Source{fda, hostile, europarl}, func(o *crawler.Options) {
				o.AllowPrivateNetworks = false
				o.AllowNetworks = loopbackOnly("127.0.0.2/31")
				o.Timeout = tc.timeout
				o.MaxBody = tc.maxBody
			})
			var rep watch.Report
			start := time.Now()
			peak, hwm := heapPeak(func() { rep = r.crawl(watch.CrawlOptions{}) })
			took := time.Since(start)

			h := report(t, rep, "hostile")
			if h.Err == nil {
				t.Fatalf("the hostile source gave no error (%d items)", h.Fetched)
			}
			msg := h.Err.Error()
			if !strings.HasPrefix(msg, "source hostile: ") || !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error %q, want it to name the source and say %q", msg, tc.wantErr)
			}
			if tc.wantIs != nil && !errors.Is(h.Err, tc.wantIs) {
				t.Errorf("error %q does not wrap %v", msg, tc.wantIs)
			}
			if h.Duration > tc.within {
				t.Errorf("the hostile fetch took %v, bound %v", h.Duration, tc.within)
			}
			if tc.maxHeap > 0 && peak > tc.maxHeap {
				t.Errorf("heap grew by %d MiB, bound %d MiB", peak>>20, tc.maxHeap>>20)
			}
			st, err := r.store.FetchState(context.Background(), "hostile")
			if err != nil || st.Failures != 1 || st.Error != msg {
				t.Errorf("stored state %+v (%v)", st, err)
			}
			for id, want := range map[string]uint64{"good-fda": 3, "good-europarl": 25} {
				g := report(t, rep, id)
				if g.Err != nil || g.Fetched != int(want) {
					t.Errorf("%s beside the hostile server: err %v, %d items", id, g.Err, g.Fetched)
				}
				if n := r.indexedFrom(id); n != want {
					t.Errorf("%s: %d documents indexed, want %d", id, n, want)
				}
			}
			t.Logf("hostile fetch %v (crawl %v), heap peak +%.1f MiB, process VmHWM %s: %s",
				h.Duration.Round(time.Millisecond), took.Round(time.Millisecond), float64(peak)/(1<<20), hwm, msg)
		})
	}
	if n := bigWritten.Load(); n >= 200<<20 || n == 0 {
		t.Errorf("the 200 MiB server wrote %d bytes: the client did not cut it", n)
	} else {
		t.Logf("the 200 MiB server got %.1f MiB out before the client hung up; the bomb inflates to %d MiB from %d KiB", float64(n)/(1<<20), inflated>>20, len(bomb)>>10)
	}
}

// billionLaughs nests entity definitions ten deep: expanded, &lol9; would
// be 10⁹ "lol"s.
const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>laughs</title>
<item><title>&lol9;</title><link>https://example.org/lol</link><description>&lol9;</description></item>
</channel></rss>`

func feedHandler(contentType string, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.Write(body)
	})
}

// TestPrivateNetworksRefusedInCrawl points sources, directly, by name, by
// redirect and by legacy number, at a server standing for the intranet:
// every one is refused at dial time (or before), the server counts no
// hit, and the good sources of the same crawl are indexed.
func TestPrivateNetworksRefusedInCrawl(t *testing.T) {
	var hits atomic.Int32
	intranet := serveAt(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(testdata(t, "sample/fda/fda_food_safety_recalls_slice.xml"))
	}))
	_, port, _ := net.SplitHostPort(intranet.Listener.Addr().String())
	redirector := serveAt(t, hostileIP, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	fda, europarl := goodFarm(t)
	to := func(target string) string { return redirector.URL + "/r?to=" + target }
	forbidden := map[string]string{
		"direct":                   intranet.URL + "/feed.xml",
		"localhost-name":           "http://localhost:" + port + "/feed.xml",
		"legacy-decimal":           "http://2130706433:" + port + "/feed.xml",
		"mapped-ipv6":              "http://[::ffff:127.0.0.1]:" + port + "/feed.xml",
		"redirect-to-loopback":     to(intranet.URL + "/feed.xml"),
		"redirect-to-localhost":    to("http://localhost:" + port + "/feed.xml"),
		"redirect-to-link-local":   to("http://169.254.169.254/latest/meta-data/"),
		"redirect-to-rfc1918":      to("http://10.0.0.1/"),
		"redirect-to-cgnat":        to("http://100.64.0.1/"),
		"redirect-to-zero":         to("http://0.0.0.0:" + port + "/"),
		"redirect-to-ipv6-loop":    to("http://[::1]:" + port + "/"),
		"redirect-to-nat64":        to("http://[64:ff9b::7f00:1]/"),
		"redirect-to-legacy-octal": to("http://0177.0.0.1:" + port + "/"),
	}
	sources := []veille.Source{fda, europarl}
	for id, u := range forbidden {
		sources = append(sources, feedSrc(id, u))
	}
	r := newRig(t, sources, func(o *crawler.Options) {
		o.AllowPrivateNetworks = false
		o.AllowNetworks = loopbackOnly("127.0.0.2/31")
	})
	rep := r.crawl(watch.CrawlOptions{})
	for id := range forbidden {
		s := report(t, rep, id)
		if !errors.Is(s.Err, crawler.ErrPrivateNetwork) || !strings.HasPrefix(s.Err.Error(), "source "+id+": ") {
			t.Errorf("%s: err %v", id, s.Err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the intranet server was reached %d times", n)
	}
	for id, want := range map[string]uint64{"good-fda": 3, "good-europarl": 25} {
		if n := r.indexedFrom(id); n != want {
			t.Errorf("%s: %d documents indexed, want %d", id, n, want)
		}
	}
}

// TestRetryAfterHonouredByScheduler crawls in the scheduler's mode
// (OnlyDue) while the clock moves: a 429 with Retry-After: 3600 and a 503
// with a Retry-After date are not fetched again before then; a 503 without
// one waits for its back-off.
func TestRetryAfterHonouredByScheduler(t *testing.T) {
	var hits sync.Map // path → *atomic.Int32
	count := func(p string) int32 {
		v, _ := hits.LoadOrStore(p, new(atomic.Int32))
		return v.(*atomic.Int32).Load()
	}
	var r *rig
	t0 := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)
	srv := serveAt(t, hostileIP, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		v, _ := hits.LoadOrStore(req.URL.Path, new(atomic.Int32))
		v.(*atomic.Int32).Add(1)
		switch req.URL.Path {
		case "/429":
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
		case "/503-date":
			w.Header().Set("Retry-After", t0.Add(2*time.Hour).Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/503":
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	fda, europarl := goodFarm(t)
	r = newRig(t, []veille.Source{fda, europarl, feedSrc("busy-429", srv.URL+"/429"),
		feedSrc("busy-503-date", srv.URL+"/503-date"), feedSrc("busy-503", srv.URL+"/503")}, nil)
	r.clock.t = t0

	steps := []struct {
		at   time.Duration
		want map[string]int32 // requests so far
	}{
		{0, map[string]int32{"/429": 1, "/503-date": 1, "/503": 1}},
		{30 * time.Second, map[string]int32{"/429": 1, "/503-date": 1, "/503": 1}},
		{61 * time.Second, map[string]int32{"/429": 1, "/503-date": 1, "/503": 2}}, // back-off 1m over
		{59 * time.Minute, map[string]int32{"/429": 1, "/503-date": 1, "/503": 3}},
		{60*time.Minute + time.Second, map[string]int32{"/429": 2, "/503-date": 1, "/503": 3}},
		{119 * time.Minute, map[string]int32{"/429": 2, "/503-date": 1, "/503": 4}},
		{2 * time.Hour, map[string]int32{"/429": 2, "/503-date": 2, "/503": 4}}, // the second 429 says +1h again
	}
	for _, s := range steps {
		r.clock.t = t0.Add(s.at)
		rep := r.crawl(watch.CrawlOptions{OnlyDue: true})
		for p, want := range s.want {
			if got := count(p); got != want {
				t.Errorf("at +%v: %s fetched %d times, want %d", s.at, p, got, want)
			}
		}
		if s.at == 0 {
			for id, want := range map[string]uint64{"good-fda": 3, "good-europarl": 25} {
				if n := r.indexedFrom(id); n != want {
					t.Errorf("%s: %d documents indexed, want %d", id, n, want)
				}
			}
			st := report(t, rep, "busy-429")
			if st.Status != 429 || st.Err == nil || !strings.Contains(st.Err.Error(), "429 Too Many Requests") {
				t.Errorf("429 report %+v", st)
			}
		}
	}
	st, err := r.store.FetchState(context.Background(), "busy-429")
	if err != nil || st.Failures != 2 || st.Status != 429 {
		t.Errorf("state %+v %v", st, err)
	}
}

// TestBadContentNamesTheSource serves what is not a usable feed where a
// feed is expected: each gives an error naming the source, its URL and
// what was wrong, or, for a charset the crawler can correct, the right
// text; the good sources of the same crawl are indexed.
func TestBadContentNamesTheSource(t *testing.T) {
	rss := testdata(t, "sample/fda/fda_food_safety_recalls_slice.xml")
	latin1 := testdata(t, "own/latin1.xml") // declares ISO-8859-1 in its prolog
	undeclared := bytes.Replace(latin1, []byte(`<?xml version="1.0" encoding="ISO-8859-1"?>`), nil, 1)
	mislabelled := bytes.Replace(latin1, []byte(`encoding="ISO-8859-1"`), []byte(`encoding="UTF-8"`), 1)
	random := make([]byte, 64<<10)
	rng := rand.NewChaCha8([32]byte{7})
	rng.Read(random)
	tests := map[string]struct {
		ct      string
		body    []byte
		wantErr string // "" when the text must come out right instead
	}{
		"html-page":        {"text/html; charset=utf-8", testdata(t, "sample/ansm/ansm_recall.html"), "expected a feed, got an HTML page"},
		"html-as-xml":      {"application/rss+xml", testdata(t, "html/list/mdcg-guidance.html"), "expected a feed, got an HTML page"},
		"empty-body":       {"application/rss+xml", nil, "empty document"},
		"blank-body":       {"application/rss+xml", []byte(" \r\n\t\n"), "empty document"},
		"random-bytes":     {"application/octet-stream", random, "not a feed"},
		"truncated-feed":   {"application/rss+xml", rss[:len(rss)/2], "parse feed: XML syntax error"},
		"truncated-json":   {"application/feed+json", testdata(t, "own/jsonfeed.json")[:200], "parse feed"},
		"other-xml":        {"application/xml", []byte(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://example.org/</loc></url></urlset>`), "no RSS, Atom, RDF or JSON Feed root element"},
		"charset-missing":  {"text/xml", undeclared, ""},
		"charset-wrong":    {"application/rss+xml", mislabelled, ""},
		"header-says-utf8": {"application/rss+xml; charset=utf-8", latin1, ""},
		"unknown-charset":  {"application/rss+xml; charset=x-klingon", bytes.Replace(latin1, []byte(`ISO-8859-1`), []byte(`x-klingon`), 1), ""},
	}
	mux := http.NewServeMux()
	var sources []veille.Source
	srvURL := ""
	for id, tc := range tests {
		mux.HandleFunc("GET /"+id, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", tc.ct)
			w.Write(tc.body)
		})
		sources = append(sources, feedSrc(id, ""))
	}
	srv := serveAt(t, hostileIP, mux)
	srvURL = srv.URL
	for i := range sources {
		sources[i].URL = srvURL + "/" + sources[i].ID
	}
	fda, europarl := goodFarm(t)
	r := newRig(t, append(sources, fda, europarl), nil)
	rep := r.crawl(watch.CrawlOptions{})
	for id, tc := range tests {
		s := report(t, rep, id)
		if tc.wantErr == "" {
			if s.Err != nil || s.Fetched != 2 {
				t.Errorf("%s: err %v, %d items", id, s.Err, s.Fetched)
				continue
			}
			it, err := r.index.Search(context.Background(), veille.SearchRequest{Sources: []string{id}, Limit: 5, Sort: "date"})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range it.Hits {
				if strings.ContainsRune(h.Title, '\uFFFD') || !strings.ContainsAny(h.Title, "éàô") {
					t.Errorf("%s: title %q was not decoded as Latin-1", id, h.Title)
				}
			}
			continue
		}
		if s.Err == nil {
			t.Errorf("%s: no error, %d items", id, s.Fetched)
			continue
		}
		msg := s.Err.Error()
		if !strings.HasPrefix(msg, "source "+id+": parse "+srvURL+"/"+id+": ") || !strings.Contains(msg, tc.wantErr) {
			t.Errorf("%s: error %q, want the source, its URL and %q", id, msg, tc.wantErr)
		}
	}
	for id, want := range map[string]uint64{"good-fda": 3, "good-europarl": 25} {
		if n := r.indexedFrom(id); n != want {
			t.Errorf("%s: %d documents indexed, want %d", id, n, want)
		}
	}
}
