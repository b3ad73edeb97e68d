package lexical

import "math"

// scorer holds the query-time constants of BM25's length normalisation:
// K(wlen) = k1·(1 − b + b·wlen/avgwlen) = k1b0 + k1bAvg·wlen.
type scorer struct {
	k1b0   float64
	k1bAvg float64
}

// scorerLocked returns the scorer for the current statistics. The caller
// holds mu.
func (ix *Index) scorerLocked() scorer {
	avg := 1.0
	if ix.live > 0 && ix.totalWlen > 0 {
		avg = ix.totalWlen / float64(ix.live)
	}
	return scorer{k1b0: ix.p.K1 * (1 - ix.p.B), k1bAvg: ix.p.K1 * ix.p.B / avg}
}

// k returns K(wlen).
func (sc *scorer) k(wlen float32) float64 { return sc.k1b0 + sc.k1bAvg*float64(wlen) }

// tfNorm returns wtf / (wtf + K(wlen)): a term's contribution before it is
// multiplied by idf·qtf·(k1+1).
func (sc *scorer) tfNorm(wtf, wlen float32) float64 {
	if wtf <= 0 {
		return 0
	}
	w := float64(wtf)
	return w / (w + sc.k(wlen))
}

func (sc *scorer) maxTfNorm(imps []impact) float64 {
	m := 0.0
	for _, im := range imps {
		m = max(m, sc.tfNorm(im.wtf, im.wlen))
	}
	return m
}

// idf is BM25's inverse document frequency, always positive.
func idf(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}
