package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"

	"quire"
)

// argonParams are the argon2id costs recorded in a hash.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32 // passes over the memory
	threads uint8  // lanes
	saltLen uint32 // bytes
	keyLen  uint32 // bytes
}

// currentParams are the costs of new hashes: 64 MiB, three passes, two
// lanes (the RFC 9106 "64 MiB" option, with the lanes matched to a 2-core
// server). BenchmarkHashPassword on a 2-core AMD EPYC measured medians of
// 43 ms with one pass, 87 ms with two and 131 ms with three. Three passes
// keep a log-in near a tenth of a second, and under a quarter of a second
// on a CPU half as fast, while making each guess cost an attacker three
// passes over 64 MiB, well above OWASP's minimum (19 MiB, two passes).
var currentParams = argonParams{memory: 64 * 1024, time: 3, threads: 2, saltLen: 16, keyLen: 32}

// Limits on the costs read back from a stored hash. A corrupt or hostile
// row must not make one log-in allocate gigabytes or run for minutes.
const (
	maxMemoryKiB = 256 * 1024
	maxTime      = 16
	minSaltLen   = 8
	maxSaltLen   = 64
	minKeyLen    = 16
	maxKeyLen    = 64
)

// hashSlots bounds the argon2 computations running at once, and so the
// memory they hold (64 MiB each). Each hash already keeps one core busy per
// lane: BenchmarkHashPasswordParallel measured the same throughput as one
// hash at a time, so more slots than cores/lanes would only hold more
// memory. Callers beyond the bound wait their turn, which is why log-in
// should sit behind a rate limit.
var hashSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/int(currentParams.threads)))

// HashPassword returns the argon2id hash of pw in the PHC string format,
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>, with a random 16-byte salt
// (both in unpadded standard base64, as PHC specifies). It refuses a
// password longer than MaxPasswordBytes with a quire.ErrInvalid error, so
// that hashing cannot be used to burn CPU; it does not apply the rest of
// ValidatePassword, which is for choosing a new password.
func HashPassword(pw string) (string, error) {
	return hashWithParams(pw, currentParams)
}

func hashWithParams(pw string, p argonParams) (string, error) {
	if len(pw) > MaxPasswordBytes {
		return "", errPasswordTooLong
	}
	salt := make([]byte, p.saltLen)
	rand.Read(salt) // never fails (crypto/rand aborts the program instead)
	key := derive(pw, salt, p)
	return encodeHash(p, salt, key), nil
}

// CheckPassword reports whether pw matches hash, a string made by
// HashPassword, comparing in constant time. rehash is true when pw matches
// but hash was made with weaker costs than HashPassword uses now: the caller
// should then store a fresh HashPassword(pw). err is non-nil only when hash
// is not a well-formed argon2id hash, which points at corrupt data rather
// than a wrong password.
//
// A password longer than MaxPasswordBytes never matches and is not hashed.
// That answer comes back faster, but it only tells the caller what it
// already knows (the length of what it sent), for known and unknown
// accounts alike (see DummyCheck).
func CheckPassword(hash, pw string) (ok, rehash bool, err error) {
	p, salt, key, err := decodeHash(hash)
	if err != nil {
		return false, false, err
	}
	if len(pw) > MaxPasswordBytes {
		return false, false, nil
	}
	got := derive(pw, salt, p)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	return true, p.weakerThan(currentParams), nil
}

// DummyCheck does the work of CheckPassword against a hash no password
// matches. Call it when a log-in names an account that does not exist, so
// that the answer takes as long as for an account that does, and response
// times do not reveal which addresses have accounts.
func DummyCheck(pw string) {
	_, _, _ = CheckPassword(dummyHash, pw)
}

// dummyHash has the current costs and a random salt and key: no password
// derives that key, and building it needs no hashing at start-up.
var dummyHash = func() string {
	salt := make([]byte, currentParams.saltLen)
	key := make([]byte, currentParams.keyLen)
	rand.Read(salt)
	rand.Read(key)
	return encodeHash(currentParams, salt, key)
}()

// derive runs argon2id, waiting for a free slot first.
func derive(pw string, salt []byte, p argonParams) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
}

// weakerThan reports whether hashes made with p are cheaper to attack than
// hashes made with cur. The number of lanes is left out: it changes how the
// work is spread, not how much there is.
func (p argonParams) weakerThan(cur argonParams) bool {
	return p.memory < cur.memory || p.time < cur.time || p.saltLen < cur.saltLen || p.keyLen < cur.keyLen
}

func encodeHash(p argonParams, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// errMalformedHash is returned for a stored hash that cannot be read. The
// hash itself is never quoted: it is secret material.
var errMalformedHash = errors.New("auth: malformed password hash")

// decodeHash parses a PHC argon2id string, accepting only version 19 and
// costs within the limits above.
func decodeHash(s string) (p argonParams, salt, key []byte, err error) {
	bad := func(why string) (argonParams, []byte, []byte, error) {
		return argonParams{}, nil, nil, fmt.Errorf("%w: %s", errMalformedHash, why)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("not a PHC string")
	}
	if parts[1] != "argon2id" {
		return bad("not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("unsupported version")
	}
	var seen [3]bool
	for _, kv := range strings.Split(parts[3], ",") {
		name, val, _ := strings.Cut(kv, "=")
		n, perr := strconv.ParseUint(val, 10, 32)
		if perr != nil {
			return bad("bad parameter " + strconv.Quote(name))
		}
		switch name {
		case "m":
			p.memory, seen[0] = uint32(n), true
		case "t":
			p.time, seen[1] = uint32(n), true
		case "p":
			if n > 255 {
				return bad("too many lanes")
			}
			p.threads, seen[2] = uint8(n), true
		default:
			return bad("unknown parameter " + strconv.Quote(name))
		}
	}
	switch {
	case seen != [3]bool{true, true, true}:
		return bad("missing parameter")
	case p.threads < 1 || p.time < 1 || p.time > maxTime:
		return bad("costs out of range")
	case p.memory < 8*uint32(p.threads) || p.memory > maxMemoryKiB:
		return bad("memory out of range")
	}
	b64 := base64.RawStdEncoding.Strict()
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return bad("bad salt")
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return bad("bad key")
	}
	p.saltLen, p.keyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

var errPasswordTooLong = quire.Invalidf("Passwords can be at most %d bytes long.", MaxPasswordBytes)
