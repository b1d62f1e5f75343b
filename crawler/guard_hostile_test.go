package crawler

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nogentech/veille"
)

// TestForbiddenHost classifies URL hosts written as addresses, legacy IPv4
// forms included (decimal, hex, octal, short), without opening a socket.
func TestForbiddenHost(t *testing.T) {
	tests := map[string]struct {
		forbidden bool
		addr      string // what HostAddr reads, "" for a name
		legacy    bool
	}{
		// loopback, every way it can be written
		"127.0.0.1":          {true, "127.0.0.1", false},
		"2130706433":         {true, "127.0.0.1", true}, // decimal
		"0x7f000001":         {true, "127.0.0.1", true}, // hex
		"0X7F000001":         {true, "127.0.0.1", true},
		"017700000001":       {true, "127.0.0.1", true}, // octal
		"0177.0.0.1":         {true, "127.0.0.1", true},
		"0x7f.0.0.1":         {true, "127.0.0.1", true},
		"0x7f.0x0.0x0.0x1":   {true, "127.0.0.1", true},
		"127.1":              {true, "127.0.0.1", true}, // short form
		"127.0.1":            {true, "127.0.0.1", true},
		"0177.1":             {true, "127.0.0.1", true},
		"127.0.0.1.":         {true, "127.0.0.1", true}, // trailing dot
		"[::1]":              {true, "::1", false},
		"::1":                {true, "::1", false},
		"[::ffff:127.0.0.1]": {true, "::ffff:127.0.0.1", false},
		"[::ffff:7f00:1]":    {true, "::ffff:127.0.0.1", false},
		"[0:0:0:0:0:0:0:1]":  {true, "::1", false},
		"0":                  {true, "0.0.0.0", true}, // "this network", reaches loopback on Linux
		"0.0.0.0":            {true, "0.0.0.0", false},
		"0x0":                {true, "0.0.0.0", true},
		"[::]":               {true, "::", false},
		// cloud metadata and RFC 1918 in disguise
		"169.254.169.254":     {true, "169.254.169.254", false},
		"2852039166":          {true, "169.254.169.254", true},
		"0xa9fea9fe":          {true, "169.254.169.254", true},
		"0251.0376.0251.0376": {true, "169.254.169.254", true},
		"169.254.43518":       {true, "169.254.169.254", true},
		"10.1":                {true, "10.0.0.1", true},
		"167772161":           {true, "10.0.0.1", true},
		"012.0.0.1":           {true, "10.0.0.1", true},
		"0xc0a80001":          {true, "192.168.0.1", true},
		"192.168.1":           {true, "192.168.0.1", true},
		"0254.0250.0.1":       {false, "172.168.0.1", true}, // octal 0254.0250 is 172.168: public
		"100.64.0.1":          {true, "100.64.0.1", false},
		"1681915905":          {true, "100.64.0.1", true}, // CGNAT, decimal
		"[64:ff9b::7f00:1]":   {true, "64:ff9b::7f00:1", false},
		"[fe80::1%eth0]":      {true, "fe80::1%eth0", false},
		"[fd00::1]":           {true, "fd00::1", false},
		"255.255.255.255":     {true, "255.255.255.255", false},
		"4294967295":          {true, "255.255.255.255", true},
		// public addresses, legacy or not
		"8.8.8.8":           {false, "8.8.8.8", false},
		"134744072":         {false, "8.8.8.8", true},
		"0x8080808":         {false, "8.8.8.8", true},
		"010.010.010.010":   {false, "8.8.8.8", true},
		"[2001:4860::8888]": {false, "2001:4860::8888", false},
		"[::ffff:8.8.8.8]":  {false, "::ffff:8.8.8.8", false},
		"93.184.216.34":     {false, "93.184.216.34", false},
		// names and non-addresses are left to the dial-time check
		"localhost":             {false, "", false},
		"example.org":           {false, "", false},
		"0x7f.example.org":      {false, "", false},
		"1.2.3.4.5":             {false, "", false},
		"4294967296":            {false, "", false}, // over 32 bits
		"256.0.0.1":             {false, "", false},
		"09.0.0.1":              {false, "", false}, // 9 is not octal
		"0x":                    {false, "", false},
		"1e3":                   {false, "", false},
		"":                      {false, "", false},
		"127.0.0.1.example.org": {false, "", false},
	}
	if len(tests) < 40 {
		t.Fatalf("only %d cases", len(tests))
	}
	for host, tc := range tests {
		t.Run(host, func(t *testing.T) {
			addr, legacy, ok := HostAddr(host)
			if tc.addr == "" {
				if ok {
					t.Errorf("HostAddr(%q) = %v, want a name", host, addr)
				}
			} else {
				want := netip.MustParseAddr(tc.addr)
				if !ok || addr != want || legacy != tc.legacy {
					t.Errorf("HostAddr(%q) = %v legacy %v ok %v, want %v legacy %v", host, addr, legacy, ok, want, tc.legacy)
				}
			}
			if got := ForbiddenHost(host); got != tc.forbidden {
				t.Errorf("ForbiddenHost(%q) = %v, want %v", host, got, tc.forbidden)
			}
		})
	}
}

