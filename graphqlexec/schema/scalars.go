package schema

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

	"github.com/fraiseql/fraiseql-http/pyjson"
)

// ScalarError is a value a scalar refuses, with the message graphql-core
// (standard scalars) or FraiseQL v1 (UUID, DateTime, JSON) gives; the
// executor wraps it ("Variable '$id' got invalid value 5; <Msg>").
type ScalarError struct{ Msg string }

func (e *ScalarError) Error() string { return e.Msg }

func scalarErr(format string, args ...any) error {
	return &ScalarError{Msg: fmt.Sprintf(format, args...)}
}

// ParseScalarValue checks a variable value (decoded JSON) against a
// built-in scalar, as the scalar's parse_value does in v1. A nil error means
// the value is accepted. Unknown scalar names are an error.
func ParseScalarValue(scalar string, v *pyjson.Value) error {
	switch scalar {
	case "String":
		if v.Kind != pyjson.String {
			return scalarErr("String cannot represent a non string value: %s", pyjson.Repr(v))
		}
	case "Boolean":
		if v.Kind != pyjson.Bool {
			return scalarErr("Boolean cannot represent a non boolean value: %s", pyjson.Repr(v))
		}
	case "Int":
		f, ok := intValue(v)
		if !ok {
			return scalarErr("Int cannot represent non-integer value: %s", pyjson.Repr(v))
		}
		if f > math.MaxInt32 || f < math.MinInt32 {
			return scalarErr("Int cannot represent non 32-bit signed integer value: %s", pyjson.Repr(v))
		}
	case "Float":
		if v.Kind != pyjson.Int && v.Kind != pyjson.Float {
			return scalarErr("Float cannot represent non numeric value: %s", pyjson.Repr(v))
		}
		if f, err := strconv.ParseFloat(v.Num, 64); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return scalarErr("Float cannot represent non numeric value: %s", pyjson.Repr(v))
		}
	case "ID":
		if v.Kind != pyjson.String && v.Kind != pyjson.Int {
			return scalarErr("ID cannot represent value: %s", pyjson.Repr(v))
		}
	case "UUID":
		if v.Kind != pyjson.String {
			return scalarErr("UUID cannot represent non-string value: %s", pyjson.Repr(v))
		}
		if !validUUID(v.Str) {
			return scalarErr("Invalid UUID string provided: %s", pyStr(v.Str))
		}
	case "DateTime":
		if v.Kind == pyjson.Null {
			return nil
		}
		if v.Kind != pyjson.String {
			return scalarErr("DateTime cannot represent non-string value: %s", pyjson.Repr(v))
		}
		if !validDateTime(v.Str) {
			return scalarErr("Invalid ISO 8601 DateTime: %s", pyStr(v.Str))
		}
	case "Date":
		if v.Kind == pyjson.Null {
			return nil
		}
		if v.Kind != pyjson.String {
			return scalarErr("Date cannot represent non-string value: %s", pyjson.Repr(v))
		}
		if !ValidDate(v.Str) {
			return scalarErr("Invalid ISO 8601 Date: %s", pyStr(v.Str))
		}
	case "Time":
		if v.Kind != pyjson.String {
			return scalarErr("Time must be a string, got %s", pyTypeName(v))
		}
		if !ValidTime(v.Str, false) {
			return scalarErr("%s", invalidTime(v.Str))
		}
	case "Decimal":
		if !validDecimal(v) {
			return scalarErr("Decimal cannot represent non numeric value: %s", pyjson.Repr(v))
		}
	case "JSON":
		// Anything JSON decodes to is accepted.
	default:
		return scalarErr("unknown scalar %q", scalar)
	}
	return nil
}

