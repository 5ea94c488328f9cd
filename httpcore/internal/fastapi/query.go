package fastapi

import (
	"strings"
	"unicode/utf8"
)

// QueryParam returns the value of key in a raw query string the way
// Starlette's request.query_params reads it, so that GET /graphql sees the
// same text v1 saw:
//
//   - the raw bytes are decoded as latin-1, then parse_qsl(...,
//     keep_blank_values=True) splits on '&' only and on the first '=';
//   - '+' becomes a space, then %XX escapes are decoded per run of ASCII
//     characters as UTF-8 with errors="replace" (a malformed escape stays as
//     typed, invalid UTF-8 becomes U+FFFD per maximal invalid subpart);
//   - a repeated key keeps its last value (a dict built from the pairs).
//
// ok is false when the key is absent.
func QueryParam(raw, key string) (value string, ok bool) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		name, val, _ := strings.Cut(pair, "=")
		if unquotePlus(name) == key {
			value, ok = unquotePlus(val), true
		}
	}
	return value, ok
}

// unquotePlus is urllib.parse.unquote_plus of a latin-1-decoded string.
func unquotePlus(s string) string {
	if !strings.ContainsAny(s, "%+") && isASCII(s) {
		return s
	}
	var out []byte
	var run []byte // percent-decoded bytes of the current ASCII run
	flush := func() {
		out = appendUTF8Replace(out, run)
		run = run[:0]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			// Outside an ASCII run: the latin-1 character is kept as is.
			flush()
			out = utf8.AppendRune(out, rune(c))
		case c == '+':
			run = append(run, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			run = append(run, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			run = append(run, c)
		}
	}
	flush()
	return string(out)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// appendUTF8Replace decodes b as CPython's UTF-8 codec with errors="replace":
// each maximal subpart of an ill-formed sequence becomes one U+FFFD (a
// truncated but otherwise valid prefix counts as one subpart).
func appendUTF8Replace(dst, b []byte) []byte {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r != utf8.RuneError || size > 1 {
			dst = append(dst, b[:size]...)
			b = b[size:]
			continue
		}
		dst = append(dst, "\uFFFD"...)
		b = b[maximalSubpart(b):]
	}
	return dst
}

// maximalSubpart returns the length of the ill-formed prefix of b that
// Unicode's "maximal subpart" practice replaces by one U+FFFD.
func maximalSubpart(b []byte) int {
	c := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		need = 2
	case c == 0xED:
		need, hi = 2, 0x9F
	case c == 0xF0:
		need, lo = 3, 0x90
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 1
	}
	n := 1
	for k := 0; k < need && n < len(b); k++ {
		if b[n] < lo || b[n] > hi {
			break
		}
		lo, hi = 0x80, 0xBF
		n++
	}
	return n
}
