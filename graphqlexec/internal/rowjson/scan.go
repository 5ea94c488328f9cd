package rowjson

import (
	"strconv"
	"unicode/utf8"
)

func skipWS(in []byte, i int) int {
	for i < len(in) {
		switch in[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString returns the index just past the string token starting at
// in[i] ('"') and whether it contains escapes.
func scanString(in []byte, i int) (end int, escaped bool, err error) {
	i++
	for i < len(in) {
		switch c := in[i]; {
		case c == '"':
			return i + 1, escaped, nil
		case c == '\\':
			escaped = true
			i += 2
		case c < 0x20:
			return i, escaped, ErrSyntax
		default:
			i++
		}
	}
	return i, escaped, ErrSyntax
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

// skipValue returns the index just past the value at in[i].
func skipValue(in []byte, i, depth int) (int, error) {
	if depth > maxDepth {
		return i, ErrSyntax
	}
	if i >= len(in) {
		return i, ErrSyntax
	}
	switch c := in[i]; {
	case c == '"':
		end, _, err := scanString(in, i)
		return end, err
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = skipWS(in, i+1)
		if i < len(in) && in[i] == closer {
			return i + 1, nil
		}
		for {
			if c == '{' {
				if i >= len(in) || in[i] != '"' {
					return i, ErrSyntax
				}
				end, _, err := scanString(in, i)
				if err != nil {
					return i, err
				}
				i = skipWS(in, end)
				if i >= len(in) || in[i] != ':' {
					return i, ErrSyntax
				}
				i = skipWS(in, i+1)
			}
			end, err := skipValue(in, i, depth+1)
			if err != nil {
				return i, err
			}
			i = skipWS(in, end)
			if i >= len(in) {
				return i, ErrSyntax
			}
			if in[i] == closer {
				return i + 1, nil
			}
			if in[i] != ',' {
				return i, ErrSyntax
			}
			i = skipWS(in, i+1)
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(in, i)
	case c == 't':
		return skipLit(in, i, "true")
	case c == 'f':
		return skipLit(in, i, "false")
	case c == 'n':
		return skipLit(in, i, "null")
	}
	return i, ErrSyntax
}

func skipLit(in []byte, i int, lit string) (int, error) {
	if len(in)-i < len(lit) || string(in[i:i+len(lit)]) != lit {
		return i, ErrSyntax
	}
	return i + len(lit), nil
}

// appendStringToken writes a scanned string token (quotes included). A
// token without escapes is copied as is: PostgreSQL escapes exactly what
// serde_json escapes and leaves the rest raw, and a raw token cannot hold a
// control character (scanString rejects it). Escaped tokens are decoded and
// re-encoded, so that escapes serde writes differently (\/, \u00e9, upper-case
// hex) come out in serde's form.
func appendStringToken(dst, tok []byte, escaped bool) []byte {
	if !escaped {
		if utf8.Valid(tok) {
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
