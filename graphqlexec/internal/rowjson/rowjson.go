package rowjson

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Field is one selected member of an object.
type Field struct {
	// JSONKey is the key read from the stored document (snake_case).
	JSONKey string
	// OutKey is the key written (the alias, else the GraphQL field name).
	OutKey string
	// Child projects an object value, or each object of a list value; nil
	// copies the value as serde_json would re-print it.
	Child *Node
	// Check is the field's declared type, for NewCheckedNode (check.go).
	Check *Check
	// Site is the caller's handle on the field (its selection), handed
	// back in the FieldErrors it causes.
	Site any
}

// Node describes how one JSON object of a row is rewritten. It is immutable
// once built and safe for concurrent use.
type Node struct {
	entries []entry // in output order: keys sorted byte-wise
	// lenMask has bit l set when a selected JSON key is l bytes long (bit
	// 63: 63 bytes or more). A document key whose length bit is clear
	// cannot match, which rejects most of a row's keys with one test.
	lenMask uint64
	// checked: completed with the declared types (NewCheckedNode).
	checked bool
}

type entry struct {
	jsonKey  string
	prefix   []byte // `"outKey":` already escaped, or the whole typename member
	child    *Node
	typename bool

	// The typed rewrite's: the response key, the field's position in the
	// selection (graphql-core's execution order), its type and site.
	outKey string
	order  int
	check  *Check
	site   any
}

// NewNode builds the projection of an object whose GraphQL type is typename
// ("" when the type is unknown: no __typename is injected). When two fields
// share an output key the later one wins, as a map insert does in v1. A
// field named __typename is ignored: the typename is injected anyway.
func NewNode(typename string, fields []Field) *Node {
	// Operations with variables build their projection per request, so this
	// constructor keeps to three allocations: the node, its entries and one
	// buffer holding every escaped prefix.
	n := &Node{entries: make([]entry, 0, len(fields)+1)}
	size := len(typename) + len(`"__typename":""`)
	for _, f := range fields {
		size += len(f.OutKey) + len(`"":`) // more only when escapes are needed
	}
	buf := make([]byte, 0, size)
	type mark struct{ start, end int }
	var markArr [inlineSpans]mark
	marks := markArr[:0]
	// Duplicate output keys are found by a linear scan for small
	// selections; a map bounds the cost of a huge (hostile) one.
	var seen map[string]int
	if len(fields) > 32 {
		seen = make(map[string]int, len(fields))
	}
	var outArr [32]string
	outKeys := outArr[:0]
	for _, f := range fields {
		if f.OutKey == "__typename" {
			continue
		}
		start := len(buf)
		buf = appendString(buf, f.OutKey)
		buf = append(buf, ':')
		e := entry{jsonKey: f.JSONKey, child: f.Child, outKey: f.OutKey, order: len(n.entries), check: f.Check, site: f.Site}
		i := -1
		if seen != nil {
			if j, ok := seen[f.OutKey]; ok {
				i = j
			}
		} else {
			for j, k := range outKeys {
				if k == f.OutKey {
					i = j
					break
				}
			}
		}
		if i >= 0 {
			n.entries[i] = e
			marks[i] = mark{start, len(buf)}
			continue
		}
		if seen != nil {
			seen[f.OutKey] = len(n.entries)
		} else {
			outKeys = append(outKeys, f.OutKey)
		}
		n.entries = append(n.entries, e)
		marks = append(marks, mark{start, len(buf)})
	}
	if typename != "" {
		start := len(buf)
		buf = appendString(buf, "__typename")
		buf = append(buf, ':')
		buf = appendString(buf, typename)
		n.entries = append(n.entries, entry{typename: true})
		marks = append(marks, mark{start, len(buf)})
	}
	// buf has stopped growing: the prefixes can point into it now.
	for k := range n.entries {
		n.entries[k].prefix = buf[marks[k].start:marks[k].end:marks[k].end]
		if !n.entries[k].typename {
			n.lenMask |= lenBit(len(n.entries[k].jsonKey))
		}
	}
	// Sorting the escaped "key": prefixes sorts the keys themselves: the
	// closing quote (0x22) is below every byte that can follow inside a key
	// except the control characters, which are escaped with a backslash
	// (0x5c) and so also sort after it; an ASCII-only key set is exact.
	slices.SortStableFunc(n.entries, func(a, b entry) int {
		return bytes.Compare(keyOf(a.prefix), keyOf(b.prefix))
	})
	return n
}

