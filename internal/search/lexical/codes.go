package lexical

import (
	"encoding/binary"
	"math/bits"
)

// tfs are the per-field term frequencies of one posting, packed into one
// word: abstract in the low 16 bits, title and authors in 8 bits each.
// Frequencies saturate at the field's maximum.
type tfs uint32

func makeTfs(title, abstract, authors int) tfs {
	return tfs(min(abstract, 0xffff)) | tfs(min(title, 0xff))<<16 | tfs(min(authors, 0xff))<<24
}

func (f tfs) title() uint32    { return uint32(f>>16) & 0xff }
func (f tfs) abstract() uint32 { return uint32(f) & 0xffff }
func (f tfs) authors() uint32  { return uint32(f >> 24) }

// A posting's frequencies are stored in one byte when they are small
// (abstract ≤ 31, title ≤ 3, authors ≤ 1, which covers nearly all postings):
// abstract | title<<5 | authors<<7. escapeCode, whose value would otherwise
// mean (3, 31, 1), says the exact frequencies follow as a varint in the
// block's exception list.
const escapeCode = 0xff

func byteCode(f tfs) (byte, bool) {
	if f.abstract() > 31 || f.title() > 3 || f.authors() > 1 {
		return escapeCode, false
	}
	c := byte(f.abstract()) | byte(f.title())<<5 | byte(f.authors())<<7
	if c == escapeCode {
		return escapeCode, false
	}
	return c, true
}

func unpackByteCode(c byte) tfs {
	return makeTfs(int(c>>5&3), int(c&31), int(c>>7))
}

// appendBits appends vals bit-packed at width w (0..32), low bits first.
func appendBits(dst []byte, vals []uint32, w uint) []byte {
	if w == 0 {
		return dst
	}
	var acc uint64
	var nb uint
	for _, v := range vals {
		acc |= uint64(v) << nb
		nb += w
		for nb >= 8 {
			dst = append(dst, byte(acc))
			acc >>= 8
			nb -= 8
		}
	}
	if nb > 0 {
		dst = append(dst, byte(acc))
	}
	return dst
}

// readBits unpacks len(out) values of width w from src and returns the
// number of bytes consumed, or -1 if src is too short. It refills a 64-bit
// buffer 32 bits at a time while src has them.
func readBits(src []byte, out []uint32, w uint) int {
	if w == 0 {
		clear(out)
		return 0
	}
	need := (len(out)*int(w) + 7) / 8
	if len(src) < need {
		return -1
	}
	mask := uint64(1)<<w - 1
	var buf uint64
	var nb uint
	p, i := 0, 0
	for ; i < len(out); i++ {
		if nb < w {
			if p+4 > len(src) {
				break
			}
			buf |= uint64(binary.LittleEndian.Uint32(src[p:])) << nb
			p += 4
			nb += 32
		}
		out[i] = uint32(buf & mask)
		buf >>= w
		nb -= w
	}
	for ; i < len(out); i++ {
		for nb < w {
			buf |= uint64(src[p]) << nb
			p++
			nb += 8
		}
		out[i] = uint32(buf & mask)
		buf >>= w
		nb -= w
	}
	return need
}

// bitWidth returns the number of bits needed for v.
func bitWidth(v uint32) uint { return uint(bits.Len32(v)) }

// uvarint reads a varint at src[p:] and returns it and the next offset, or
// p = -1 when src is malformed.
func uvarint(src []byte, p int) (uint64, int) {
	if p < 0 || p >= len(src) {
		return 0, -1
	}
	if b := src[p]; b < 0x80 {
		return uint64(b), p + 1
	}
	v, n := binary.Uvarint(src[p:])
	if n <= 0 {
		return 0, -1
	}
	return v, p + n
}