// TestLegacyHostsNeverDialed fetches loopback through legacy numeric forms
// with the guard on: each is refused before any connection, and the
// server counts no hit. With private networks allowed they are refused as
// ambiguous rather than sent to a resolver that may read them either way.
func TestLegacyHostsNeverDialed(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(readTestdata(t, "sample/fda/fda_food_safety_recalls_slice.xml"))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, host := range []string{"2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1", "017700000001", "[::ffff:7f00:1]", "127.0.0.1"} {
		t.Run(host, func(t *testing.T) {
			u := "http://" + host + ":" + port + "/feed.xml"
			guarded := New(Options{HostDelay: -1})
			r := guarded.Fetch(context.Background(), veille.Source{ID: "numeric", URL: u}, veille.FetchState{})
			if !errors.Is(r.Err, ErrPrivateNetwork) || !strings.HasPrefix(r.Err.Error(), "source numeric: fetch ") {
				t.Errorf("guard on: err %v", r.Err)
			}
			if host == "127.0.0.1" || strings.HasPrefix(host, "[") {
				return // canonical forms are fine once private networks are allowed
			}
			open := New(Options{HostDelay: -1, AllowPrivateNetworks: true})
			r = open.Fetch(context.Background(), veille.Source{ID: "numeric", URL: u}, veille.FetchState{})
			if r.Err == nil || !strings.Contains(r.Err.Error(), "legacy numeric form of 127.0.0.1") {
				t.Errorf("guard off: err %v", r.Err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server was reached %d times", n)
	}
}

// TestAllowNetworks opens one loopback address through the guard and
// keeps every other refused, at dial time, redirects included.
func TestAllowNetworks(t *testing.T) {
	var forbiddenHits atomic.Int32
	forbidden := listenOn(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		forbiddenHits.Add(1)
		w.Write(readTestdata(t, "sample/fda/fda_food_safety_recalls_slice.xml"))
	}))
	allowed := listenOn(t, "127.0.0.2", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, forbidden.URL+"/secret", http.StatusFound)
			return
		}
		w.Write(readTestdata(t, "sample/fda/fda_food_safety_recalls_slice.xml"))
	}))
	c := New(Options{HostDelay: -1, AllowNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}})
	if r := c.Fetch(context.Background(), feedSource("ok", allowed.URL+"/feed"), veille.FetchState{}); r.Err != nil || len(r.Items) != 3 {
		t.Fatalf("allowed address: err %v items %d", r.Err, len(r.Items))
	}
	for name, u := range map[string]string{
		"direct":          forbidden.URL + "/feed",
		"by name":         strings.Replace(forbidden.URL, "127.0.0.1", "localhost", 1) + "/feed",
		"redirected":      allowed.URL + "/redirect",
		"mapped loopback": strings.Replace(forbidden.URL, "127.0.0.1", "[::ffff:127.0.0.1]", 1),
	} {
		t.Run(name, func(t *testing.T) {
			r := c.Fetch(context.Background(), feedSource("no", u), veille.FetchState{})
			if !errors.Is(r.Err, ErrPrivateNetwork) {
				t.Errorf("err %v", r.Err)
			}
		})
	}
	if n := forbiddenHits.Load(); n != 0 {
		t.Errorf("the forbidden server was reached %d times", n)
	}
}
