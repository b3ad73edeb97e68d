package embedding

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The binary form of a Model, little-endian:
//
//	"QEMB" version(1) tokenizer(string)
//	dim, terms, common (uvarints)
//	terms × string (uvarint length + bytes; phrases as "word word", after their words)
//	terms × weight(float32), terms × scale(float32)
//	terms × dim × int8
//	common × dim × float32
//
// 100,000 terms of 256 dimensions take about 27 MB.
const (
	modelMagic   = "QEMB"
	modelVersion = 1
)

// MarshalBinary encodes the model.
func (m *Model) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(m.vec) + 16*len(m.terms) + 4*len(m.common) + 64)
	b.WriteString(modelMagic)
	b.WriteByte(modelVersion)
	putString(&b, tokenizerID)
	putUvarint(&b, uint64(m.dim))
	putUvarint(&b, uint64(len(m.terms)))
	putUvarint(&b, uint64(len(m.common)/max(m.dim, 1)))
	for _, t := range m.terms {
		putString(&b, t)
	}
	putFloat32s(&b, m.weight)
	putFloat32s(&b, m.scale)
	for _, q := range m.vec {
		b.WriteByte(byte(q))
	}
	putFloat32s(&b, m.common)
	return b.Bytes(), nil
}

// UnmarshalBinary decodes a model encoded by MarshalBinary, replacing m.
func (m *Model) UnmarshalBinary(data []byte) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("embedding: decoding model: %w", err)
		}
	}()
	r := &reader{b: data}
	if string(r.bytes(len(modelMagic))) != modelMagic {
		return errors.New("not a model (bad magic)")
	}
	if v := r.byte(); v != modelVersion {
		return fmt.Errorf("unsupported version %d", v)
	}
	if tk := r.string(); r.err == nil && tk != tokenizerID {
		return fmt.Errorf("model uses text analysis %q, want %q", tk, tokenizerID)
	}
	dim, nTerms, nCommon := r.uvarint(), r.uvarint(), r.uvarint()
	if r.err == nil && (dim == 0 || dim > 1<<14 || nCommon > dim || nTerms > uint64(len(r.b))) {
		return fmt.Errorf("implausible sizes: dim %d, terms %d, common %d", dim, nTerms, nCommon)
	}
	if r.err == nil && nTerms*(dim+9) > uint64(len(r.b)) {
		return errors.New("truncated")
	}
	n := &Model{dim: int(dim), tok: newTokenizer(), terms: make([]string, 0, nTerms)}
	n.ids = make(map[string]int32, nTerms)
	for i := range int(nTerms) {
		t := r.string()
		if r.err != nil {
			break
		}
		if _, dup := n.ids[t]; dup || t == "" {
			return fmt.Errorf("term %d (%q) is empty or repeated", i, t)
		}
		n.ids[t] = int32(i)
		n.terms = append(n.terms, t)
	}
	phrases, ok := indexPhrases(n.terms, n.ids)
	if !ok {
		return errors.New("a phrase names words the vocabulary does not hold before it")
	}
	n.phrases = phrases
	n.weight = r.float32s(int(nTerms))
	n.scale = r.float32s(int(nTerms))
	vec := r.bytes(int(nTerms * dim))
	n.common = r.float32s(int(nCommon * dim))
	if r.err != nil {
		return r.err
	}
	if len(r.b) != 0 {
		return fmt.Errorf("%d unexpected trailing bytes", len(r.b))
	}
	n.vec = make([]int8, len(vec))
	for i, b := range vec {
		n.vec[i] = int8(b)
	}
	for _, fs := range [][]float32{n.weight, n.scale, n.common} {
		for _, f := range fs {
			if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
				return errors.New("non-finite number")
			}
		}
	}
	// data is the encoding the name hashes: decoding checked every byte
	// of it, and hashing it spares encoding the model again (a twentieth
	// of the CPU a node spends starting on a million papers).
	n.name = nameOf(n.dim, data)
	*m = *n
	return nil
}

// contentName derives the model's name from a hash of its encoding.
func (m *Model) contentName() string {
	data, _ := m.MarshalBinary()
	return nameOf(m.dim, data)
}

func nameOf(dim int, encoding []byte) string {
	sum := sha256.Sum256(encoding)
	return fmt.Sprintf("quire-static-%d-%x", dim, sum[:6])
}

func putUvarint(b *bytes.Buffer, v uint64) {
	b.Write(binary.AppendUvarint(nil, v))
}

func putString(b *bytes.Buffer, s string) {
	putUvarint(b, uint64(len(s)))
	b.WriteString(s)
}

func putFloat32s(b *bytes.Buffer, fs []float32) {
	var buf [4]byte
	for _, f := range fs {
		binary.LittleEndian.PutUint32(buf[:], math.Float32bits(f))
		b.Write(buf[:])
	}
}

// reader decodes from a byte slice, remembering the first error so that
// callers can check once.
type reader struct {
	b   []byte
	err error
}

var errTruncated = errors.New("truncated")

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = errTruncated
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) byte() byte {
	b := r.bytes(1)
	if b == nil {
		return 0
	}
	return b[0]
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errTruncated
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) string() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.err = errTruncated
		return ""
	}
	return string(r.bytes(int(n)))
}

func (r *reader) float32s(n int) []float32 {
	b := r.bytes(4 * n)
	if r.err != nil {
		return nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}