// ParseScalarLiteral checks a literal in the query text against a built-in
// scalar, as the scalar's parse_literal does in v1.
func ParseScalarLiteral(scalar string, v language.Value) error {
	switch scalar {
	case "String", "Boolean", "Int", "Float", "ID":
		ok := false
		switch v := v.(type) {
		case *language.StringValue:
			ok = scalar == "String" || scalar == "ID"
		case *language.BooleanValue:
			ok = scalar == "Boolean"
		case *language.IntValue:
			if scalar == "Int" {
				n, err := strconv.ParseInt(v.Value, 10, 64)
				ok = err == nil && n <= math.MaxInt32 && n >= math.MinInt32
			} else {
				ok = scalar == "Float" || scalar == "ID"
			}
		case *language.FloatValue:
			ok = scalar == "Float"
		}
		if !ok {
			return scalarErr("%s cannot represent a non %s value: %s", scalar, strings.ToLower(scalar), printDefault(v))
		}
	case "UUID":
		sv, ok := v.(*language.StringValue)
		if !ok {
			return scalarErr("UUID cannot represent non-string literal: %s", literalRepr(v))
		}
		if !validUUID(sv.Value) {
			return scalarErr("Invalid UUID string provided: %s", pyStr(sv.Value))
		}
	case "DateTime":
		sv, ok := v.(*language.StringValue)
		if !ok {
			return scalarErr("DateTime cannot represent non-string literal: %s", literalRepr(v))
		}
		if !validDateTime(sv.Value) {
			return scalarErr("Invalid ISO 8601 DateTime: %s", pyStr(sv.Value))
		}
	case "Date":
		sv, ok := v.(*language.StringValue)
		if !ok {
			return scalarErr("Date cannot represent non-string literal: %s", literalRepr(v))
		}
		if !ValidDate(sv.Value) {
			return scalarErr("Invalid ISO 8601 Date: %s", pyStr(sv.Value))
		}
	case "Time":
		sv, ok := v.(*language.StringValue)
		if !ok {
			return scalarErr("Time must be a string")
		}
		if !ValidTime(sv.Value, false) {
			return scalarErr("%s", invalidTime(sv.Value))
		}
	case "Decimal":
		var num pyjson.Value
		switch lv := v.(type) {
		case *language.IntValue:
			num = pyjson.Value{Kind: pyjson.Int, Num: lv.Value}
		case *language.FloatValue:
			num = pyjson.Value{Kind: pyjson.Float, Num: lv.Value}
		case *language.StringValue:
			num = pyjson.Str(lv.Value)
		default:
			return scalarErr("Decimal cannot represent non numeric value: %s", printDefault(v))
		}
		if !validDecimal(&num) {
			return scalarErr("Decimal cannot represent non numeric value: %s", printDefault(v))
		}
	case "JSON":
		switch v := v.(type) {
		case *language.StringValue:
			if !json.Valid([]byte(v.Value)) {
				return scalarErr("JSON cannot represent non-JSON string: %s", pyStr(v.Value))
			}
		case *language.ObjectValue:
			return scalarErr("Use a String literal containing JSON, not GraphQL object notation")
		case *language.ListValue:
			return scalarErr("Use a String literal containing JSON, not GraphQL list notation")
		case *language.IntValue, *language.FloatValue, *language.BooleanValue:
		case *language.NullValue:
		default:
			return scalarErr("JSON cannot represent literal of type %s", nodeKind(v))
		}
	default:
		return scalarErr("unknown scalar %q", scalar)
	}
	return nil
}

// nodeKind is the class name graphql-core gives a value node.
func nodeKind(v language.Value) string {
	switch v.(type) {
	case *language.Variable:
		return "VariableNode"
	case *language.EnumValue:
		return "EnumValueNode"
	case *language.IntValue:
		return "IntValueNode"
	case *language.FloatValue:
		return "FloatValueNode"
	case *language.StringValue:
		return "StringValueNode"
	case *language.BooleanValue:
		return "BooleanValueNode"
	case *language.ListValue:
		return "ListValueNode"
	case *language.ObjectValue:
		return "ObjectValueNode"
	}
	return "NullValueNode"
}

// literalRepr is Python's repr of a literal node's .value attribute, which
// FraiseQL's messages print (None for nodes without one).
func literalRepr(v language.Value) string {
	switch v := v.(type) {
	case *language.IntValue:
		return pyStr(v.Value)
	case *language.FloatValue:
		return pyStr(v.Value)
	case *language.EnumValue:
		return pyStr(v.Value)
	case *language.BooleanValue:
		if v.Value {
			return "True"
		}
		return "False"
	}
	return "None"
}

