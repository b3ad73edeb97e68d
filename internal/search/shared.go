package search

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"quire"
)

// SnapshotStore shares index snapshots between nodes (the snapshot methods
// of quire.SearchStore): a node joining a cluster fetches the latest one
// instead of rebuilding its index from the catalogue, which takes minutes
// on a large one.
type SnapshotStore interface {
	PutSearchSnapshot(ctx context.Context, s quire.SearchSnapshot, r io.Reader) (*quire.SearchSnapshot, error)
	FindSearchSnapshot(ctx context.Context) (*quire.SearchSnapshot, error)
	ReadSearchSnapshot(ctx context.Context, id int64, w io.Writer) error
}

// PublishSnapshot shares the engine's snapshot file (as Save last wrote
// it) through st. It errs with ErrNoSnapshot when there is no file.
func (e *Engine) PublishSnapshot(ctx context.Context, st SnapshotStore) (*quire.SearchSnapshot, error) {
	if e.snapshot == "" {
		return nil, ErrNoSnapshot
	}
	f, err := os.Open(e.snapshot)
	if os.IsNotExist(err) {
		return nil, ErrNoSnapshot
	}
	if err != nil {
		return nil, err
	}
	// The file read is the one opened: a Save meanwhile renames a new file
	// into place without touching this one.
	defer f.Close()
	hdr, err := readSnapshotHeader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("search: %s: %w", e.snapshot, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	start := time.Now()
	s, err := st.PutSearchSnapshot(ctx, quire.SearchSnapshot{Seq: hdr.Seq, Model: hdr.Model}, bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("search: sharing the index snapshot: %w", err)
	}
	e.logger.Info("search: shared the index snapshot with other nodes", "bytes", s.Size, "position", s.Seq,
		"took", time.Since(start).Round(time.Millisecond))
	return s, nil
}

// FetchShared downloads the snapshot shared through st into the engine's
// snapshot path, replacing the file there once its size and checksum are
// verified; Load then reads it. It errs with an error of kind
// quire.ErrNotFound when st holds none.
func (e *Engine) FetchShared(ctx context.Context, st SnapshotStore) (*quire.SearchSnapshot, error) {
	if e.snapshot == "" {
		return nil, ErrNoSnapshot
	}
	s, err := st.FindSearchSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	e.logger.Info("search: fetching the index snapshot shared by other nodes", "bytes", s.Size, "position", s.Seq,
		"made", s.CreatedAt.Format(time.RFC3339))
	tmp, err := os.CreateTemp(filepath.Dir(e.snapshot), filepath.Base(e.snapshot)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("search: fetching the shared snapshot: %w", err)
	}
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(tmp, h), 1<<20)
	cw := &countingWriter{w: w}
	if err := st.ReadSearchSnapshot(ctx, s.ID, cw); err != nil {
		return nil, fmt.Errorf("search: fetching the shared snapshot: %w", err)
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if sum := hex.EncodeToString(h.Sum(nil)); cw.n != s.Size || sum != s.SHA256 {
		return nil, fmt.Errorf("search: the shared snapshot arrived damaged (%d bytes, SHA-256 %s; want %d, %s)", cw.n, sum, s.Size, s.SHA256)
	}
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp.Name(), e.snapshot); err != nil {
		return nil, err
	}
	keep = true
	e.logger.Info("search: fetched the shared index snapshot", "bytes", s.Size, "took", time.Since(start).Round(time.Millisecond))
	return s, nil
}

// readSnapshotHeader reads a snapshot file's magic line and header.
func readSnapshotHeader(r io.Reader) (snapshotHeader, error) {
	var hdr snapshotHeader
	magic := make([]byte, len(snapshotMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != snapshotMagic {
		return hdr, fmt.Errorf("not a snapshot of this version")
	}
	if err := gob.NewDecoder(r).Decode(&hdr); err != nil {
		return hdr, fmt.Errorf("snapshot header: %w", err)
	}
	return hdr, nil
}
