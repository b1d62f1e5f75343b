package crawler

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
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
