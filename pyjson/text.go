package pyjson

import (
	"encoding/binary"
	"unicode/utf8"
)

// This file turns body bytes into the text json.loads parses, as CPython's
// json.loads(bytes) does: s.decode(json.detect_encoding(s), "surrogatepass").
//
// The text is kept as generalized UTF-8 ("WTF-8"): surrogate code points,
// which "surrogatepass" lets through, are stored as their 3-byte form
// ED A0..BF 80..BF. Every code point still has exactly one non-continuation
// byte, so a byte offset converts to CPython's character offset by counting
// those bytes (see charOffset).

// EncodingError reports body bytes that Python cannot decode to text (a
// UnicodeDecodeError, which FastAPI answers with 400 "There was an error
// parsing the body", not with a JSON decode error).
type EncodingError struct {
	Encoding string // the codec json.detect_encoding chose, e.g. "utf-8"
	Offset   int    // byte offset of the offending input, for the log only
	Reason   string // e.g. "invalid start byte"
}

func (e *EncodingError) Error() string {
	return "pyjson: '" + e.Encoding + "' codec can't decode byte at position " + itoa(e.Offset) + ": " + e.Reason
}

const (
	encUTF8 = iota
	encUTF8Sig
	encUTF16
	encUTF16BE
	encUTF16LE
	encUTF32
	encUTF32BE
	encUTF32LE
)

var encodingNames = [...]string{"utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be", "utf-32-le"}

// detectEncoding is json.detect_encoding: BOMs first (UTF-32 before UTF-16,
// since FF FE 00 00 starts with FF FE), then the NUL patterns an ASCII
// first character leaves in UTF-16/32.
func detectEncoding(b []byte) int {
	switch {
	case len(b) >= 4 && ((b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF) ||
		(b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0)):
		return encUTF32
	case len(b) >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE)):
		return encUTF16
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		return encUTF8Sig
	}
	if len(b) >= 4 {
		if b[0] == 0 {
			if b[1] != 0 {
				return encUTF16BE
			}
			return encUTF32BE
		}
		if b[1] == 0 {
			if b[2] != 0 || b[3] != 0 {
				return encUTF16LE
			}
			return encUTF32LE
		}
	} else if len(b) == 2 {
		if b[0] == 0 {
			return encUTF16BE
		}
		if b[1] == 0 {
			return encUTF16LE
		}
	}
	return encUTF8
}

// decodeText returns the text of body and whether it holds any surrogate
// code point. UTF-8 input, the common case, costs one validation pass and
// one copy.
func decodeText(body []byte) (text string, surrogates bool, err error) {
	enc := detectEncoding(body)
	switch enc {
	case encUTF8, encUTF8Sig:
		if enc == encUTF8Sig {
			body = body[3:]
		}
		surrogates, err = checkUTF8(body, enc)
		if err != nil {
			return "", false, err
		}
		return string(body), surrogates, nil
	case encUTF16:
		// The "utf-16" codec reads the byte order from the BOM and drops it.
		if body[0] == 0xFF {
			return decodeUTF16(body[2:], binary.LittleEndian, enc)
		}
		return decodeUTF16(body[2:], binary.BigEndian, enc)
	case encUTF16BE:
		return decodeUTF16(body, binary.BigEndian, enc)
	case encUTF16LE:
		return decodeUTF16(body, binary.LittleEndian, enc)
	case encUTF32:
		if body[0] == 0xFF {
			return decodeUTF32(body[4:], binary.LittleEndian, enc)
		}
		return decodeUTF32(body[4:], binary.BigEndian, enc)
	case encUTF32BE:
		return decodeUTF32(body, binary.BigEndian, enc)
	default:
		return decodeUTF32(body, binary.LittleEndian, enc)
	}
}

