package pyjson

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Repr returns Python's repr() of the value json.loads would have returned
// for v. graphql-core and FraiseQL put such reprs into error messages
// ("Variable '$id' got invalid value 5; …", "{'eq': 'a'}"), and v1 binds
// str() of list values as SQL parameters, so the text must be Python's.
func Repr(v *Value) string {
	var b strings.Builder
	writeRepr(&b, v)
	return b.String()
}

// Str returns Python's str() of the value: the text itself for a string,
// repr() for everything else (str of a list or dict is built from repr of
// its members).
func StrOf(v *Value) string {
	if v.Kind == String {
		return v.Str
	}
	return Repr(v)
}

// FloatRepr is Python's repr(float), including nan, inf and -inf, which
// AppendFloat never has to write because JSON cannot carry them.
func FloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return string(AppendFloat(nil, f))
}

func writeRepr(b *strings.Builder, v *Value) {
	switch v.Kind {
	case Null:
		b.WriteString("None")
	case Bool:
		if v.Bool {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case Int:
		// Python's int drops what the literal may carry that the number does
		// not: "-0" is 0. JSON integers have no leading zeros or plus sign.
		if v.Num == "-0" {
			b.WriteByte('0')
		} else {
			b.WriteString(v.Num)
		}
	case Float:
		f, err := strconv.ParseFloat(v.Num, 64)
		if err != nil && !math.IsInf(f, 0) {
			f = math.NaN() // "NaN"; "Infinity" and overflowing literals parse to ±Inf
		}
		b.WriteString(FloatRepr(f))
	case String:
		writeReprString(b, v.Str)
	case Array:
		b.WriteByte('[')
		for i := range v.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, &v.Items[i])
		}
		b.WriteByte(']')
	case Object:
		b.WriteByte('{')
		for i := range v.Members {
			if i > 0 {
				b.WriteString(", ")
			}
			writeReprString(b, v.Members[i].Key)
			b.WriteString(": ")
			writeRepr(b, &v.Members[i].Value)
		}
		b.WriteByte('}')
	}
}

// writeReprString is repr() of a str: single quotes unless the text holds a
// single quote and no double quote; backslash escapes for the quote, the
// backslash, \n \r \t, and \xNN, \uNNNN, \UNNNNNNNN for what Python deems
// unprintable (controls, separators other than the space, format
// characters, unassigned code points).
func writeReprString(b *strings.Builder, s string) {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			writeHexEscape(b, 'x', r, 2)
		case r < 0x80 || r == utf8.RuneError || unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xff:
			writeHexEscape(b, 'x', r, 2)
		case r <= 0xffff:
			writeHexEscape(b, 'u', r, 4)
		default:
			writeHexEscape(b, 'U', r, 8)
		}
	}
	b.WriteByte(quote)
}

func writeHexEscape(b *strings.Builder, kind byte, r rune, width int) {
	const hex = "0123456789abcdef"
	b.WriteByte('\\')
	b.WriteByte(kind)
	for shift := (width - 1) * 4; shift >= 0; shift -= 4 {
		b.WriteByte(hex[(r>>uint(shift))&0xf])
	}
}
