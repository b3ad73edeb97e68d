package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"quire"
	"quire/internal/store/input"
)

// snapshotBytes returns n bytes that do not compress, like an index.
func snapshotBytes(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func mustPutSnapshot(t *testing.T, s quire.Store, seq int64, model string, data []byte) *quire.SearchSnapshot {
	t.Helper()
	got, err := s.PutSearchSnapshot(ctx(t), quire.SearchSnapshot{Seq: seq, Model: model}, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("PutSearchSnapshot(seq %d, %d bytes): %v", seq, len(data), err)
	}
	return got
}

func readSnapshot(t *testing.T, s quire.Store, id int64) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	err := s.ReadSearchSnapshot(ctx(t), id, &buf)
	return buf.Bytes(), err
}

func testSearchSnapshots(t *testing.T, s quire.Store) {
	if _, err := s.FindSearchSnapshot(ctx(t)); !errors.Is(err, quire.ErrNotFound) {
		t.Fatalf("FindSearchSnapshot on an empty store: %v, want ErrNotFound", err)
	}

	// Two and a half chunks: the last one short.
	first := snapshotBytes(1, 2*input.SnapshotChunk+input.SnapshotChunk/2)
	put := mustPutSnapshot(t, s, 42, "quire-static-256-abc", first)
	sum := sha256.Sum256(first)
	if put.ID == 0 || put.Seq != 42 || put.Model != "quire-static-256-abc" || put.Size != int64(len(first)) ||
		put.SHA256 != hex.EncodeToString(sum[:]) || put.CreatedAt.IsZero() {
		t.Errorf("PutSearchSnapshot = %+v, want seq 42, the model, size %d and the SHA-256", put, len(first))
	}
	found, err := s.FindSearchSnapshot(ctx(t))
	if err != nil {
		t.Fatalf("FindSearchSnapshot: %v", err)
	}
	if *found != *put {
		t.Errorf("FindSearchSnapshot = %+v, want %+v", found, put)
	}
	got, err := readSnapshot(t, s, put.ID)
	if err != nil || !bytes.Equal(got, first) {
		t.Fatalf("ReadSearchSnapshot = %d bytes, %v; want the %d bytes stored", len(got), err, len(first))
	}

	// A failed write leaves the stored snapshot as it was and no trace.
	broken := io.MultiReader(bytes.NewReader(snapshotBytes(2, input.SnapshotChunk+10)), iotestErrReader{})
	if _, err := s.PutSearchSnapshot(ctx(t), quire.SearchSnapshot{Seq: 50}, broken); err == nil {
		t.Error("PutSearchSnapshot from a failing reader succeeded")
	}
	if found, err := s.FindSearchSnapshot(ctx(t)); err != nil || found.ID != put.ID {
		t.Errorf("after a failed write FindSearchSnapshot = %+v, %v; want snapshot %d", found, err, put.ID)
	}
	if got, err := readSnapshot(t, s, put.ID); err != nil || !bytes.Equal(got, first) {
		t.Errorf("after a failed write ReadSearchSnapshot = %d bytes, %v", len(got), err)
	}
	if got, err := readSnapshot(t, s, put.ID+1); !errors.Is(err, quire.ErrNotFound) || len(got) != 0 {
		t.Errorf("ReadSearchSnapshot of the failed write = %d bytes, %v; want ErrNotFound", len(got), err)
	}

	// A newer snapshot replaces it: the old one is gone.
	second := snapshotBytes(3, 1000)
	put2 := mustPutSnapshot(t, s, 77, "", second)
	if put2.ID <= put.ID {
		t.Errorf("the newer snapshot's id %d is not above %d", put2.ID, put.ID)
	}
	if found, err := s.FindSearchSnapshot(ctx(t)); err != nil || found.ID != put2.ID || found.Seq != 77 || found.Model != "" {
		t.Errorf("FindSearchSnapshot = %+v, %v; want the newer snapshot", found, err)
	}
	if got, err := readSnapshot(t, s, put2.ID); err != nil || !bytes.Equal(got, second) {
		t.Errorf("ReadSearchSnapshot(newer) = %d bytes, %v", len(got), err)
	}
	if _, err := readSnapshot(t, s, put.ID); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("ReadSearchSnapshot of the replaced snapshot: %v, want ErrNotFound", err)
	}
}

func testSearchSnapshotInvalid(t *testing.T, s quire.Store) {
	for _, c := range []struct {
		what string
		snap quire.SearchSnapshot
		data []byte
	}{
		{"empty", quire.SearchSnapshot{Seq: 1}, nil},
		{"negative position", quire.SearchSnapshot{Seq: -1}, []byte("x")},
		{"model with NUL", quire.SearchSnapshot{Model: "a\x00b"}, []byte("x")},
		{"model not UTF-8", quire.SearchSnapshot{Model: "bad \xff"}, []byte("x")},
	} {
		if _, err := s.PutSearchSnapshot(ctx(t), c.snap, bytes.NewReader(c.data)); !errors.Is(err, quire.ErrInvalid) {
			t.Errorf("PutSearchSnapshot(%s) error = %v, want ErrInvalid", c.what, err)
		}
	}
	if _, err := s.FindSearchSnapshot(ctx(t)); !errors.Is(err, quire.ErrNotFound) {
		t.Errorf("after refused writes FindSearchSnapshot: %v, want ErrNotFound", err)
	}
	for _, id := range []int64{0, -1, 1 << 62} {
		if _, err := readSnapshot(t, s, id); !errors.Is(err, quire.ErrNotFound) {
			t.Errorf("ReadSearchSnapshot(%d): %v, want ErrNotFound", id, err)
		}
	}
}

// iotestErrReader fails every read, as a network or disk error would.
type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("disk failure") }
