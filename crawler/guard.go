package crawler

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
)

// ErrPrivateNetwork is returned (wrapped) when a fetch would connect to an
// address on the deny-list and private networks are not allowed.
var ErrPrivateNetwork = errors.New("address is in a private or reserved network")

// denied lists the networks a crawler must never reach on behalf of a
// config file: a feed URL (or a redirect, or a DNS answer) pointing there
// would turn the watch into a probe of the intranet it runs in.
// Sources: IANA IPv4 and IPv6 Special-Purpose Address Registries.
var denied = func() []netip.Prefix {
	cidrs := []string{
		// IPv4
		"0.0.0.0/8",       // "this network"
		"10.0.0.0/8",      // RFC 1918
		"100.64.0.0/10",   // CGNAT shared space, RFC 6598
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local (cloud metadata lives here)
		"172.16.0.0/12",   // RFC 1918
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // TEST-NET-1 documentation
		"192.88.99.0/24",  // deprecated 6to4 relay anycast
		"192.168.0.0/16",  // RFC 1918
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // TEST-NET-2 documentation
		"203.0.113.0/24",  // TEST-NET-3 documentation
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, includes 255.255.255.255 broadcast
		// IPv6
		"::/96",          // unspecified, loopback and deprecated IPv4-compatible
		"64:ff9b::/96",   // NAT64 well-known prefix
		"64:ff9b:1::/48", // NAT64 local use
		"100::/64",       // discard-only
		"2001::/23",      // IETF protocol assignments (Teredo, ORCHID, benchmarking)
		"2001:db8::/32",  // documentation
		"2002::/16",      // 6to4, embeds arbitrary IPv4
		"3fff::/20",      // documentation (RFC 9637)
		"5f00::/16",      // SRv6 SIDs
		"fc00::/7",       // unique local
		"fe80::/10",      // link-local
		"fec0::/10",      // deprecated site-local
		"ff00::/8",       // multicast
	}
	out := make([]netip.Prefix, len(cidrs))
	for i, c := range cidrs {
		out[i] = netip.MustParsePrefix(c)
	}
	return out
}()

// Forbidden reports whether ip is on the private-network deny-list. IPv4
// addresses mapped into IPv6 (::ffff:a.b.c.d) are judged as the IPv4 address
// they carry. An invalid address is forbidden.
func Forbidden(ip netip.Addr) bool {
	if !ip.IsValid() {
		return true
	}
	ip = ip.WithZone("").Unmap()
	for _, p := range denied {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// guardControl returns a net.Dialer Control function refusing the
// addresses forbidden reports. It runs after DNS resolution, on the address
// actually dialed, so it also covers redirects and DNS rebinding.
func guardControl(forbidden func(netip.Addr) bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("dial %s: %w", address, ErrPrivateNetwork)
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || forbidden(ip) {
			return fmt.Errorf("refusing to connect to %s: %w (fetch.allow_private_networks is off)", host, ErrPrivateNetwork)
		}
		return nil
	}
}

// HostAddr reads a URL host as an IP address the way resolvers may. Besides
// the usual forms ("127.0.0.1", "::1", "[::1]", "fe80::1%eth0") it reads
// the legacy IPv4 forms of inet_aton: one to four parts, each decimal, hex
// ("0x7f") or octal ("0177"), the last filling the remaining bytes
// ("2130706433", "0x7f000001", "0177.0.0.1", "127.1"). Some resolvers turn
// those into addresses and others send them to DNS, so legacy reports that
// the host was written that way. ok is false for a host name.
func HostAddr(host string) (addr netip.Addr, legacy, ok bool) {
	h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip, false, true
	}
	h = strings.TrimSuffix(h, ".")
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip, true, true
	}
	parts := strings.Split(h, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		v, good := legacyNumber(p)
		if !good {
			return netip.Addr{}, false, false
		}
		vals[i] = v
	}
	// every part but the last is one byte; the last fills what is left
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 0xff {
			return netip.Addr{}, false, false
		}
		n |= v << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*(5-len(vals))) {
		return netip.Addr{}, false, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true, true
}

// legacyNumber reads one part of a legacy IPv4 address: decimal, 0x hex or
// 0-prefixed octal, up to 32 bits.
func legacyNumber(p string) (uint64, bool) {
	base := 10
	switch {
	case p == "":
		return 0, false
	case len(p) > 2 && (p[:2] == "0x" || p[:2] == "0X"):
		base, p = 16, p[2:]
	case len(p) > 1 && p[0] == '0':
		base, p = 8, p[1:]
	}
	v, err := strconv.ParseUint(p, base, 32)
	return v, err == nil
}

// checkHost refuses, before any dial, a host written as a legacy numeric
// address: no publisher writes one, and whether it reaches an address or a
// DNS query depends on the resolver. A forbidden one wraps ErrPrivateNetwork.
func (c *Crawler) checkHost(host string) error { return checkHost(c.guard, host) }

func checkHost(guard func(netip.Addr) bool, host string) error {
	ip, legacy, ok := HostAddr(host)
	switch {
	case !ok:
		return nil
	case guard != nil && guard(ip):
		return fmt.Errorf("refusing to connect to %s (%s): %w (fetch.allow_private_networks is off)", host, ip, ErrPrivateNetwork)
	case legacy:
		return fmt.Errorf("host %q is a legacy numeric form of %s: write the address as %s", host, ip, ip)
	}
	return nil
}
