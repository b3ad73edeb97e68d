package search

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"quire"
)

// The snapshot file: a magic line, a gob header, then length-prefixed
// sections (documents, lexical index, vector index), each read through its
// own limited reader so a section can never read into the next.
const snapshotMagic = "quire search snapshot 1\n"

type snapshotHeader struct {
	Seq   int64
	Model string // "" when the snapshot holds no vectors
}

type snapshotDocs struct {
	PaperIDs []string
	Days     []int32
	Cats     [][]uint16
	HasCode  []bool
	Upvotes  []int32
	Hashes   []uint64
	Deleted  []bool
	CatNames []string
}

// Save writes the engine's indexes to its snapshot path, atomically (a
// temporary file renamed into place). It does nothing without a path.
func (e *Engine) Save() (err error) {
	if e.snapshot == "" {
		return nil
	}
	e.syncMu.Lock() // no Sync may change the indexes while they are written
	defer e.syncMu.Unlock()
	tmp, err := os.CreateTemp(filepath.Dir(e.snapshot), filepath.Base(e.snapshot)+".*.tmp")
	if err != nil {
		return fmt.Errorf("search: saving snapshot: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<20)
	e.mu.RLock()
	hdr := snapshotHeader{Seq: e.seq}
	if e.vec != nil {
		hdr.Model = e.embedder.Name()
	}
	docs := e.docs.export()
	e.mu.RUnlock()
	if _, err := io.WriteString(w, snapshotMagic); err != nil {
		return err
	}
	if err := gob.NewEncoder(w).Encode(hdr); err != nil {
		return err
	}
	if err := writeSection(tmp, w, func(w io.Writer) error { return gob.NewEncoder(w).Encode(docs) }); err != nil {
		return err
	}
	if err := writeSection(tmp, w, func(w io.Writer) error { _, err := e.lex.WriteTo(w); return err }); err != nil {
		return err
	}
	if e.vec != nil {
		if err := writeSection(tmp, w, func(w io.Writer) error { _, err := e.vec.WriteTo(w); return err }); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), e.snapshot); err != nil {
		return err
	}
	// No Sync ran meanwhile (syncMu): the file holds every change.
	e.mu.Lock()
	e.persisted, e.unsaved = true, 0
	e.mu.Unlock()
	return nil
}

// NeedsSave reports whether Save is worth its cost (seconds of CPU for a
// million papers): the snapshot file was neither read nor written by this
// engine, or at least min changes were applied since it was. A node that
// loads its snapshot and finds few changes leaves it as it is; it applies
// them again at its next start.
func (e *Engine) NeedsSave(min int) bool {
	if e.snapshot == "" {
		return false
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return !e.persisted || e.unsaved >= min
}

// writeSection writes what fn writes, preceded by its length, which is
// patched in afterwards so that a large section is never held in memory.
func writeSection(f *os.File, w *bufio.Writer, fn func(io.Writer) error) error {
	if err := w.Flush(); err != nil {
		return err
	}
	start, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	var n [8]byte
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	cw := &countingWriter{w: w}
	if err := fn(cw); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	binary.LittleEndian.PutUint64(n[:], uint64(cw.n))
	_, err = f.WriteAt(n[:], start)
	return err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ErrNoSnapshot means there is no snapshot file to load.
var ErrNoSnapshot = errors.New("search: no snapshot")

// Load replaces the engine's indexes with the snapshot's. Vectors are loaded
// only when the snapshot was made with the engine's model; otherwise the
// caller loads them from the store (LoadVectors). Sync then applies what
// changed since the snapshot.
//
// A snapshot whose position in the change feed is past the database's end
// belongs to another database, or to this one before it was restored from
// a backup: following on from it would skip changes, so it is refused.
func (e *Engine) Load(ctx context.Context) (vectors bool, err error) {
	if e.snapshot == "" {
		return false, ErrNoSnapshot
	}
	f, err := os.Open(e.snapshot)
	if errors.Is(err, os.ErrNotExist) {
		return false, ErrNoSnapshot
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	cr := &countingReader{r: f}
	br := bufio.NewReaderSize(cr, 64<<10)
	hdr, err := readSnapshotHeader(br)
	if err != nil {
		return false, fmt.Errorf("search: %s: %w", e.snapshot, err)
	}
	if hdr.Seq > 0 {
		// The paper changed at Seq still holds it, or a later one if it
		// changed again: the feed reaches Seq exactly when this finds one.
		ch, err := e.store.FindPaperChanges(ctx, hdr.Seq-1, 1)
		if err != nil {
			return false, err
		}
		if len(ch) == 0 {
			return false, fmt.Errorf("search: the snapshot %s is ahead of the database (position %d); was the database restored or replaced?", e.snapshot, hdr.Seq)
		}
	}
	nsec := 2 // documents, lexical index
	if hdr.Model != "" {
		nsec = 3 // and vectors
	}
	secs, err := findSections(f, cr.n-int64(br.Buffered()), nsec)
	if err != nil {
		return false, fmt.Errorf("search: %s: %w", e.snapshot, err)
	}
	// The sections are independent: each is read on its own goroutine, so
	// that a node loading a large index uses every core, and is ready
	// sooner when it restarts beside busy ones.
	var (
		table docTable
		wg    sync.WaitGroup
		errs  [3]error
	)
	wg.Go(func() {
		var docs snapshotDocs
		if err := gob.NewDecoder(bufio.NewReaderSize(secs[0], 1<<20)).Decode(&docs); err != nil {
			errs[0] = fmt.Errorf("search: snapshot documents: %w", err)
			return
		}
		table, errs[0] = importDocs(&docs)
	})
	wg.Go(func() {
		if _, err := e.lex.ReadFrom(secs[1]); err != nil {
			errs[1] = fmt.Errorf("search: snapshot lexical index: %w", err)
		}
	})
	if e.vec != nil && hdr.Model == e.embedder.Name() {
		wg.Go(func() {
			if _, err := e.vec.ReadFrom(secs[2]); err != nil {
				errs[2] = fmt.Errorf("search: snapshot vector index: %w", err)
			}
		})
		vectors = true
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return false, err
	}
	e.mu.Lock()
	e.docs, e.seq, e.ready = table, hdr.Seq, true
	e.persisted, e.unsaved = true, 0
	e.mu.Unlock()
	return vectors, nil
}

// findSections returns readers of the n sections that start at off in f,
// each limited to its section's length.
func findSections(f *os.File, off int64, n int) ([]*io.SectionReader, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	secs := make([]*io.SectionReader, n)
	for i := range secs {
		var b [8]byte
		if _, err := f.ReadAt(b[:], off); err != nil {
			return nil, fmt.Errorf("section %d: %w", i+1, quire.Invalidf("snapshot is truncated"))
		}
		size := binary.LittleEndian.Uint64(b[:])
		if size > uint64(st.Size()-off-8) {
			return nil, fmt.Errorf("section %d: %w", i+1, quire.Invalidf("snapshot is truncated"))
		}
		secs[i] = io.NewSectionReader(f, off+8, int64(size))
		off += 8 + int64(size)
	}
	return secs, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (t *docTable) export() *snapshotDocs {
	d := &snapshotDocs{CatNames: t.catName}
	for _, m := range t.meta {
		d.PaperIDs = append(d.PaperIDs, m.paperID)
		d.Days = append(d.Days, m.day)
		d.Cats = append(d.Cats, m.cats)
		d.HasCode = append(d.HasCode, m.hasCode)
		d.Upvotes = append(d.Upvotes, m.upvotes)
		d.Hashes = append(d.Hashes, m.textHash)
		d.Deleted = append(d.Deleted, m.deleted)
	}
	return d
}

func importDocs(d *snapshotDocs) (docTable, error) {
	n := len(d.PaperIDs)
	if len(d.Days) != n || len(d.Cats) != n || len(d.HasCode) != n || len(d.Upvotes) != n ||
		len(d.Hashes) != n || len(d.Deleted) != n {
		return docTable{}, errors.New("search: snapshot documents are inconsistent")
	}
	t := newDocTable()
	t.byPaper = make(map[string]uint32, n) // no rehashing as it fills
	t.meta = make([]docMeta, n)
	for i := range n {
		t.meta[i] = docMeta{paperID: d.PaperIDs[i], day: d.Days[i], cats: d.Cats[i], hasCode: d.HasCode[i],
			upvotes: d.Upvotes[i], textHash: d.Hashes[i], deleted: d.Deleted[i]}
		t.byPaper[d.PaperIDs[i]] = uint32(i)
		if !d.Deleted[i] {
			t.live++
		}
	}
	for i, name := range d.CatNames {
		t.catNum[name] = uint16(i)
	}
	t.catName = d.CatNames
	return t, nil
}
