package input

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"quire"
)

// SnapshotChunk is the size of the pieces a search snapshot is stored in:
// large enough that a snapshot of a million papers takes a few hundred
// statements, small enough that no statement holds much memory.
const SnapshotChunk = 4 << 20

// AbandonedSnapshot is how long an incomplete snapshot is kept before a
// later write removes it: its writer died, or is very slow.
const AbandonedSnapshot = time.Hour

// CheckSearchSnapshot refuses a description a store cannot keep.
func CheckSearchSnapshot(s quire.SearchSnapshot) error {
	if s.Seq < 0 {
		return quire.Invalidf("a search snapshot's position in the change feed cannot be negative (%d)", s.Seq)
	}
	if !IsText(s.Model) {
		return quire.Invalidf("a search snapshot's model name is not valid text")
	}
	return nil
}

// WriteChunks reads r to its end in SnapshotChunk pieces, handing each to
// write with its number (from 0), and returns the total size and SHA-256
// (hex). An empty r is refused: no index snapshot is empty.
func WriteChunks(r io.Reader, write func(n int, data []byte) error) (size int64, sum string, err error) {
	h := sha256.New()
	buf := make([]byte, SnapshotChunk)
	for n := 0; ; n++ {
		k, err := io.ReadFull(r, buf)
		if k > 0 {
			h.Write(buf[:k])
			if err := write(n, buf[:k]); err != nil {
				return 0, "", err
			}
			size += int64(k)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return 0, "", fmt.Errorf("reading the snapshot: %w", err)
		}
	}
	if size == 0 {
		return 0, "", quire.Invalidf("the search snapshot is empty")
	}
	return size, hex.EncodeToString(h.Sum(nil)), nil
}