func intValue(v *pyjson.Value) (float64, bool) {
	switch v.Kind {
	case pyjson.Int:
		f, err := strconv.ParseFloat(v.Num, 64)
		return f, err == nil
	case pyjson.Float:
		// graphql-core accepts floats with an integral value (5.0).
		f, err := strconv.ParseFloat(v.Num, 64)
		return f, err == nil && f == math.Trunc(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// validUUID accepts what Python's uuid.UUID(str) accepts: optional braces
// and urn:uuid: prefix, hyphens anywhere, 32 hex digits.
func validUUID(s string) bool {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "urn:", ""), "uuid:", "")
	s = strings.Trim(s, "{}")
	s = strings.ReplaceAll(s, "-", "")
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// validDateTime approximates FraiseQL's parse_datetime_value (Python's
// datetime.fromisoformat after replacing a trailing Z, timezone required)
// with the common ISO 8601 layouts.
func validDateTime(s string) bool {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15Z07:00"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// pyStr is Python's repr of a str.
func pyStr(s string) string { return pyjson.Repr(&pyjson.Value{Kind: pyjson.String, Str: s}) }

// ValidDate accepts a calendar date written YYYY-MM-DD (what PostgreSQL's
// date prints and ISO 8601's extended form).
func ValidDate(s string) bool {
	if len(s) != 10 || s[:4] == "0000" {
		return false // Python's date (and PostgreSQL's) has no year 0
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// ValidTime accepts FraiseQL v1's Time: HH:MM or HH:MM:SS, 00:00 to
// 23:59:59. With fraction, a stored value may also carry fractional
// seconds (PostgreSQL's time prints them when there are some).
func ValidTime(s string, fraction bool) bool {
	digits := func(s string, max byte) bool {
		return len(s) == 2 && s[0] >= '0' && s[0] <= max && s[1] >= '0' && s[1] <= '9'
	}
	if fraction {
		if i := strings.IndexByte(s, '.'); i == 8 && len(s) > 9 && len(s) <= 15 {
			for _, c := range []byte(s[9:]) {
				if c < '0' || c > '9' {
					return false
				}
			}
			s = s[:8]
		}
	}
	if len(s) != 5 && len(s) != 8 {
		return false
	}
	if !digits(s[0:2], '2') || (s[0] == '2' && s[1] > '3') || s[2] != ':' || !digits(s[3:5], '5') {
		return false
	}
	return len(s) == 5 || (s[5] == ':' && digits(s[6:8], '5'))
}

func invalidTime(s string) string {
	return "Invalid time: " + s + ". Must be HH:MM or HH:MM:SS format (e.g., '14:30', '09:15:30', '23:59')"
}

// validDecimal accepts a JSON number, or a string holding a finite decimal
// number in plain or exponent notation ("12.50", "-3", "1e3"); never NaN or
// infinities.
func validDecimal(v *pyjson.Value) bool {
	switch v.Kind {
	case pyjson.Int, pyjson.Float:
		return true
	case pyjson.String:
		return DecimalText(v.Str)
	}
	return false
}

// DecimalText reports whether s is a decimal number PostgreSQL's numeric
// reads and JSON can write as a number: an optional minus, digits with an
// optional fraction, an optional exponent.
func DecimalText(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intDigits := i - start
	if intDigits == 0 || (intDigits > 1 && s[start] == '0') {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		f := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == f {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		e := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == e || i-e > 4 {
			return false
		}
	}
	return i == len(s) && len(s) <= 1000
}

// pyTypeName is Python's type(value).__name__ of a decoded JSON value.
func pyTypeName(v *pyjson.Value) string {
	switch v.Kind {
	case pyjson.Null:
		return "NoneType"
	case pyjson.Bool:
		return "bool"
	case pyjson.Int:
		return "int"
	case pyjson.Float:
		return "float"
	case pyjson.String:
		return "str"
	case pyjson.Array:
		return "list"
	}
	return "dict"
}

// ServeDateTime is FraiseQL v1's DateTime serialize for a stored string: an
// ISO 8601 date and time, with an offset (or without one, read as UTC), is
// written in UTC as Python's isoformat writes it with a Z ("2025-01-02T09:00:00Z",
// microseconds when there are some). ok is false for text that is not one.
func ServeDateTime(s string) (string, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04"} {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		t = t.UTC()
		out := t.Format("2006-01-02T15:04:05")
		if us := t.Nanosecond() / 1000; us != 0 {
			out += fmt.Sprintf(".%06d", us)
		}
		return out + "Z", true
	}
	return "", false
}
