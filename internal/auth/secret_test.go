package auth

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestGenerateSecret(t *testing.T) {
	s := GenerateSecret()
	if b, err := hex.DecodeString(s); err != nil || len(b) != MinSecretBytes {
		t.Errorf("GenerateSecret() = %q, want %d random bytes in hex", s, MinSecretBytes)
	}
	if GenerateSecret() == s {
		t.Errorf("GenerateSecret returned %q twice", s)
	}
}

func TestLoadOrCreateSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	first, err := LoadOrCreateSecret(path)
	if err != nil {
		t.Fatalf("LoadOrCreateSecret (creating): %v", err)
	}
	if len(first) != 2*MinSecretBytes {
		t.Errorf("created secret is %d bytes, want %d hex digits", len(first), 2*MinSecretBytes)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("secret file mode = %v, want 0600", perm)
	}
	again, err := LoadOrCreateSecret(path)
	if err != nil || !bytes.Equal(again, first) {
		t.Errorf("LoadOrCreateSecret (reading) = %q, %v; want the created %q", again, err, first)
	}
	if _, err := NewSigner(first); err != nil {
		t.Errorf("NewSigner(created secret): %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d files after creation, want only the secret", len(entries))
	}
}

func TestLoadOrCreateSecretExisting(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		want          string // "" when an error is expected
	}{
		{"trimmed", "\n  " + strings.Repeat("k", 40) + " \n", strings.Repeat("k", 40)},
		{"too short", "short secret\n", ""},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := LoadOrCreateSecret(path)
			if tc.want == "" {
				if err == nil || !strings.Contains(err.Error(), path) {
					t.Errorf("LoadOrCreateSecret(%q) = %q, %v; want an error naming the file", tc.content, got, err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("LoadOrCreateSecret(%q) = %q, %v; want %q", tc.content, got, err, tc.want)
			}
		})
	}
}

func TestLoadOrCreateSecretConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	const n = 8
	got := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], errs[i] = LoadOrCreateSecret(path) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || !bytes.Equal(got[i], got[0]) {
			t.Errorf("call %d = %q, %v; want the secret of call 0, %q", i, got[i], errs[i], got[0])
		}
	}
}

func TestDeriveKey(t *testing.T) {
	a, b := deriveKey(testSecret, "link"), deriveKey(testSecret, "csrf")
	if bytes.Equal(a, b) || bytes.Equal(a, deriveKey(otherSecret, "link")) {
		t.Errorf("deriveKey gives equal keys for different uses or secrets")
	}
	if !bytes.Equal(a, deriveKey(testSecret, "link")) {
		t.Errorf("deriveKey is not deterministic")
	}
}
