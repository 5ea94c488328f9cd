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
// offsets) into graphql-core 3.2's location (get_location, the same rule
// as language.Position): lines are what Python's str.splitlines finds in
// the text before the offset (\n, \r, \r\n, and also \v, \f, \x1c-\x1e,
// U+0085, U+2028, U+2029), columns count characters, and an offset right
// after a line break is reported at the end of the line before it, as
// graphql-core reports it (a field at the start of line 2 after "{" is at
// 1:2). Offsets are clamped, so a bad one can never index out of range. It
// reads body up to offset: for many offsets in one body use a Locator.
func LocationAt(body []byte, offset int) Location {
	offset = min(max(offset, 0), len(body))
	return advance(body, scan{}, offset, offset).location(offset)
}

// scan is get_location's count up to a point of the body: the byte index
// reached, the line breaks seen, the characters since the last one and the
// characters of the line before it.
type scan struct{ i, breaks, cur, prev int }

func (s scan) location(offset int) Location {
	switch {
	case offset == 0:
		return Location{Line: 1, Column: 1}
	case s.cur == 0 && s.breaks > 0:
		return Location{Line: s.breaks, Column: s.prev + 1}
	}
	return Location{Line: s.breaks + 1, Column: s.cur + 1}
}

// advance moves s forward until s.i reaches end, one character at a time
// (it may stop past end inside a character); a \r followed by \n is one
// break when the \n lies before limit.
func advance(body []byte, s scan, end, limit int) scan {
	for s.i < end {
		c := body[s.i]
		if c < utf8.RuneSelf {
			s.i++
			switch c {
			case '\r':
				if s.i < limit && body[s.i] == '\n' {
					s.i++
				}
				fallthrough
			case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e:
				s.breaks++
				s.prev, s.cur = s.cur, 0
			default:
				s.cur++
			}
			continue
		}
		r, size := utf8.DecodeRune(body[s.i:])
		s.i += size
		switch r {
		case 0x85, 0x2028, 0x2029:
			s.breaks++
			s.prev, s.cur = s.cur, 0
		default:
			s.cur++
		}
	}
	return s
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
	marks   []scan // marks[k] is the first scan state at or past k*locatorStride
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
	return advance(l.body, l.marks[k], offset, offset).location(offset)
}

// index records the scan state at every stride; a \r\n is always taken
// whole there (an offset between its two bytes falls back a record).
func (l *Locator) index() {
	n := len(l.body)/locatorStride + 1
	l.marks = make([]scan, n)
	var s scan
	for k := range n {
		s = advance(l.body, s, k*locatorStride, len(l.body))
		l.marks[k] = s
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
