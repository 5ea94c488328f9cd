package rowjson

import (
	"math"
	"strconv"
)

// appendNumber re-prints a JSON number token the way serde_json 1.0.149
// (without arbitrary_precision) does after parsing it into a Value:
// integers that fit i64/u64 keep their text, everything else becomes an f64
// printed by zmij (shortest round-trip digits; plain notation for decimal
// exponents -5..15, always with a fraction; otherwise d.ddde±x).
func appendNumber(dst, lit []byte) []byte {
	isInt := true
	for _, c := range lit {
		if c == '.' || c == 'e' || c == 'E' {
			isInt = false
			break
		}
	}
	if isInt {
		if string(lit) == "-0" {
			return append(dst, "-0.0"...)
		}
		if _, err := strconv.ParseInt(string(lit), 10, 64); err == nil {
			return append(dst, lit...)
		}
		if _, err := strconv.ParseUint(string(lit), 10, 64); err == nil {
			return append(dst, lit...)
		}
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil && !math.IsInf(f, 0) {
		return append(dst, lit...)
	}
	return AppendSerdeFloat(dst, f)
}

// AppendSerdeFloat formats f as serde_json 1.0.149 (zmij 1.0.12) does.
// Non-finite values, which serde_json writes as null, are written as null.
func AppendSerdeFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // -d.ddde±xx
	neg := e[0] == '-'
	if neg {
		e = e[1:]
		dst = append(dst, '-')
	}
	mant, exp := splitExp(e)
	var digits [24]byte
	nd := 0
	for _, c := range mant {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	ds := digits[:nd]
	switch {
	case exp >= 0 && exp <= 15:
		if nd <= exp+1 {
			dst = append(dst, ds...)
			for range exp + 1 - nd {
				dst = append(dst, '0')
			}
			return append(dst, ".0"...)
		}
		dst = append(dst, ds[:exp+1]...)
		dst = append(dst, '.')
		return append(dst, ds[exp+1:]...)
	case exp < 0 && exp >= -5:
		dst = append(dst, "0."...)
		for range -exp - 1 {
			dst = append(dst, '0')
		}
		return append(dst, ds...)
	}
	dst = append(dst, ds[0])
	if nd > 1 {
		dst = append(dst, '.')
		dst = append(dst, ds[1:]...)
	}
	dst = append(dst, 'e')
	if exp > 0 {
		dst = append(dst, '+')
	}
	return strconv.AppendInt(dst, int64(exp), 10)
}

func splitExp(e []byte) ([]byte, int) {
	for i, c := range e {
		if c == 'e' {
			x, _ := strconv.Atoi(string(e[i+1:]))
			return e[:i], x
		}
	}
	return e, 0
}

// AppendNumber re-prints a JSON number literal as serde_json does after
// parsing it (see appendNumber); the mutation builder uses it for values it
// has already decoded.
func AppendNumber(dst []byte, lit string) []byte {
	return appendNumber(dst, []byte(lit))
}
