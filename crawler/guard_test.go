package crawler

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nogentech/veille"
)

func TestForbidden(t *testing.T) {
	tests := map[string]bool{
		// IPv4 private and special ranges
		"0.0.0.0":         true,
		"0.1.2.3":         true,
		"10.0.0.1":        true,
		"10.255.255.255":  true,
		"100.64.0.1":      true, // CGNAT
		"100.127.255.254": true,
		"127.0.0.1":       true,
		"127.255.0.9":     true,
		"169.254.169.254": true, // cloud metadata
		"172.16.0.1":      true,
		"172.31.255.255":  true,
		"192.0.0.8":       true,
		"192.0.2.10":      true, // TEST-NET-1
		"192.88.99.1":     true,
		"192.168.1.1":     true,
		"198.18.0.1":      true,
		"198.19.255.255":  true,
		"198.51.100.7":    true,
		"203.0.113.99":    true,
		"224.0.0.251":     true, // mDNS multicast
		"239.255.255.250": true,
		"240.0.0.1":       true,
		"255.255.255.255": true, // broadcast
		// IPv6
		"::":                     true,
		"::1":                    true,
		"::127.0.0.1":            true, // IPv4-compatible, deprecated
		"::ffff:127.0.0.1":       true, // IPv4-mapped loopback
		"::ffff:10.1.2.3":        true,
		"::ffff:169.254.169.254": true,
		"::ffff:100.64.0.1":      true,
		"64:ff9b::a00:1":         true, // NAT64 of 10.0.0.1
		"64:ff9b::808:808":       true, // NAT64 is refused whatever it embeds
		"64:ff9b:1::1":           true,
		"100::1":                 true,
		"2001::1":                true, // Teredo
		"2001:db8::1":            true, // documentation
		"2002:7f00:1::1":         true, // 6to4 of 127.0.0.1
		"3fff::1":                true,
		"fc00::1":                true,
		"fd12:3456:789a::1":      true, // unique local
		"fe80::1":                true,
		"fe80::1%eth0":           true, // link-local with a zone
		"fec0::1":                true,
		"ff02::1":                true,
		// public addresses
		"8.8.8.8":                              false,
		"1.1.1.1":                              false,
		"93.184.216.34":                        false,
		"100.63.255.255":                       false, // just below CGNAT
		"100.128.0.0":                          false, // just above
		"172.15.255.255":                       false,
		"172.32.0.1":                           false,
		"192.169.0.1":                          false,
		"11.0.0.1":                             false,
		"223.255.255.254":                      false,
		"::ffff:8.8.8.8":                       false,
		"2001:4860:4860::8888":                 false,
		"2606:4700:4700::1111":                 false,
		"2a01:e0a:1:2::3":                      false,
		"2620:0:2d0:200::7":                    false,
		"2c0f:fb50:4003::8a":                   false,
		"2001:200:dff:fff1:216:3eff:feb1:44d7": false, // 2001:200::/23 is outside 2001::/23
	}
	if len(tests) < 40 {
		t.Fatalf("only %d cases", len(tests))
	}
	for addr, want := range tests {
		t.Run(addr, func(t *testing.T) {
			ip, err := netip.ParseAddr(addr)
			if err != nil {
				t.Fatal(err)
			}
			if got := Forbidden(ip); got != want {
				t.Errorf("Forbidden(%s) = %v, want %v", addr, got, want)
			}
		})
	}
	if !Forbidden(netip.Addr{}) {
		t.Error("the zero Addr must be forbidden")
	}
}

func TestPrivateNetworkGuard(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(readTestdata(t, "sample/fda/fda_food_safety_recalls_slice.xml"))
	}))
	defer srv.Close()

	tests := map[string]string{
		"loopback address": srv.URL + "/feed.xml",
		"localhost name":   strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/feed.xml",
	}
	for name, u := range tests {
		t.Run(name, func(t *testing.T) {
			c := New(Options{HostDelay: -1}) // AllowPrivateNetworks false
			r := c.Fetch(context.Background(), veille.Source{ID: "intranet", Kind: veille.KindFeed, URL: u}, veille.FetchState{})
			if r.Err == nil {
				t.Fatalf("fetched a loopback server: %d items", len(r.Items))
			}
			if !errors.Is(r.Err, ErrPrivateNetwork) {
				t.Errorf("error does not wrap ErrPrivateNetwork: %v", r.Err)
			}
			msg := r.Err.Error()
			if !strings.HasPrefix(msg, "source intranet: fetch "+u) || !strings.Contains(msg, "private or reserved network") {
				t.Errorf("unclear error: %s", msg)
			}
			if r.State.Failures != 1 || r.State.Status != 0 || r.State.Error != msg {
				t.Errorf("state %+v", r.State)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server was reached %d times", n)
	}

	// the same server is reachable when private networks are allowed
	c := New(Options{AllowPrivateNetworks: true, HostDelay: -1})
	if r := c.Fetch(context.Background(), veille.Source{ID: "ok", URL: srv.URL}, veille.FetchState{}); r.Err != nil || hits.Load() != 1 {
		t.Errorf("err %v hits %d", r.Err, hits.Load())
	}
}

func TestRedirectToPrivateNetworkRefused(t *testing.T) {
	// A server we may reach (allowed) redirecting to one we may not is
	// simulated by a guard that allows only one loopback address.
	var hits atomic.Int32
	target := listenOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
	}))
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/admin", http.StatusFound)
	}))
	defer front.Close()
	c := New(Options{AllowPrivateNetworks: true, HostDelay: -1})
	c.client = newClientWithGuard(c.opts, func(ip netip.Addr) bool { return ip != netip.MustParseAddr("127.0.0.1") })
	r := c.Fetch(context.Background(), veille.Source{ID: "redir", URL: front.URL}, veille.FetchState{})
	if r.Err == nil || !errors.Is(r.Err, ErrPrivateNetwork) || hits.Load() != 0 {
		t.Errorf("err %v, target hits %d", r.Err, hits.Load())
	}
}
