package auth

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP finds the address of the client that sent a request. The zero
// value trusts no proxy and uses the connection's address, which is the
// only safe default: X-Forwarded-For is whatever the client chose to send,
// unless a proxy of ours wrote it.
type ClientIP struct {
	// TrustedProxies are the networks of reverse proxies in front of the
	// server. A request arriving from one of them is attributed to the
	// address its X-Forwarded-For names, read from the right and skipping
	// further trusted proxies; addresses to the left of the first untrusted
	// one were written by the client and are ignored.
	TrustedProxies []netip.Prefix
}

// ParseTrustedProxies parses a comma-separated list of networks and
// addresses ("10.0.0.0/8, 192.168.1.7, fd00::/8") for ClientIP. An empty
// string gives an empty list.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is not a network such as 10.0.0.0/8", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not an IP address", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Addr returns the client's address, or the zero Addr if the connection's
// address cannot be parsed.
func (c ClientIP) Addr(r *http.Request) netip.Addr {
	addr := parseAddr(r.RemoteAddr)
	if !addr.IsValid() || !c.trusted(addr) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := parseAddr(strings.TrimSpace(hops[i]))
		if !hop.IsValid() {
			// Our own proxy wrote nothing readable: go no further left.
			break
		}
		addr = hop
		if !c.trusted(hop) {
			break
		}
	}
	return addr
}

// Key returns a rate-limit key for the client: its IPv4 address, or the
// /64 network of its IPv6 address, since one subscriber usually gets a
// whole /64 and could otherwise change address at every request. A request
// whose address cannot be read gets the key "unknown".
func (c ClientIP) Key(r *http.Request) string {
	a := c.Addr(r)
	switch {
	case !a.IsValid():
		return "unknown"
	case a.Is6():
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

func (c ClientIP) trusted(a netip.Addr) bool {
	for _, p := range c.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseAddr reads "host:port", "[v6]:port" or a bare address, mapping
// IPv4-in-IPv6 to plain IPv4 and dropping any zone.
func parseAddr(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}
