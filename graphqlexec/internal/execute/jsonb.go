package execute

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/fraiseql/fraiseql-http/pyjson"
)

// AppendJSONB writes a mutation input the way PostgreSQL prints it as
// jsonb, which is the parameter text PostgreSQL logged for v1's calls (v1
// sends the input as a binary jsonb parameter, and the server logs binary
// parameters through jsonb's output function): object keys shortest first,
// then byte-wise, a repeated key keeping its last value; ", " and ": "
// separators; strings escaped as jsonb escapes them (non-ASCII raw); numbers
// as numeric prints the Python value json.dumps wrote (1e-05 → 0.00001).
// The function receives the same jsonb value either way; matching the text
// keeps the statement logs of both servers comparable.
func AppendJSONB(dst []byte, v *pyjson.Value) []byte {
	switch v.Kind {
	case pyjson.Null:
		return append(dst, "null"...)
	case pyjson.Bool:
		if v.Bool {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case pyjson.Int:
		if v.Num == "-0" {
			return append(dst, '0') // a Python int has no negative zero
		}
		return append(dst, v.Num...)
	case pyjson.Float:
		f, err := strconv.ParseFloat(v.Num, 64)
		if err != nil {
			return append(dst, v.Num...) // NaN, Infinity: jsonb refuses them, as it did v1's
		}
		return appendNumeric(dst, pyjson.FloatRepr(f))
	case pyjson.String:
		return appendJSONBString(dst, v.Str)
	case pyjson.Array:
		dst = append(dst, '[')
		for i := range v.Items {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendJSONB(dst, &v.Items[i])
		}
		return append(dst, ']')
	}
	order := make([]int, len(v.Members))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ka, kb := v.Members[a].Key, v.Members[b].Key
		return cmp.Or(cmp.Compare(len(ka), len(kb)), strings.Compare(ka, kb))
	})
	dst = append(dst, '{')
	first := true
	for n, i := range order {
		if n+1 < len(order) && v.Members[order[n+1]].Key == v.Members[i].Key {
			continue
		}
		if !first {
			dst = append(dst, ", "...)
		}
		first = false
		dst = appendJSONBString(dst, v.Members[i].Key)
		dst = append(dst, ": "...)
		dst = AppendJSONB(dst, &v.Members[i].Value)
	}
	return append(dst, '}')
}

// appendJSONBString is PostgreSQL's escape_json.
func appendJSONBString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			dst = append(dst, `\"`...)
		case '\\':
			dst = append(dst, `\\`...)
		case '\b':
			dst = append(dst, `\b`...)
		case '\f':
			dst = append(dst, `\f`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\r':
			dst = append(dst, `\r`...)
		case '\t':
			dst = append(dst, `\t`...)
		default:
			if c < 0x20 {
				dst = append(dst, `\u00`...)
				dst = append(dst, hex[c>>4], hex[c&0xf])
			} else {
				dst = append(dst, c)
			}
		}
	}
	return append(dst, '"')
}

// appendNumeric writes a Python float repr as numeric's output prints the
// same value: plain decimal notation, as many fraction digits as the text
// had after moving the point ("1e-05" → "0.00001", "1.5e+16" →
// "15000000000000000", "2.5" stays).
func appendNumeric(dst []byte, repr string) []byte {
	mant, expText, ok := strings.Cut(repr, "e")
	if !ok {
		return append(dst, repr...)
	}
	exp, err := strconv.Atoi(expText)
	if err != nil {
		return append(dst, repr...)
	}
	if strings.HasPrefix(mant, "-") {
		dst = append(dst, '-')
		mant = mant[1:]
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	point := len(intPart) + exp // position of the decimal point in digits
	switch {
	case point <= 0:
		dst = append(dst, "0."...)
		for range -point {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	case point >= len(digits):
		dst = append(dst, digits...)
		for range point - len(digits) {
			dst = append(dst, '0')
		}
		return dst
	}
	dst = append(dst, digits[:point]...)
	dst = append(dst, '.')
	return append(dst, digits[point:]...)
}
