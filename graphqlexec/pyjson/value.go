package pyjson

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
type Value struct {
	Kind Kind
	Bool bool
	// Str is the decoded string for String. A lone surrogate escape (\ud800)
	// cannot live in a Go string: it is kept as U+FFFD and LoneSurrogate is
	// set, because Python keeps it and then fails to encode it (a 500).
	Str           string
	LoneSurrogate bool
	// Num is the literal text of an Int or Float as it appeared in the input.
	Num     string
	Items   []Value  // Array
	Members []Member // Object
}

// Member is one key/value pair of an Object.
type Member struct {
	Key   string
	Value Value
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