func lenBit(n int) uint64 { return 1 << min(n, 63) }

// keyOf returns the raw key bytes between the quotes of an entry prefix.
func keyOf(p []byte) []byte {
	end := 1
	for end < len(p) && p[end] != '"' {
		if p[end] == '\\' {
			end++
		}
		end++
	}
	return p[1:min(end, len(p))]
}

// TypenameOnly returns a copy of n whose nested object fields keep only
// their __typename, and whose root keeps only the fields for which keep
// returns true. It reproduces v1's second projection pass over multi-root
// results, which only knows root-level field names.
func (n *Node) TypenameOnly(keep func(outKey string) bool) *Node {
	out := &Node{}
	for _, e := range n.entries {
		if !e.typename && !keep(string(keyOf(e.prefix))) {
			continue
		}
		if e.child != nil {
			e.child = e.child.typenameOnlyNested()
		}
		out.entries = append(out.entries, e)
		if !e.typename {
			out.lenMask |= lenBit(len(e.jsonKey))
		}
	}
	return out
}

func (n *Node) typenameOnlyNested() *Node {
	out := &Node{}
	for _, e := range n.entries {
		if e.typename {
			out.entries = append(out.entries, e)
		}
	}
	return out
}

// ErrSyntax reports a row that is not valid JSON text.
var ErrSyntax = errors.New("rowjson: malformed JSON")

// maxDepth bounds nesting so that a hostile document cannot exhaust the
// stack; jsonb itself has a similar limit.
const maxDepth = 1000

// span is where a selected member's value lies in the row, with
// scanString's flags when it is a string; start < 0: absent.
type span struct {
	start, end int
	flags      uint8
}

// inlineSpans is how many selected fields of one object are tracked in a
// stack array; larger selections use the pooled scratch stack.
const inlineSpans = 16

// transformer is the state of one AppendRow call. It lives on the stack;
// the scratch buffers only canonical JSON values, escaped keys and very wide
// selections need are taken from a pool on first use.
type transformer struct {
	depth int
	s     *scratch

	// The typed rewrite's (check.go): where errors go, whether numbers keep
	// their exact value, and whether the object just written must be null.
	errs   []FieldError
	exact  bool
	nulled bool
}

type scratch struct {
	spans   []span
	members []member
	keybuf  []byte // decoded keys of canonicalObject members
	keytmp  []byte // one decoded key of a projected object
}

type member struct {
	keyStart, keyEnd int // decoded key in keybuf
	val              span
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (t *transformer) scratch() *scratch {
	if t.s == nil {
		t.s = scratchPool.Get().(*scratch)
		t.s.spans, t.s.members, t.s.keybuf = t.s.spans[:0], t.s.members[:0], t.s.keybuf[:0]
	}
	return t.s
}

func (t *transformer) release() {
	if t.s != nil {
		scratchPool.Put(t.s)
		t.s = nil
	}
}

// AppendRow appends the rewrite of one row document (jsonb text) to dst.
// A nil row (SQL NULL) is written as null.
func AppendRow(dst, row []byte, n *Node) ([]byte, error) {
	if row == nil {
		return append(dst, "null"...), nil
	}
	var t transformer
	i := skipWS(row, 0)
	var err error
	dst, i, err = t.value(dst, row, i, n)
	t.release()
	if err != nil {
		return dst, err
	}
	if skipWS(row, i) != len(row) {
		return dst, ErrSyntax
	}
	return dst, nil
}

// AppendCanonical appends a JSON value re-printed as serde_json prints it:
// compact, object keys sorted, strings and numbers normalized.
func AppendCanonical(dst, value []byte) ([]byte, error) {
	return AppendRow(dst, value, nil)
}

// value rewrites the value at in[i:] with node n (nil: canonical copy).
func (t *transformer) value(dst, in []byte, i int, n *Node) ([]byte, int, error) {
	if i >= len(in) {
		return dst, i, ErrSyntax
	}
	switch c := in[i]; {
	case c == '{':
		if n != nil {
			return t.object(dst, in, i, n)
		}
		return t.canonicalObject(dst, in, i)
	case c == '[':
		return t.array(dst, in, i, n)
	case c == '"':
		end, flags, err := scanString(in, i)
		if err != nil {
			return dst, i, err
		}
		return appendStringToken(dst, in[i:end], flags), end, nil
	case c == '-' || (c >= '0' && c <= '9'):
		end, err := scanNumber(in, i)
		if err != nil {
			return dst, i, err
		}
		if t.exact {
			return appendNumberExact(dst, in[i:end]), end, nil
		}
		return appendNumber(dst, in[i:end]), end, nil
	case c == 't':
		return literal(dst, in, i, "true")
	case c == 'f':
		return literal(dst, in, i, "false")
	case c == 'n':
		return literal(dst, in, i, "null")
	}
	return dst, i, ErrSyntax
}

func literal(dst, in []byte, i int, lit string) ([]byte, int, error) {
	if !bytes.HasPrefix(in[i:], []byte(lit)) {
		return dst, i, ErrSyntax
	}
	return append(dst, lit...), i + len(lit), nil
}

// enter counts one more level of nesting. Callers decrement t.depth on
// success only: an error ends the whole row, so the count no longer matters.
func (t *transformer) enter() error {
	t.depth++
	if t.depth > maxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrSyntax, maxDepth)
	}
	return nil
}

