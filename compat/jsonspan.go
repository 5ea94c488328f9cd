package compat

import (
	"encoding/json"
	"errors"
)

// The normalizer must replace a volatile value without touching any other
// byte of the body, so it locates the value's byte span in the raw JSON text
// instead of decoding and re-encoding (which would change key order, spacing
// and escapes: exactly what the comparison is about).

// jsonKind is the lexical class of a JSON value, used to check that a
// volatile value has the same shape on both sides.
type jsonKind string

const (
	kindString jsonKind = "string"
	kindInt    jsonKind = "int"
	kindFloat  jsonKind = "float"
	kindBool   jsonKind = "bool"
	kindNull   jsonKind = "null"
	kindObject jsonKind = "object"
	kindArray  jsonKind = "array"
)

var errJSONSyntax = errors.New("json syntax error")

// findJSONPath returns the byte span [start,end) of the value at path (a
// sequence of object keys) in the JSON text data, with found=false when the
// path does not exist or data is not well-formed JSON along the way. When a key
// occurs twice the first occurrence wins, as for the first matching header.
func findJSONPath(data []byte, path []string) (start, end int, found bool) {
	i := skipWS(data, 0)
	for _, key := range path {
		if i >= len(data) || data[i] != '{' {
			return 0, 0, false
		}
		i = skipWS(data, i+1)
		matched := false
		for i < len(data) && data[i] != '}' {
			ks, ke, err := scanString(data, i)
			if err != nil {
				return 0, 0, false
			}
			k := data[ks:ke]
			i = skipWS(data, ke)
			if i >= len(data) || data[i] != ':' {
				return 0, 0, false
			}
			i = skipWS(data, i+1)
			if keyEquals(k, key) {
				matched = true
				break
			}
			ve, err := skipValue(data, i)
			if err != nil {
				return 0, 0, false
			}
			i = skipWS(data, ve)
			if i < len(data) && data[i] == ',' {
				i = skipWS(data, i+1)
			}
		}
		if !matched {
			return 0, 0, false
		}
	}
	ve, err := skipValue(data, i)
	if err != nil {
		return 0, 0, false
	}
	return i, ve, true
}

// keyEquals compares a raw quoted key with a path segment, decoding escapes
// only when there are any.
func keyEquals(raw []byte, key string) bool {
	for _, c := range raw {
		if c == '\\' {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return false
			}
			return s == key
		}
	}
	return len(raw) == len(key)+2 && string(raw[1:len(raw)-1]) == key
}

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString returns the span of the string literal starting at i, quotes
// included.
func scanString(data []byte, i int) (start, end int, err error) {
	if i >= len(data) || data[i] != '"' {
		return 0, 0, errJSONSyntax
	}
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return i, j + 1, nil
		}
	}
	return 0, 0, errJSONSyntax
}

// skipValue returns the end of the value starting at i.
func skipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, errJSONSyntax
	}
	switch data[i] {
	case '"':
		_, e, err := scanString(data, i)
		return e, err
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				_, e, err := scanString(data, j)
				if err != nil {
					return 0, err
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errJSONSyntax
	default:
		j := i
		for j < len(data) {
			switch data[j] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if j == i {
					return 0, errJSONSyntax
				}
				return j, nil
			}
			j++
		}
		if j == i {
			return 0, errJSONSyntax
		}
		return j, nil
	}
}

// classifyJSON returns the lexical kind of one JSON value text, or "" when it
// is not a recognisable scalar or container start.
func classifyJSON(v []byte) jsonKind {
	if len(v) == 0 {
		return ""
	}
	switch v[0] {
	case '"':
		return kindString
	case '{':
		return kindObject
	case '[':
		return kindArray
	}
	switch string(v) {
	case "true", "false":
		return kindBool
	case "null":
		return kindNull
	}
	if numberRE.Match(v) {
		for _, c := range v {
			if c == '.' || c == 'e' || c == 'E' {
				return kindFloat
			}
		}
		return kindInt
	}
	return ""
}
