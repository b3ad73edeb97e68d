package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// MinSecretBytes is the shortest secret NewSigner and NewCSRF accept: a
// 256-bit HMAC-SHA256 key.
const MinSecretBytes = 32

// GenerateSecret returns a new random secret as 64 hexadecimal digits
// (32 random bytes), suitable for a configuration file or variable. The
// text itself is the secret: its 64 bytes are used as they are.
func GenerateSecret() string {
	b := make([]byte, MinSecretBytes)
	rand.Read(b) // never fails (crypto/rand aborts the program instead)
	return hex.EncodeToString(b)
}

// LoadOrCreateSecret returns the secret stored in the file at path,
// without surrounding white space. When the file does not exist it creates
// it first, readable by its owner only, holding GenerateSecret(). Several
// processes starting at once end up with the same secret: the file appears
// complete or not at all.
//
// Every node of a multi-node deployment must use the same secret, or links
// and forms made by one node fail on another; such deployments should set
// the secret in their configuration rather than let each node create one.
func LoadOrCreateSecret(path string) ([]byte, error) {
	secret, err := readSecret(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return secret, err
	}
	// Write a temporary file and link it into place: the link fails if
	// another process got there first, and then we read its secret.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret-*")
	if err != nil {
		return nil, fmt.Errorf("creating the secret file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(GenerateSecret() + "\n")
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, fmt.Errorf("writing the secret file: %w", werr)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("creating the secret file: %w", err)
	}
	return readSecret(path)
}

func readSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	if err := checkSecret(b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

func checkSecret(secret []byte) error {
	if len(secret) < MinSecretBytes {
		return fmt.Errorf("the secret is %d bytes long; it needs at least %d "+
			"(for example 64 random hexadecimal digits, as from `openssl rand -hex 32`)",
			len(secret), MinSecretBytes)
	}
	return nil
}

// deriveKey returns a key for one use of secret, so that one configured
// secret can serve links and CSRF tokens without a value made for one use
// being accepted by another.
func deriveKey(secret []byte, use string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("quire/auth/" + use))
	return m.Sum(nil)
}
