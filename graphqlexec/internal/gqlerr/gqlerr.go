package gqlerr

import (
	"strconv"
	"unicode/utf8"

	"github.com/fraiseql/fraiseql-http/graphqlexec/pyjson"
)

// Location is a 1-based line and column (in characters) in the document.
type Location struct{ Line, Column int }

// Error is one entry of a response's "errors" list.
type Error struct {
	Message   string
	Locations []Location
	// Path holds string keys and int list indices; nil when absent.
	Path []any
	// Extensions is written when non-nil.
	Extensions *pyjson.Value
}

func (e *Error) Error() string { return e.Message }

// LocationAt turns a byte offset in body (graphql-go's node and token
// offsets) into graphql-core's location: lines split at \r\n, \n or \r,
// columns counted in characters. Offsets are clamped, so a bad one can
// never index out of range.
func LocationAt(body []byte, offset int) Location {
	line, col := 1, 1
	offset = min(max(offset, 0), len(body))
	for i := 0; i < offset; {
		r, size := utf8.DecodeRune(body[i:])
		i += size
		switch {
		case r == '\n':
			line, col = line+1, 1
		case r == '\r':
			if i < len(body) && body[i] == '\n' {
				i++
			}
			line, col = line+1, 1
		default:
			col++
		}
	}
	return Location{Line: line, Column: col}
}

// Value renders an error as the dict graphql-core's ExecutionResult.formatted
// gives (FraiseQL's unified executor keeps its key order).
func (e *Error) Value() pyjson.Value {
	v := pyjson.Value{Kind: pyjson.Object}
	v.Members = append(v.Members, pyjson.Member{Key: "message", Value: Str(e.Message)})
	if len(e.Locations) > 0 {
		v.Members = append(v.Members, pyjson.Member{Key: "locations", Value: e.locationsValue()})
	}
	if e.Path != nil {
		v.Members = append(v.Members, pyjson.Member{Key: "path", Value: e.pathValue()})
	}
	if e.Extensions != nil {
		v.Members = append(v.Members, pyjson.Member{Key: "extensions", Value: *e.Extensions})
	}
	return v
}

// MultiFieldValue renders an error as FraiseQL's multi-field executor builds
// it: message, path, locations.
func (e *Error) MultiFieldValue() pyjson.Value {
	v := pyjson.Value{Kind: pyjson.Object}
	v.Members = append(v.Members, pyjson.Member{Key: "message", Value: Str(e.Message)})
	v.Members = append(v.Members, pyjson.Member{Key: "path", Value: e.pathValue()})
	v.Members = append(v.Members, pyjson.Member{Key: "locations", Value: e.locationsValue()})
	return v
}

func (e *Error) locationsValue() pyjson.Value {
	locs := pyjson.Value{Kind: pyjson.Array}
	for _, l := range e.Locations {
		locs.Items = append(locs.Items, pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{
			{Key: "line", Value: Int(l.Line)}, {Key: "column", Value: Int(l.Column)},
		}})
	}
	return locs
}

func (e *Error) pathValue() pyjson.Value {
	p := pyjson.Value{Kind: pyjson.Array}
	for _, s := range e.Path {
		switch s := s.(type) {
		case int:
			p.Items = append(p.Items, Int(s))
		case string:
			p.Items = append(p.Items, Str(s))
		}
	}
	return p
}

// Str and Int build pyjson values.
func Str(s string) pyjson.Value { return pyjson.Value{Kind: pyjson.String, Str: s} }

// Int builds an integer value.
func Int(n int) pyjson.Value { return pyjson.Value{Kind: pyjson.Int, Num: strconv.Itoa(n)} }