// array rewrites a list; objects in it are projected with n.
func (t *transformer) array(dst, in []byte, i int, n *Node) ([]byte, int, error) {
	if err := t.enter(); err != nil {
		return dst, i, err
	}
	dst = append(dst, '[')
	i = skipWS(in, i+1)
	if i < len(in) && in[i] == ']' {
		t.depth--
		return append(dst, ']'), i + 1, nil
	}
	for {
		var err error
		dst, i, err = t.value(dst, in, i, n)
		if err != nil {
			return dst, i, err
		}
		i = skipWS(in, i)
		if i >= len(in) {
			return dst, i, ErrSyntax
		}
		switch in[i] {
		case ',':
			dst = append(dst, ',')
			i = skipWS(in, i+1)
		case ']':
			t.depth--
			return append(dst, ']'), i + 1, nil
		default:
			return dst, i, ErrSyntax
		}
	}
}

// object projects the object at in[i] (which is '{') with n: one scan
// records where each selected member's value lies, skipping the others
// (validated, never decoded), then the members are written in n's (sorted)
// order, plain strings, integers and literals copied in bulk.
func (t *transformer) object(dst, in []byte, i int, n *Node) ([]byte, int, error) {
	if err := t.enter(); err != nil {
		return dst, i, err
	}
	var local [inlineSpans]span
	var spans []span
	if len(n.entries) <= inlineSpans {
		spans = local[:len(n.entries)]
	} else {
		// Nested calls may grow the scratch stack while spans is in use:
		// spans keeps pointing at the array this call wrote, which stays
		// valid, and the stack is cut back to base on return.
		sc := t.scratch()
		base := len(sc.spans)
		sc.spans = append(sc.spans, make([]span, len(n.entries))...)
		spans = sc.spans[base:]
		defer func() { t.s.spans = t.s.spans[:base] }()
	}
	for k := range spans {
		spans[k].start = -1
	}

	i = skipWS(in, i+1)
	if i < len(in) && in[i] == '}' {
		i++
	} else {
		for {
			if i >= len(in) || in[i] != '"' {
				return dst, i, ErrSyntax
			}
			kend, kflags, err := scanString(in, i)
			if err != nil {
				return dst, i, err
			}
			key := in[i+1 : kend-1]
			i = skipWS(in, kend)
			if i >= len(in) || in[i] != ':' {
				return dst, i, ErrSyntax
			}
			vstart := skipWS(in, i+1)
			vend, vflags, err := skipValue(in, vstart, 0)
			if err != nil {
				return dst, i, err
			}
			if n.lenMask&lenBit(len(key)) != 0 || kflags&strEscaped != 0 {
				if kflags&strEscaped != 0 {
					sc := t.scratch()
					sc.keytmp = appendUnescaped(sc.keytmp[:0], key)
					key = sc.keytmp
				}
				for k := range n.entries {
					e := &n.entries[k]
					if !e.typename && e.jsonKey == string(key) {
						spans[k] = span{vstart, vend, vflags}
					}
				}
			}
			i = skipWS(in, vend)
			if i >= len(in) {
				return dst, i, ErrSyntax
			}
			if in[i] == '}' {
				i++
				break
			}
			if in[i] != ',' {
				return dst, i, ErrSyntax
			}
			i = skipWS(in, i+1)
		}
	}

	if n.checked {
		var err error
		dst, err = t.writeChecked(dst, in, spans, n)
		if err != nil {
			return dst, i, err
		}
		t.depth--
		return dst, i, nil
	}
	dst = append(dst, '{')
	first := true
	for k := range n.entries {
		e := &n.entries[k]
		if e.typename {
			if !first {
				dst = append(dst, ',')
			}
			dst = append(dst, e.prefix...)
			first = false
			continue
		}
		sp := spans[k]
		if sp.start < 0 {
			continue // missing from the document: omitted, not null (v1)
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, e.prefix...)
		v := in[sp.start:sp.end]
		switch c := v[0]; {
		case c == '"':
			dst = appendStringToken(dst, v, sp.flags)
		case c == 't' || c == 'f' || c == 'n':
			dst = append(dst, v...) // skipValue matched the literal
		case c == '{' || c == '[':
			var err error
			if dst, _, err = t.value(dst, in[:sp.end], sp.start, e.child); err != nil {
				return dst, i, err
			}
		default:
			dst = appendNumber(dst, v)
		}
	}
	t.depth--
	return append(dst, '}'), i, nil
}

