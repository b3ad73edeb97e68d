package embedding

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// A tokenizer turns text into index terms: lowercased, stemmed, stop words
// dropped. The built-in model only needs the terms, so this small interface
// lets it share the search index's analyser.
type tokenizer interface {
	appendTerms(dst []string, text string) []string
}

// maxTokenBytes drops longer "words", which are URLs, hashes or base64.
const maxTokenBytes = 64

// plainTokenizer splits text into runs of letters and digits (so "test-time"
// gives test and time, "model's" gives model), lowercases them, drops
// English stop words and stems with Porter2.
type plainTokenizer struct {
	cache stemCache
}

func newPlainTokenizer() *plainTokenizer { return &plainTokenizer{} }

func (t *plainTokenizer) appendTerms(dst []string, text string) []string {
	var buf [maxTokenBytes + utf8.UTFMax]byte
	word := buf[:0]
	tooLong := false
	flush := func() {
		if len(word) > 0 && !tooLong {
			if term, ok := t.cache.term(word); ok {
				dst = append(dst, term)
			}
		}
		word, tooLong = buf[:0], false
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				flush()
				continue
			}
			if len(word) < maxTokenBytes {
				word = append(word, c)
			} else {
				tooLong = true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if len(word)+utf8.RuneLen(r) <= maxTokenBytes {
			word = utf8.AppendRune(word, unicode.ToLower(r))
		} else {
			tooLong = true
		}
	}
	flush()
	return dst
}

// stemCache maps surface words to terms. It is sharded to keep lock
// contention low, and each shard is emptied when full so that a stream of
// unique junk tokens cannot grow it without bound.
type stemCache struct {
	shards [16]stemShard
}

type stemShard struct {
	mu sync.RWMutex
	m  map[string]string // word → term; "" for stop words
}

const stemShardCap = 1 << 14

func (c *stemCache) term(word []byte) (string, bool) {
	h := uint32(2166136261)
	for _, b := range word {
		h = (h ^ uint32(b)) * 16777619
	}
	s := &c.shards[h%uint32(len(c.shards))]
	s.mu.RLock()
	term, ok := s.m[string(word)]
	s.mu.RUnlock()
	if !ok {
		w := string(word)
		if !english.IsStopWord(w) && !(len(w) == 1 && w[0] >= 'a' && w[0] <= 'z') {
			term = english.Stem(w, false)
		}
		s.mu.Lock()
		if s.m == nil || len(s.m) >= stemShardCap {
			s.m = make(map[string]string, 1024)
		}
		s.m[w] = term
		s.mu.Unlock()
	}
	return term, term != ""
}
