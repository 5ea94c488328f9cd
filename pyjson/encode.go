package pyjson

import (
	"errors"
	"math"
	"strconv"
	"unicode/utf8"
)

// Encoding errors. Python raises them where FastAPI then answers 500.
var (
	// ErrOutOfRangeFloat is json.dumps(allow_nan=False) meeting NaN or an
	// infinity (also a literal such as 1e400 that overflows to one).
	ErrOutOfRangeFloat = errors.New("pyjson: Out of range float values are not JSON compliant")
	// ErrLoneSurrogate is the UTF-8 encoding of the rendered body failing on
	// a lone surrogate (Python: "surrogates not allowed").
	ErrLoneSurrogate = errors.New("pyjson: 'utf-8' codec can't encode a lone surrogate: surrogates not allowed")
	// ErrInvalidNumber reports an Int or Float whose Num is not a number, which
	// only a hand-built Value can have.
	ErrInvalidNumber = errors.New("pyjson: number value without a valid literal")
)

// AppendCompact appends v as FastAPI renders a response body:
// json.dumps(v, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
// encoded to UTF-8. On error dst is returned unchanged. When both kinds of
// failure are present, ErrOutOfRangeFloat wins, as in Python, where dumps
// fails before the UTF-8 encoding runs.
func AppendCompact(dst []byte, v *Value) ([]byte, error) {
	e := encoder{}
	out, err := e.value(dst, v)
	if err == nil && e.lone {
		err = ErrLoneSurrogate
	}
	if err != nil {
		return dst, err
	}
	return out, nil
}

// AppendSpaced appends v as Python's json.dumps(v) with default arguments
// renders it (WebSocket frames, multi-field error bodies): ", " and ": "
// separators, ASCII-only output with \uXXXX escapes (surrogate pairs above
// U+FFFF), NaN and Infinity written as such.
//
// Known difference: a lone surrogate, which Decode keeps only as U+FFFD, is
// written \ufffd where Python writes the original \udXXX.
func AppendSpaced(dst []byte, v *Value) ([]byte, error) {
	e := encoder{spaced: true}
	out, err := e.value(dst, v)
	if err != nil {
		return dst, err
	}
	return out, nil
}

type encoder struct {
	spaced bool // json.dumps defaults instead of FastAPI's compact form
	lone   bool // a lone surrogate was written (compact only fails at the end)
}

func (e *encoder) value(dst []byte, v *Value) ([]byte, error) {
	switch v.Kind {
	case Null:
		return append(dst, "null"...), nil
	case Bool:
		if v.Bool {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case Int:
		return appendIntLiteral(dst, v.Num)
	case Float:
		f, err := parseFloatLiteral(v.Num)
		if err != nil {
			return dst, err
		}
		if !e.spaced && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return dst, ErrOutOfRangeFloat
		}
		return AppendFloat(dst, f), nil
	case String:
		e.lone = e.lone || v.LoneSurrogate
		return AppendString(dst, v.Str, e.spaced), nil
	case Array:
		dst = append(dst, '[')
		for i := range v.Items {
			if i > 0 {
				dst = e.comma(dst)
			}
			var err error
			if dst, err = e.value(dst, &v.Items[i]); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case Object:
		dst = append(dst, '{')
		for i := range v.Members {
			m := &v.Members[i]
			if i > 0 {
				dst = e.comma(dst)
			}
			e.lone = e.lone || m.KeyLoneSurrogate
			dst = AppendString(dst, m.Key, e.spaced)
			dst = append(dst, ':')
			if e.spaced {
				dst = append(dst, ' ')
			}
			var err error
			if dst, err = e.value(dst, &m.Value); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	}
	return dst, errors.New("pyjson: value of unknown kind " + itoa(int(v.Kind)))
}

func (e *encoder) comma(dst []byte) []byte {
	if e.spaced {
		return append(dst, ", "...)
	}
	return append(dst, ',')
}

// appendIntLiteral writes an int literal as Python's int() then str() does.
// A JSON int literal is already canonical except for "-0".
func appendIntLiteral(dst []byte, num string) ([]byte, error) {
	if num == "" || num == "-" {
		return dst, ErrInvalidNumber
	}
	if num == "-0" {
		return append(dst, '0'), nil
	}
	return append(dst, num...), nil
}

// parseFloatLiteral is Python's float() of a JSON float literal (correctly
// rounded; overflow gives ±inf rather than an error, as in Python).
func parseFloatLiteral(num string) (float64, error) {
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, nil
		}
		return 0, ErrInvalidNumber
	}
	return f, nil
}

