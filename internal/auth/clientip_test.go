package auth

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.0/8, 192.168.1.7 ,fd00::/8,::ffff:172.16.0.1,, 10.1.2.3/16")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.168.1.7/32", "fd00::/8", "172.16.0.1/32", "10.1.0.0/16"}
	var gotS []string
	for _, p := range got {
		gotS = append(gotS, p.String())
	}
	if diff := cmp.Diff(want, gotS); diff != "" {
		t.Errorf("ParseTrustedProxies mismatch (-want +got):\n%s", diff)
	}
	if got, err := ParseTrustedProxies(""); err != nil || len(got) != 0 {
		t.Errorf("ParseTrustedProxies(\"\") = %v, %v; want nothing", got, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "localhost", "10.0.0", "1.2.3.4, nope"} {
		if _, err := ParseTrustedProxies(bad); err == nil || !strings.Contains(err.Error(), "trusted proxy") {
			t.Errorf("ParseTrustedProxies(%q) error = %v, want one naming the bad entry", bad, err)
		}
	}
}

func TestClientIP(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	trusting := ClientIP{TrustedProxies: proxies}
	for _, tc := range []struct {
		name    string
		c       ClientIP
		remote  string
		xff     []string
		wantIP  string
		wantKey string
	}{
		{"direct", ClientIP{}, "203.0.113.9:5123", nil, "203.0.113.9", "203.0.113.9"},
		{"forged header, no trust", ClientIP{}, "203.0.113.9:5123", []string{"198.51.100.1"}, "203.0.113.9", "203.0.113.9"},
		{"forged header, untrusted peer", trusting, "203.0.113.9:5123", []string{"198.51.100.1"}, "203.0.113.9", "203.0.113.9"},
		{"behind proxy", trusting, "10.0.0.2:80", []string{"198.51.100.1"}, "198.51.100.1", "198.51.100.1"},
		{"client-forged hop", trusting, "10.0.0.2:80", []string{"1.1.1.1, 198.51.100.1"}, "198.51.100.1", "198.51.100.1"},
		{"two proxies", trusting, "10.0.0.2:80", []string{"198.51.100.1, 10.9.9.9"}, "198.51.100.1", "198.51.100.1"},
		{"several header lines", trusting, "10.0.0.2:80", []string{"1.1.1.1", "198.51.100.1", "10.9.9.9"}, "198.51.100.1", "198.51.100.1"},
		{"only proxies", trusting, "10.0.0.2:80", []string{"10.1.1.1, 10.9.9.9"}, "10.1.1.1", "10.1.1.1"},
		{"no header", trusting, "10.0.0.2:80", nil, "10.0.0.2", "10.0.0.2"},
		{"garbage from our proxy", trusting, "10.0.0.2:80", []string{"198.51.100.1, garbage"}, "10.0.0.2", "10.0.0.2"},
		{"garbage from the client", trusting, "10.0.0.2:80", []string{"garbage, 198.51.100.1"}, "198.51.100.1", "198.51.100.1"},
		{"IPv6 gets its /64", ClientIP{}, "[2001:db8:1:2:3:4:5:6]:443", nil, "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"IPv6 behind proxy", trusting, "[fd00::1]:80", []string{"2001:db8::7"}, "2001:db8::7", "2001:db8::/64"},
		{"IPv4-mapped", ClientIP{}, "[::ffff:203.0.113.9]:1", nil, "203.0.113.9", "203.0.113.9"},
		{"zone dropped", ClientIP{}, "[fe80::1%eth0]:1", nil, "fe80::1", "fe80::/64"},
		{"unreadable", ClientIP{}, "@", nil, "invalid IP", "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/login", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := tc.c.Addr(r).String(); got != tc.wantIP {
				t.Errorf("Addr = %s, want %s", got, tc.wantIP)
			}
			if got := tc.c.Key(r); got != tc.wantKey {
				t.Errorf("Key = %s, want %s", got, tc.wantKey)
			}
		})
	}
	var zero netip.Addr
	if zero.String() != "invalid IP" {
		t.Fatalf("the zero Addr prints as %q; update the table", zero)
	}
}