// canonicalObject re-prints an object with its keys sorted byte-wise.
func (t *transformer) canonicalObject(dst, in []byte, i int) ([]byte, int, error) {
	if err := t.enter(); err != nil {
		return dst, i, err
	}
	sc := t.scratch()
	base := len(sc.members)
	i = skipWS(in, i+1)
	if i < len(in) && in[i] == '}' {
		t.depth--
		return append(dst, "{}"...), i + 1, nil
	}
	for {
		if i >= len(in) || in[i] != '"' {
			return dst, i, ErrSyntax
		}
		kend, _, err := scanString(in, i)
		if err != nil {
			return dst, i, err
		}
		ks := len(sc.keybuf)
		sc.keybuf = appendUnescaped(sc.keybuf, in[i+1:kend-1])
		m := member{keyStart: ks, keyEnd: len(sc.keybuf)}
		i = skipWS(in, kend)
		if i >= len(in) || in[i] != ':' {
			return dst, i, ErrSyntax
		}
		vstart := skipWS(in, i+1)
		vend, vflags, err := skipValue(in, vstart, 0)
		if err != nil {
			return dst, i, err
		}
		m.val = span{vstart, vend, vflags}
		sc.members = append(sc.members, m)
		i = skipWS(in, vend)
		if i >= len(in) {
			return dst, i, ErrSyntax
		}
		if in[i] == '}' {
			i++
			break
		}
		if in[i] != ',' {
			return dst, i, ErrSyntax
		}
		i = skipWS(in, i+1)
	}
	ms := sc.members[base:]
	kb := sc.keybuf
	slices.SortStableFunc(ms, func(a, b member) int {
		return bytes.Compare(kb[a.keyStart:a.keyEnd], kb[b.keyStart:b.keyEnd])
	})
	// serde_json's map keeps the last of duplicate keys; jsonb never has
	// duplicates, but other callers may pass any JSON.
	dst = append(dst, '{')
	for k := range ms {
		if k+1 < len(ms) && bytes.Equal(kb[ms[k].keyStart:ms[k].keyEnd], kb[ms[k+1].keyStart:ms[k+1].keyEnd]) {
			continue
		}
		if dst[len(dst)-1] != '{' {
			dst = append(dst, ',')
		}
		dst = appendStringBytes(dst, kb[ms[k].keyStart:ms[k].keyEnd])
		dst = append(dst, ':')
		var err error
		// members may grow during the nested call; index through sc.members.
		v := sc.members[base+k].val
		dst, _, err = t.value(dst, in[:v.end], v.start, nil)
		if err != nil {
			return dst, i, err
		}
		ms = sc.members[base : base+len(ms)]
		kb = sc.keybuf
	}
	sc.members = sc.members[:base]
	t.depth--
	return append(dst, '}'), i, nil
}