// AppendFloat appends Python's repr(f) as json.dumps writes it: the shortest
// digits that round-trip, ".0" on integral values, exponent form (1e-05,
// 1e+16) when the decimal exponent is below -4 or at least 16. NaN and the
// infinities are written NaN, Infinity and -Infinity, json.dumps's spelling.
func AppendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	// Shortest round-trip digits, as Go's and Python's algorithms agree on.
	var scratch [32]byte
	s := strconv.AppendFloat(scratch[:0], f, 'e', -1, 64)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	// s is d[.ddd]e±XX
	ePos := 0
	for ePos < len(s) && s[ePos] != 'e' {
		ePos++
	}
	mant, expPart := s[:ePos], s[ePos+1:]
	exp := 0
	for _, c := range expPart[1:] {
		exp = exp*10 + int(c-'0')
	}
	if expPart[0] == '-' {
		exp = -exp
	}
	if neg {
		dst = append(dst, '-')
	}
	if exp < -4 || exp >= 16 {
		// Go's 'e' form is Python's: two exponent digits at least, no ".0".
		return append(dst, s...)
	}
	var digits [17]byte
	nd := 0
	for _, c := range mant {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	if exp < 0 {
		dst = append(dst, "0."...)
		for i := -1; i > exp; i-- {
			dst = append(dst, '0')
		}
		return append(dst, digits[:nd]...)
	}
	intLen := exp + 1
	if nd <= intLen {
		dst = append(dst, digits[:nd]...)
		for i := nd; i < intLen; i++ {
			dst = append(dst, '0')
		}
		return append(dst, ".0"...)
	}
	dst = append(dst, digits[:intLen]...)
	dst = append(dst, '.')
	return append(dst, digits[intLen:nd]...)
}

const hexDigits = "0123456789abcdef"

// safeCompact[c] is true for the ASCII bytes json.dumps(ensure_ascii=False)
// writes as they are; safeASCII is the same for ensure_ascii=True, which also
// escapes DEL.
var safeCompact, safeASCII = func() (a, b [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		if c != '"' && c != '\\' {
			a[c] = true
			b[c] = c != 0x7F
		}
	}
	return a, b
}()

// AppendString appends s as a JSON string the way Python's json module
// writes it: ensure_ascii=False when asciiOnly is false (non-ASCII raw), and
// ensure_ascii=True otherwise. Escapes are \" \\ \n \r \t \b \f and \u00xx
// with lower-case hex for the other control characters. Bytes of s that are
// not valid UTF-8 are written as U+FFFD, since a Python str cannot hold them.
func AppendString(dst []byte, s string, asciiOnly bool) []byte {
	safe := &safeCompact
	if asciiOnly {
		safe = &safeASCII
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"':
				dst = append(dst, '\\', '"')
			case '\\':
				dst = append(dst, '\\', '\\')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = appendU4(dst, rune(c))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			if asciiOnly {
				dst = appendU4(dst, utf8.RuneError)
			} else {
				dst = append(dst, "\uFFFD"...)
			}
			i++
			start = i
			continue
		}
		if asciiOnly {
			dst = append(dst, s[start:i]...)
			if r >= 0x10000 {
				r -= 0x10000
				dst = appendU4(dst, 0xD800+(r>>10))
				dst = appendU4(dst, 0xDC00+(r&0x3FF))
			} else {
				dst = appendU4(dst, r)
			}
			start = i + size
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendU4(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}
