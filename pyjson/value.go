package pyjson

import (
	"math"
	"strconv"
)

// Kind is the JSON kind of a Value, with Python's split of numbers into int
// and float (json.loads returns int for "5" and float for "5.0", "5e0").
type Kind uint8

const (
	Null Kind = iota
	Bool
	Int
	Float // also NaN, Infinity and -Infinity, which Python's json.loads accepts
	String
	Array
	Object
)

// Value is a decoded JSON value that keeps what Python keeps: object member
// order (first occurrence; a duplicate key replaces the value in place, as a
// dict does), the literal text of numbers, and the int/float split.
//
// The small fields come first so that the struct packs into 88 bytes; arrays
// of Values are the bulk of a decoded body.
type Value struct {
	Kind Kind
	Bool bool
	// LoneSurrogate reports that Str held at least one lone surrogate (see Str).
	LoneSurrogate bool
	// Str is the decoded string for String. A lone surrogate escape (\ud800)
	// cannot live in a Go string: it is kept as U+FFFD and LoneSurrogate is
	// set, because Python keeps it and then fails to encode it (a 500).
	Str string
	// Num is the literal text of an Int or Float as it appeared in the input
	// ("NaN", "Infinity" and "-Infinity" included).
	Num     string
	Items   []Value  // Array
	Members []Member // Object
}

// Member is one key/value pair of an Object.
type Member struct {
	Key   string
	Value Value
	// KeyLoneSurrogate is LoneSurrogate for Key: the key held a lone
	// surrogate, kept as U+FFFD.
	KeyLoneSurrogate bool
}

// Get returns the value of an object member, or nil when v is not an object
// or has no such key.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := range v.Members {
		if v.Members[i].Key == key {
			return &v.Members[i].Value
		}
	}
	return nil
}

// Constructors for the server's own bodies. They build what json.loads would
// have built for the same document, so the encoders treat both alike.

// NullValue returns JSON null (Python None).
func NullValue() Value { return Value{Kind: Null} }

// BoolValue returns true or false.
func BoolValue(b bool) Value { return Value{Kind: Bool, Bool: b} }

// Str returns a string value. s should be valid UTF-8; the encoders write
// invalid bytes as U+FFFD.
func Str(s string) Value { return Value{Kind: String, Str: s} }

// IntValue returns a Python int.
func IntValue(i int64) Value { return Value{Kind: Int, Num: strconv.FormatInt(i, 10)} }

// FloatValue returns a Python float. NaN and the infinities are allowed, as in
// Python; AppendCompact refuses them and AppendSpaced writes NaN/Infinity.
func FloatValue(f float64) Value {
	switch {
	case math.IsNaN(f):
		return Value{Kind: Float, Num: "NaN"}
	case math.IsInf(f, 1):
		return Value{Kind: Float, Num: "Infinity"}
	case math.IsInf(f, -1):
		return Value{Kind: Float, Num: "-Infinity"}
	}
	return Value{Kind: Float, Num: string(AppendFloat(nil, f))}
}

// Arr returns an array of items (the slice is kept, not copied).
func Arr(items ...Value) Value { return Value{Kind: Array, Items: items} }

// Obj returns an object with members in the given order (the slice is kept,
// not copied). Keys must be unique: unlike a dict, Obj does not merge them.
func Obj(members ...Member) Value { return Value{Kind: Object, Members: members} }

// Pair returns the object member key: v.
func Pair(key string, v Value) Member { return Member{Key: key, Value: v} }