// checkUTF8 validates b the way CPython's strict UTF-8 decoder does, except
// that encoded surrogates (ED A0..BF xx) pass, as "surrogatepass" allows.
func checkUTF8(b []byte, enc int) (surrogates bool, err error) {
	i := 0
	for i < len(b) {
		// ASCII runs dominate request bodies: skip them eight bytes at a time.
		for i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 == 0 {
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		if c < 0x80 {
			i++
			continue
		}
		var size int
		lo, hi := byte(0x80), byte(0xBF)
		switch {
		case c >= 0xC2 && c <= 0xDF:
			size = 2
		case c == 0xE0:
			size, lo = 3, 0xA0
		case c == 0xED:
			size = 3
			if i+1 < len(b) && b[i+1] >= 0xA0 && b[i+1] <= 0xBF {
				surrogates = true
			}
		case c >= 0xE1 && c <= 0xEF:
			size = 3
		case c == 0xF0:
			size, lo = 4, 0x90
		case c >= 0xF1 && c <= 0xF3:
			size = 4
		case c == 0xF4:
			size, hi = 4, 0x8F
		default:
			return false, &EncodingError{Encoding: encodingNames[enc], Offset: i, Reason: "invalid start byte"}
		}
		for k := 1; k < size; k++ {
			if i+k >= len(b) {
				return false, &EncodingError{Encoding: encodingNames[enc], Offset: i, Reason: "unexpected end of data"}
			}
			cc := b[i+k]
			if k == 1 && (cc < lo || cc > hi) || k > 1 && (cc < 0x80 || cc > 0xBF) {
				return false, &EncodingError{Encoding: encodingNames[enc], Offset: i, Reason: "invalid continuation byte"}
			}
		}
		i += size
	}
	return surrogates, nil
}

// appendWTF8 appends code point r, writing surrogates in their 3-byte form
// (utf8.AppendRune would turn them into U+FFFD).
func appendWTF8(dst []byte, r rune) []byte {
	if r >= 0xD800 && r <= 0xDFFF {
		return append(dst, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
	return utf8.AppendRune(dst, r)
}

func decodeUTF16(b []byte, order binary.ByteOrder, enc int) (string, bool, error) {
	out := make([]byte, 0, len(b)/2*3/2+8)
	surrogates := false
	n := len(b) &^ 1
	for i := 0; i < n; i += 2 {
		u := rune(order.Uint16(b[i:]))
		if u >= 0xD800 && u <= 0xDBFF && i+4 <= n {
			if u2 := rune(order.Uint16(b[i+2:])); u2 >= 0xDC00 && u2 <= 0xDFFF {
				out = utf8.AppendRune(out, 0x10000+(u-0xD800)<<10+(u2-0xDC00))
				i += 2
				continue
			}
		}
		if u >= 0xD800 && u <= 0xDFFF {
			surrogates = true
		}
		out = appendWTF8(out, u)
	}
	if n != len(b) {
		return "", false, &EncodingError{Encoding: encodingNames[enc], Offset: n, Reason: "truncated data"}
	}
	return string(out), surrogates, nil
}

func decodeUTF32(b []byte, order binary.ByteOrder, enc int) (string, bool, error) {
	out := make([]byte, 0, len(b)/4+8)
	surrogates := false
	n := len(b) &^ 3
	for i := 0; i < n; i += 4 {
		u := order.Uint32(b[i:])
		if u > utf8.MaxRune {
			return "", false, &EncodingError{Encoding: encodingNames[enc], Offset: i, Reason: "code point not in range(0x110000)"}
		}
		if u >= 0xD800 && u <= 0xDFFF {
			surrogates = true // UTF-32 never pairs them: each stays a lone code point
		}
		out = appendWTF8(out, rune(u))
	}
	if n != len(b) {
		return "", false, &EncodingError{Encoding: encodingNames[enc], Offset: n, Reason: "truncated data"}
	}
	return string(out), surrogates, nil
}

// charOffset converts a byte offset into text to CPython's str index.
func charOffset(text string, off int) int {
	n := 0
	for i := 0; i < off && i < len(text); i++ {
		if text[i]&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

func itoa(i int) string {
	var b [20]byte
	return string(appendInt(b[:0], i))
}

func appendInt(dst []byte, i int) []byte {
	if i < 0 {
		dst = append(dst, '-')
		i = -i
	}
	var b [20]byte
	p := len(b)
	for {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	return append(dst, b[p:]...)
}
