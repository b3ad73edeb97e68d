package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"quire"
)

func TestHashPasswordFormat(t *testing.T) {
	h := MustHash(t, "correct horse battery staple")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("HashPassword = %q, want the PHC prefix $argon2id$v=19$m=65536,t=3,p=2$", h)
	}
	p, salt, key, err := decodeHash(h)
	if err != nil {
		t.Fatalf("decodeHash(HashPassword(…)): %v", err)
	}
	if diff := cmp.Diff(currentParams, p, cmp.AllowUnexported(argonParams{})); diff != "" {
		t.Errorf("params mismatch (-want +got):\n%s", diff)
	}
	if len(salt) != 16 || len(key) != 32 {
		t.Errorf("salt and key lengths = %d, %d; want 16, 32", len(salt), len(key))
	}
	if h2 := MustHash(t, "correct horse battery staple"); h2 == h {
		t.Errorf("two hashes of one password are equal (%q): the salt is not random", h)
	}
}

func TestCheckPassword(t *testing.T) {
	const pw = "correct horse battery staple"
	h := MustHash(t, pw)
	for _, tc := range []struct {
		name, pw string
		want     bool
	}{
		{"same", pw, true},
		{"empty", "", false},
		{"other case", "Correct horse battery staple", false},
		{"trailing space", pw + " ", false},
		{"prefix", pw[:len(pw)-1], false},
		{"unicode", "correct horse battery staplé", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, rehash, err := CheckPassword(h, tc.pw)
			if err != nil {
				t.Fatalf("CheckPassword: %v", err)
			}
			if ok != tc.want || rehash {
				t.Errorf("CheckPassword(h, %q) = %v, %v; want %v, false", tc.pw, ok, rehash, tc.want)
			}
		})
	}
}

func TestCheckPasswordRehash(t *testing.T) {
	const pw = "a sufficiently long passphrase"
	cur := currentParams
	with := func(f func(p *argonParams)) argonParams {
		p := cur
		f(&p)
		return p
	}
	for _, tc := range []struct {
		name       string
		params     argonParams
		wantRehash bool
	}{
		{"less memory", with(func(p *argonParams) { p.memory = 19 * 1024 }), true},
		{"fewer passes", with(func(p *argonParams) { p.time = 1 }), true},
		{"shorter salt", with(func(p *argonParams) { p.saltLen = 8 }), true},
		{"shorter key", with(func(p *argonParams) { p.keyLen = 16 }), true},
		{"one lane", with(func(p *argonParams) { p.threads = 1 }), false},
		{"more passes", with(func(p *argonParams) { p.time = cur.time + 1 }), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := hashWithParams(pw, tc.params)
			if err != nil {
				t.Fatal(err)
			}
			ok, rehash, err := CheckPassword(h, pw)
			if err != nil || !ok || rehash != tc.wantRehash {
				t.Errorf("CheckPassword(%q, right password) = %v, %v, %v; want true, %v, nil", h, ok, rehash, err, tc.wantRehash)
			}
		})
	}
	// A wrong password never asks for a rehash, even against a weak hash:
	// there is nothing to rehash it from.
	h, err := hashWithParams(pw, with(func(p *argonParams) { p.memory = 19 * 1024 }))
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := CheckPassword(h, pw+"!"); err != nil || ok || rehash {
		t.Errorf("CheckPassword(%q, wrong password) = %v, %v, %v; want false, false, nil", h, ok, rehash, err)
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	for _, tc := range []struct{ name, hash string }{
		{"empty", ""},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=65536,t=3,p=2$" + salt + "$" + key},
		{"old version", "$argon2id$v=16$m=65536,t=3,p=2$" + salt + "$" + key},
		{"no version", "$argon2id$m=65536,t=3,p=2$" + salt + "$" + key},
		{"missing param", "$argon2id$v=19$m=65536,t=3$" + salt + "$" + key},
		{"unknown param", "$argon2id$v=19$m=65536,t=3,p=2,x=1$" + salt + "$" + key},
		{"negative", "$argon2id$v=19$m=65536,t=-3,p=2$" + salt + "$" + key},
		{"zero passes", "$argon2id$v=19$m=65536,t=0,p=2$" + salt + "$" + key},
		{"zero lanes", "$argon2id$v=19$m=65536,t=3,p=0$" + salt + "$" + key},
		{"too many lanes", "$argon2id$v=19$m=65536,t=3,p=256$" + salt + "$" + key},
		{"huge memory", "$argon2id$v=19$m=4194304,t=3,p=2$" + salt + "$" + key},
		{"many passes", "$argon2id$v=19$m=65536,t=1000,p=2$" + salt + "$" + key},
		{"tiny memory", "$argon2id$v=19$m=8,t=3,p=2$" + salt + "$" + key},
		{"short salt", "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$" + key},
		{"padded salt", "$argon2id$v=19$m=65536,t=3,p=2$" + salt + "==$" + key},
		{"short key", "$argon2id$v=19$m=65536,t=3,p=2$" + salt + "$a2V5"},
		{"bad base64", "$argon2id$v=19$m=65536,t=3,p=2$" + salt + "$!!!!"},
		{"extra field", "$argon2id$v=19$m=65536,t=3,p=2$" + salt + "$" + key + "$"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, rehash, err := CheckPassword(tc.hash, "a sufficiently long passphrase")
			if !errors.Is(err, errMalformedHash) || ok || rehash {
				t.Errorf("CheckPassword(%q) = %v, %v, %v; want false, false, a malformed-hash error", tc.hash, ok, rehash, err)
			}
			if err != nil && strings.Contains(err.Error(), key) {
				t.Errorf("error %q quotes the stored hash", err)
			}
		})
	}
}

func TestPasswordTooLong(t *testing.T) {
	long := strings.Repeat("x", MaxPasswordBytes+1)
	if _, err := HashPassword(long); !errors.Is(err, quire.ErrInvalid) || quire.UserMessage(err) == "" {
		t.Errorf("HashPassword(%d bytes) error = %v, want a user-facing ErrInvalid", len(long), err)
	}
	// The longest password allowed hashes and checks normally.
	longest := long[:MaxPasswordBytes]
	h := MustHash(t, longest)
	if ok, _, err := CheckPassword(h, longest); !ok || err != nil {
		t.Errorf("CheckPassword(%d-byte password) = %v, %v; want true, nil", len(longest), ok, err)
	}
	// One byte more is refused without hashing, even if its first
	// MaxPasswordBytes match.
	if ok, rehash, err := CheckPassword(h, long); ok || rehash || err != nil {
		t.Errorf("CheckPassword(%d-byte password) = %v, %v, %v; want false, false, nil", len(long), ok, rehash, err)
	}
}

func TestDummyCheck(t *testing.T) {
	// The dummy hash must cost what a real one costs, so an unknown
	// account's check takes as long as a known one's.
	p, _, _, err := decodeHash(dummyHash)
	if err != nil {
		t.Fatalf("decodeHash(dummyHash): %v", err)
	}
	if diff := cmp.Diff(currentParams, p, cmp.AllowUnexported(argonParams{})); diff != "" {
		t.Errorf("dummy hash params mismatch (-want +got):\n%s", diff)
	}
	for _, pw := range []string{"", "password", "correct horse battery staple"} {
		if ok, _, err := CheckPassword(dummyHash, pw); ok || err != nil {
			t.Errorf("CheckPassword(dummyHash, %q) = %v, %v; want false, nil", pw, ok, err)
		}
		DummyCheck(pw)
	}
}
