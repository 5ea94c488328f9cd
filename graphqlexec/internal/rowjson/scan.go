package rowjson

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// skipWS returns the index of the first non-whitespace byte at or after i.
// Every byte above ' ' returns at the first test, which is the common case:
// PostgreSQL writes exactly one space after ':' and ','.
func skipWS(in []byte, i int) int {
	for i < len(in) && in[i] <= ' ' {
		switch in[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// Flags scanString reports about a string token.
const (
	strEscaped  uint8 = 1 << iota // holds a backslash escape
	strNonASCII                   // holds a byte >= 0x80 outside escapes
)

// Word-at-a-time constants: every byte 0x01, every byte 0x80.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// stopMask sets the high bit of each byte of w (little-endian) that ends a
// run of plain string bytes: '"', '\\' or a control character. It is the
// classic "has zero byte" test, (x-0x01..) &^ x & 0x80.., applied to w^'"',
// w^'\\' and, as "has byte below 0x20", to w; the three &^ x factors are
// all ^w's high bits (neither '"' nor '\\' has bit 7 set), so they are
// shared. Bytes above the lowest flagged one may be flagged falsely (a
// borrow carries into them), so only the lowest set bit is meaningful; it is
// exact, because no borrow reaches the bytes below the first true hit.
func stopMask(w uint64) uint64 {
	// In Go '-' and '|' share a precedence level: every term needs its
	// parentheses.
	quote := (w ^ (lsb * '"')) - lsb
	backslash := (w ^ (lsb * '\\')) - lsb
	control := w - lsb*0x20
	return (quote | backslash | control) &^ w & msb
}

// scanString returns the index just past the string token starting at
// in[i] ('"') and flags describing it. Plain runs are skipped eight bytes
// at a time: row documents are mostly string bytes, and this loop is where
// the transformer spends most of its time.
func scanString(in []byte, i int) (end int, flags uint8, err error) {
	var high uint64 // OR of the plain bytes seen: bit 7 of a byte set means non-ASCII
	i++
	for {
		// Find the next '"', '\\' or control byte at or after i.
		for i+8 <= len(in) {
			w := binary.LittleEndian.Uint64(in[i:])
			m := stopMask(w)
			if m == 0 {
				high |= w
				i += 8
				continue
			}
			// m^(m-1) keeps the bytes up to the stop byte, which is
			// itself ASCII.
			high |= w & (m ^ (m - 1))
			i += bits.TrailingZeros64(m) >> 3 // index of the stop byte in w
			goto stop
		}
		for i < len(in) {
			c := in[i]
			if c == '"' || c == '\\' || c < 0x20 {
				goto stop
			}
			high |= uint64(c)
			i++
		}
		return i, flags, ErrSyntax
	stop:
		switch in[i] {
		case '"':
			if high&msb != 0 {
				flags |= strNonASCII
			}
			return i + 1, flags, nil
		case '\\':
			// The escaped byte is skipped unexamined, as before: escaped
			// tokens are always decoded and re-encoded, never copied.
			flags |= strEscaped
			i += 2
		default:
			return i, flags, ErrSyntax
		}
	}
}

// scanNumber returns the end of the JSON number token at in[i].
func scanNumber(in []byte, i int) (int, error) {
	start := i
	if i < len(in) && in[i] == '-' {
		i++
	}
	digits := func() int {
		s := i
		for i < len(in) && in[i] >= '0' && in[i] <= '9' {
			i++
		}
		return i - s
	}
	if i < len(in) && in[i] == '0' {
		i++
	} else if digits() == 0 {
		return start, ErrSyntax
	}
	if i < len(in) && in[i] == '.' {
		i++
		if digits() == 0 {
			return start, ErrSyntax
		}
	}
	if i < len(in) && (in[i] == 'e' || in[i] == 'E') {
		i++
		if i < len(in) && (in[i] == '+' || in[i] == '-') {
			i++
		}
		if digits() == 0 {
			return start, ErrSyntax
		}
	}
	return i, nil
}

// skipValue returns the index just past the value at in[i] and, for a
// string, scanString's flags (0 for other values). It validates what it
// skips: a malformed document is an error wherever the fault lies.
func skipValue(in []byte, i, depth int) (int, uint8, error) {
	if depth > maxDepth {
		return i, 0, ErrSyntax
	}
	if i >= len(in) {
		return i, 0, ErrSyntax
	}
	switch c := in[i]; {
	case c == '"':
		return scanString(in, i)
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = skipWS(in, i+1)
		if i < len(in) && in[i] == closer {
			return i + 1, 0, nil
		}
		for {
			if c == '{' {
				if i >= len(in) || in[i] != '"' {
					return i, 0, ErrSyntax
				}
				end, _, err := scanString(in, i)
				if err != nil {
					return i, 0, err
				}
				i = skipWS(in, end)
				if i >= len(in) || in[i] != ':' {
					return i, 0, ErrSyntax
				}
				i = skipWS(in, i+1)
			}
			end, _, err := skipValue(in, i, depth+1)
			if err != nil {
				return i, 0, err
			}
			i = skipWS(in, end)
			if i >= len(in) {
				return i, 0, ErrSyntax
			}
			if in[i] == closer {
				return i + 1, 0, nil
			}
			if in[i] != ',' {
				return i, 0, ErrSyntax
			}
			i = skipWS(in, i+1)
		}
	case c == '-' || (c >= '0' && c <= '9'):
		end, err := scanNumber(in, i)
		return end, 0, err
	case c == 't':
		return skipLit(in, i, "true")
	case c == 'f':
		return skipLit(in, i, "false")
	case c == 'n':
		return skipLit(in, i, "null")
	}
	return i, 0, ErrSyntax
}

func skipLit(in []byte, i int, lit string) (int, uint8, error) {
	if len(in)-i < len(lit) || string(in[i:i+len(lit)]) != lit {
		return i, 0, ErrSyntax
	}
	return i + len(lit), 0, nil
}

// appendStringToken writes a scanned string token (quotes included) given
// scanString's flags. A token without escapes is copied as is: PostgreSQL
// escapes exactly what serde_json escapes and leaves the rest raw, and a raw
// token cannot hold a control character (scanString rejects it); only a
// non-ASCII one needs its UTF-8 checked. Escaped tokens are decoded and
// re-encoded, so that escapes serde writes differently (\/, \u00e9,
// upper-case hex) come out in serde's form.
func appendStringToken(dst, tok []byte, flags uint8) []byte {
	if flags&strEscaped == 0 {
		if flags&strNonASCII == 0 || utf8.Valid(tok) {
			return append(dst, tok...)
		}
		return appendStringBytes(dst, tok[1:len(tok)-1])
	}
	// Decode into the tail of dst, then encode from a copy: decoding never
	// grows the text, but encoding may, so decode in place first.
	mark := len(dst)
	dst = appendUnescaped(dst, tok[1:len(tok)-1])
	raw := make([]byte, len(dst)-mark)
	copy(raw, dst[mark:])
	return appendStringBytes(dst[:mark], raw)
}

// appendUnescaped decodes the body of a JSON string (without quotes). An
// invalid or lone surrogate escape becomes U+FFFD.
func appendUnescaped(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			dst = append(dst, c)
			continue
		}
		i++
		switch s[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, n := decodeU(s[i+1:])
			i += n
			if r >= 0xd800 && r < 0xdc00 && i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
				r2, n2 := decodeU(s[i+3:])
				if r2 >= 0xdc00 && r2 < 0xe000 {
					r = 0x10000 + (r-0xd800)<<10 + (r2 - 0xdc00)
					i += 2 + n2
				}
			}
			if r >= 0xd800 && r < 0xe000 || r < 0 {
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		default: // \" \\ \/
			dst = append(dst, s[i])
		}
	}
	return dst
}

func decodeU(s []byte) (rune, int) {
	if len(s) < 4 {
		return -1, len(s)
	}
	v, err := strconv.ParseUint(string(s[:4]), 16, 32)
	if err != nil {
		return -1, 4
	}
	return rune(v), 4
}

const hexdigits = "0123456789abcdef"

// appendString writes s as a serde_json string literal.
func appendString(dst []byte, s string) []byte {
	return appendStringBytes(dst, []byte(s))
}

// appendStringBytes writes s as serde_json does: escapes \" \\ \b \f \n \r
// \t, other control characters as lower-case \u00xx, everything else raw
// (invalid UTF-8 becomes U+FFFD, as a Rust String cannot hold it).
func appendStringBytes(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x80 {
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\uFFFD"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexdigits[c>>4], hexdigits[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendString writes s as a serde_json string literal.
func AppendString(dst []byte, s string) []byte {
	return appendString(dst, s)
}
