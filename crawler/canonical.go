package crawler

import (
	"net/url"
	"strings"
)

// trackingParams are query parameters that identify a campaign or a click,
// never the resource: two links differing only by them are one item.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "igshid": true, "ttclid": true,
	"mc_cid": true, "mc_eid": true, "_hsenc": true, "_hsmi": true, "mkt_tok": true,
	"_ga": true, "_gl": true, "xtor": true, "xts": true, "ns_campaign": true,
	"ns_mchannel": true, "ns_source": true, "ns_linkname": true, "ns_fee": true,
	"oly_anon_id": true, "oly_enc_id": true, "vero_id": true, "vero_conv": true,
	"wt.mc_id": true, "wt_mc_id": true, "rss_src": true,
}

// trackingPrefixes catch families of tracking parameters: Google Analytics
// (utm_), AT Internet (at_), Matomo (pk_, mtm_) and HubSpot (hsa_).
var trackingPrefixes = []string{"utm_", "at_", "pk_", "mtm_", "hsa_"}

func isTrackingParam(name string) bool {
	n := strings.ToLower(name)
	if trackingParams[n] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// CanonicalURL returns the form of an http(s) link that identifies the
// resource: scheme and host lower-cased, default port and fragment removed,
// tracking parameters dropped, other parameters kept in their order and
// encoding. A string that is not an absolute http(s) URL is returned trimmed
// and otherwise unchanged.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return raw
	}
	u.Scheme = scheme
	host := strings.ToLower(u.Host)
	if p := u.Port(); (scheme == "http" && p == "80") || (scheme == "https" && p == "443") {
		host = strings.TrimSuffix(host, ":"+p)
	}
	host = strings.TrimSuffix(host, ":") // "example.org:" has an empty port
	u.Host = host
	if u.Path == "" && u.RawPath == "" {
		u.Path = "/"
	}
	u.Fragment, u.RawFragment = "", ""
	u.RawQuery = cleanQuery(u.RawQuery)
	u.ForceQuery = false
	return u.String()
}

// cleanQuery drops tracking parameters from a raw query string without
// re-encoding or re-ordering the others (url.Values would sort them).
func cleanQuery(q string) string {
	if q == "" {
		return ""
	}
	parts := strings.Split(q, "&")
	kept := parts[:0]
	for _, p := range parts {
		if p == "" {
			continue
		}
		name, _, _ := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if isTrackingParam(name) {
			continue
		}
		// a raw space is not valid in a URL; escaping it keeps the form stable
		kept = append(kept, strings.ReplaceAll(p, " ", "%20"))
	}
	return strings.Join(kept, "&")
}
