package plan

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fraiseql/fraiseql-http/graphqlexec/pyjson"
)

// pyStr renders a value as Python's str() renders the value v1 received
// (json.loads or graphql-core coercion): v1 binds str(value) as the text
// parameter of JSONB comparisons and builds LIKE patterns with f-strings.
func pyStr(b *strings.Builder, v *pyjson.Value) {
	switch v.Kind {
	case pyjson.String:
		b.WriteString(v.Str)
	default:
		pyRepr(b, v)
	}
}

// pyRepr renders a value as Python's repr() does (used for list and dict
// members, whose str() is built from repr()).
func pyRepr(b *strings.Builder, v *pyjson.Value) {
	switch v.Kind {
	case pyjson.Null:
		b.WriteString("None")
	case pyjson.Bool:
		if v.Bool {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case pyjson.Int:
		// json.loads("-0") is the int 0; other integers keep their digits.
		if n, err := strconv.ParseInt(v.Num, 10, 64); err == nil {
			b.WriteString(strconv.FormatInt(n, 10))
		} else {
			b.WriteString(strings.TrimPrefix(v.Num, "+"))
		}
	case pyjson.Float:
		f, _ := strconv.ParseFloat(v.Num, 64)
		b.WriteString(PyFloatRepr(f))
	case pyjson.String:
		pyReprString(b, v.Str)
	case pyjson.Array:
		b.WriteByte('[')
		for i := range v.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			pyRepr(b, &v.Items[i])
		}
		b.WriteByte(']')
	case pyjson.Object:
		b.WriteByte('{')
		for i := range v.Members {
			if i > 0 {
				b.WriteString(", ")
			}
			pyReprString(b, v.Members[i].Key)
			b.WriteString(": ")
			pyRepr(b, &v.Members[i].Value)
		}
		b.WriteByte('}')
	}
}

// PyFloatRepr formats f as Python's repr(float): shortest round-trip
// digits, exponent form when the decimal exponent is < -4 or >= 16.
func PyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expPart, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expPart)
	if exp < -4 || exp >= 16 {
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		e := strconv.Itoa(exp)
		if len(e) < 2 {
			e = "0" + e
		}
		return mant + "e" + sign + e
	}
	s = strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// pyReprString renders a str as repr() does: single quotes unless the text
// holds a single quote and no double quote.
func pyReprString(b *strings.Builder, s string) {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError:
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatInt(int64(r)>>4, 16))
			b.WriteString(strconv.FormatInt(int64(r)&0xf, 16))
		case r > 0x7f && !unicode.IsPrint(r) && r != ' ':
			if r <= 0xffff {
				b.WriteString(`\u`)
				b.WriteString(leftPad(strconv.FormatInt(int64(r), 16), 4))
			} else {
				b.WriteString(`\U`)
				b.WriteString(leftPad(strconv.FormatInt(int64(r), 16), 8))
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}
