package gqlerr

import (
	"strconv"
	"unicode/utf8"

	"github.com/fraiseql/fraiseql-http/pyjson"
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

// LocationAt turns a byte offset in body (internal/language's node
// offsets) into graphql-core's location: lines split at \r\n, \n or \r,
// columns counted in characters. Offsets are clamped, so a bad one can
// never index out of range. It reads body up to offset: for many offsets
// in one body use a Locator.
func LocationAt(body []byte, offset int) Location {
	offset = min(max(offset, 0), len(body))
	_, loc := advance(body, 0, Location{Line: 1, Column: 1}, offset)
	return loc
}

// advance moves the scan state (i, loc) forward until i reaches end, one
// character (or \r\n) at a time; it may stop past end inside a character,
// as LocationAt always has.
func advance(body []byte, i int, loc Location, end int) (int, Location) {
	for i < end {
		r, size := utf8.DecodeRune(body[i:])
		i += size
		switch {
		case r == '\n':
			loc = Location{Line: loc.Line + 1, Column: 1}
		case r == '\r':
			if i < len(body) && body[i] == '\n' {
				i++
			}
			loc = Location{Line: loc.Line + 1, Column: 1}
		default:
			loc.Column++
		}
	}
	return i, loc
}

// Locator computes LocationAt for many offsets of one body in linear time
// overall: after a few lookups it records the scan state every
// locatorStride bytes in one pass, and each later lookup scans from the
// nearest record at or before its offset. Without it, one location per
// error costs O(errors × bytes), which a document with thousands of errors
// turns into seconds. The zero value is not usable; a Locator is not safe
// for concurrent use.
type Locator struct {
	body    []byte
	lookups int
	marks   []mark // marks[k] is the first scan state at or past k*locatorStride
}

type mark struct {
	i   int
	loc Location
}

const (
	locatorStride = 256
	locatorDirect = 8 // lookups answered by LocationAt before indexing
)

// NewLocator returns a Locator for body.
func NewLocator(body []byte) *Locator { return &Locator{body: body} }

// At is LocationAt(body, offset).
func (l *Locator) At(offset int) Location {
	if l.lookups++; l.lookups <= locatorDirect {
		return LocationAt(l.body, offset)
	}
	if l.marks == nil {
		l.index()
	}
	offset = min(max(offset, 0), len(l.body))
	k := offset / locatorStride
	for k > 0 && l.marks[k].i > offset {
		k-- // the mark overshot offset inside a character or a \r\n
	}
	m := l.marks[k]
	_, loc := advance(l.body, m.i, m.loc, offset)
	return loc
}

func (l *Locator) index() {
	n := len(l.body)/locatorStride + 1
	l.marks = make([]mark, n)
	i, loc := 0, Location{Line: 1, Column: 1}
	for k := range n {
		i, loc = advance(l.body, i, loc, k*locatorStride)
		l.marks[k] = mark{i: i, loc: loc}
	}
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
