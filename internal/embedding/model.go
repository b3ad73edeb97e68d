package embedding

import (
	"context"
	"math"
)

// Model is the built-in embedder: static word vectors learned from the
// catalogue, pooled with frequency-aware weights, with the component common
// to all documents removed. It is safe for concurrent use.
type Model struct {
	name   string
	dim    int
	tok    tokenizer
	ids    map[string]int32
	terms  []string
	weight []float32 // pooling weight of each term
	scale  []float32 // int8 → float factor of each term's vector
	vec    []int8    // terms × dim
	common []float32 // unit vectors (each dim long) projected out of every embedding

	phrases map[uint64]uint32 // adjacent word ids → phrase id (phrase.go)
}

// Name identifies the model: its kind, dimension and a hash of its content,
// so that vectors from different trainings are never mixed.
func (m *Model) Name() string { return m.name }

// Dim returns the vector length.
func (m *Model) Dim() int { return m.dim }

// Terms returns the vocabulary size.
func (m *Model) Terms() int { return len(m.terms) }

// Embed returns the unit-length vector of each text; texts with no known
// term get the zero vector. It never fails except when ctx is done.
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	var terms []string
	var ids []uint32
	for i, text := range texts {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		terms, ids = m.termIDs(text, terms[:0], ids[:0])
		out[i] = make([]float32, m.dim)
		m.embedIDs(ids, out[i])
	}
	return out, nil
}

// termIDs appends to ids the ids of text's known terms and phrases, using
// terms as scratch space; it returns both slices for reuse.
func (m *Model) termIDs(text string, terms []string, ids []uint32) ([]string, []uint32) {
	terms = m.tok.appendTerms(terms, text)
	for _, t := range terms {
		if id, ok := m.ids[t]; ok {
			ids = append(ids, uint32(id))
		}
	}
	return terms, appendPhrases(m.phrases, ids)
}

// embedIDs writes into dst (zeroed, dim long) the embedding of a text
// given as term ids.
func (m *Model) embedIDs(ids []uint32, dst []float32) {
	dst = dst[:m.dim]
	for _, id := range ids {
		f := m.weight[id] * m.scale[id]
		row := m.vec[int(id)*m.dim : int(id+1)*m.dim]
		axpyInt8(f, row, dst)
	}
	for c := 0; c+m.dim <= len(m.common); c += m.dim {
		u := m.common[c : c+m.dim]
		axpy(-dot(u, dst), u, dst)
	}
	normalize(dst)
}

// axpyInt8 adds alpha·row[j] to dst[j]: most of the cost of embedding a
// text, so in assembly where the processor allows, else four at a time
// with the bounds proved once.
func axpyInt8(alpha float32, row []int8, dst []float32) {
	dst = dst[:len(row)]
	if n8 := len(row) &^ 7; useAVX2 && n8 > 0 {
		axpyInt8AVX2(alpha, &row[0], &dst[0], n8)
		row, dst = row[n8:], dst[n8:]
	}
	axpyInt8Go(alpha, row, dst)
}

// axpyInt8Go is axpyInt8 in Go.
func axpyInt8Go(alpha float32, row []int8, dst []float32) {
	dst = dst[:len(row)]
	j := 0
	for ; j+4 <= len(row); j += 4 {
		r, d := row[j:j+4:j+4], dst[j:j+4:j+4]
		d[0] += alpha * float32(r[0])
		d[1] += alpha * float32(r[1])
		d[2] += alpha * float32(r[2])
		d[3] += alpha * float32(r[3])
	}
	for ; j < len(row); j++ {
		dst[j] += alpha * float32(row[j])
	}
}

// quantizeRows stores each row of w as int8 with its own scale.
func quantizeRows(w *dense) (vec []int8, scale []float32) {
	vec = make([]int8, len(w.d))
	scale = make([]float32, w.rows)
	for i := range w.rows {
		row := w.row(i)
		var peak float32
		for _, x := range row {
			peak = max(peak, float32(math.Abs(float64(x))))
		}
		if peak == 0 {
			continue
		}
		scale[i] = peak / 127
		q := vec[i*w.cols : (i+1)*w.cols]
		for j, x := range row {
			q[j] = int8(math.Round(float64(x / scale[i])))
		}
	}
	return vec, scale
}
