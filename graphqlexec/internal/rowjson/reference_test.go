package rowjson

// This file keeps the first, byte-at-a-time implementation of the row
// rewrite (commit fc8afc9, validated against all 119 recorded exchanges) as
// the oracle of the differential tests: the optimised scanner in
// rowjson.go/scan.go must produce the same bytes and fail on the same inputs.

import (
	"bytes"
	"fmt"
	"slices"
	"unicode/utf8"
)

type refSpan struct{ start, end int }

type refTransformer struct {
	spans   []refSpan
	members []refMember
	keybuf  []byte // decoded keys of canonicalObject members
	keytmp  []byte // one decoded key of a projected object
	depth   int
}

type refMember struct {
	keyStart, keyEnd int // decoded key in keybuf
	val              refSpan
}

// refAppendRow appends the rewrite of one row document (jsonb text) to dst.
// A nil row (SQL NULL) is written as null.
func refAppendRow(dst, row []byte, n *Node) ([]byte, error) {
	if row == nil {
		return append(dst, "null"...), nil
	}
	t := new(refTransformer)
	i := refSkipWS(row, 0)
	var err error
	dst, i, err = t.value(dst, row, i, n)
	if err != nil {
		return dst, err
	}
	if refSkipWS(row, i) != len(row) {
		return dst, ErrSyntax
	}
	return dst, nil
}

// value rewrites the value at in[i:] with node n (nil: canonical copy).
func (t *refTransformer) value(dst, in []byte, i int, n *Node) ([]byte, int, error) {
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
		end, esc, err := refScanString(in, i)
		if err != nil {
			return dst, i, err
		}
		return refAppendStringToken(dst, in[i:end], esc), end, nil
	case c == '-' || (c >= '0' && c <= '9'):
		end, err := scanNumber(in, i)
		if err != nil {
			return dst, i, err
		}
		return appendNumber(dst, in[i:end]), end, nil
	case c == 't':
		return refLiteral(dst, in, i, "true")
	case c == 'f':
		return refLiteral(dst, in, i, "false")
	case c == 'n':
		return refLiteral(dst, in, i, "null")
	}
	return dst, i, ErrSyntax
}

func refLiteral(dst, in []byte, i int, lit string) ([]byte, int, error) {
	if !bytes.HasPrefix(in[i:], []byte(lit)) {
		return dst, i, ErrSyntax
	}
	return append(dst, lit...), i + len(lit), nil
}

func (t *refTransformer) enter() error {
	t.depth++
	if t.depth > maxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrSyntax, maxDepth)
	}
	return nil
}

// array rewrites a list; objects in it are projected with n.
func (t *refTransformer) array(dst, in []byte, i int, n *Node) ([]byte, int, error) {
	if err := t.enter(); err != nil {
		return dst, i, err
	}
	defer func() { t.depth-- }()
	dst = append(dst, '[')
	i = refSkipWS(in, i+1)
	if i < len(in) && in[i] == ']' {
		return append(dst, ']'), i + 1, nil
	}
	for {
		var err error
		dst, i, err = t.value(dst, in, i, n)
		if err != nil {
			return dst, i, err
		}
		i = refSkipWS(in, i)
		if i >= len(in) {
			return dst, i, ErrSyntax
		}
		switch in[i] {
		case ',':
			dst = append(dst, ',')
			i = refSkipWS(in, i+1)
		case ']':
			return append(dst, ']'), i + 1, nil
		default:
			return dst, i, ErrSyntax
		}
	}
}

// object projects the object at in[i] (which is '{') with n: one scan
// records where each selected refMember's value lies, then the members are
// written in n's (sorted) order.
func (t *refTransformer) object(dst, in []byte, i int, n *Node) ([]byte, int, error) {
	if err := t.enter(); err != nil {
		return dst, i, err
	}
	defer func() { t.depth-- }()
	base := len(t.spans)
	for range n.entries {
		t.spans = append(t.spans, refSpan{-1, -1})
	}
	defer func() { t.spans = t.spans[:base] }()

	i = refSkipWS(in, i+1)
	if i < len(in) && in[i] == '}' {
		i++
	} else {
		for {
			if i >= len(in) || in[i] != '"' {
				return dst, i, ErrSyntax
			}
			kend, kesc, err := refScanString(in, i)
			if err != nil {
				return dst, i, err
			}
			key := in[i+1 : kend-1]
			if kesc {
				t.keytmp = appendUnescaped(t.keytmp[:0], key)
				key = t.keytmp
			}
			i = refSkipWS(in, kend)
			if i >= len(in) || in[i] != ':' {
				return dst, i, ErrSyntax
			}
			vstart := refSkipWS(in, i+1)
			vend, err := refSkipValue(in, vstart, 0)
			if err != nil {
				return dst, i, err
			}
			for k := range n.entries {
				e := &n.entries[k]
				if !e.typename && e.jsonKey == string(key) {
					t.spans[base+k] = refSpan{vstart, vend}
				}
			}
			i = refSkipWS(in, vend)
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
			i = refSkipWS(in, i+1)
		}
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
		sp := t.spans[base+k]
		if sp.start < 0 {
			continue // missing from the document: omitted, not null (v1)
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, e.prefix...)
		var err error
		dst, _, err = t.value(dst, in[:sp.end], sp.start, e.child)
		if err != nil {
			return dst, i, err
		}
	}
	return append(dst, '}'), i, nil
}

// canonicalObject re-prints an object with its keys sorted byte-wise.
func (t *refTransformer) canonicalObject(dst, in []byte, i int) ([]byte, int, error) {
	if err := t.enter(); err != nil {
		return dst, i, err
	}
	defer func() { t.depth-- }()
	base := len(t.members)
	defer func() { t.members = t.members[:base] }()
	i = refSkipWS(in, i+1)
	if i < len(in) && in[i] == '}' {
		return append(dst, "{}"...), i + 1, nil
	}
	for {
		if i >= len(in) || in[i] != '"' {
			return dst, i, ErrSyntax
		}
		kend, _, err := refScanString(in, i)
		if err != nil {
			return dst, i, err
		}
		ks := len(t.keybuf)
		t.keybuf = appendUnescaped(t.keybuf, in[i+1:kend-1])
		m := refMember{keyStart: ks, keyEnd: len(t.keybuf)}
		i = refSkipWS(in, kend)
		if i >= len(in) || in[i] != ':' {
			return dst, i, ErrSyntax
		}
		vstart := refSkipWS(in, i+1)
		vend, err := refSkipValue(in, vstart, 0)
		if err != nil {
			return dst, i, err
		}
		m.val = refSpan{vstart, vend}
		t.members = append(t.members, m)
		i = refSkipWS(in, vend)
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
		i = refSkipWS(in, i+1)
	}
	ms := t.members[base:]
	kb := t.keybuf
	slices.SortStableFunc(ms, func(a, b refMember) int {
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
		// members may grow during the nested call; index through t.members.
		v := t.members[base+k].val
		dst, _, err = t.value(dst, in[:v.end], v.start, nil)
		if err != nil {
			return dst, i, err
		}
		ms = t.members[base : base+len(ms)]
		kb = t.keybuf
	}
	return append(dst, '}'), i, nil
}

func refSkipWS(in []byte, i int) int {
	for i < len(in) {
		switch in[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// refScanString returns the index just past the string token starting at
// in[i] ('"') and whether it contains escapes.
func refScanString(in []byte, i int) (end int, escaped bool, err error) {
	i++
	for i < len(in) {
		switch c := in[i]; {
		case c == '"':
			return i + 1, escaped, nil
		case c == '\\':
			escaped = true
			i += 2
		case c < 0x20:
			return i, escaped, ErrSyntax
		default:
			i++
		}
	}
	return i, escaped, ErrSyntax
}

// refSkipValue returns the index just past the value at in[i].
func refSkipValue(in []byte, i, depth int) (int, error) {
	if depth > maxDepth {
		return i, ErrSyntax
	}
	if i >= len(in) {
		return i, ErrSyntax
	}
	switch c := in[i]; {
	case c == '"':
		end, _, err := refScanString(in, i)
		return end, err
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = refSkipWS(in, i+1)
		if i < len(in) && in[i] == closer {
			return i + 1, nil
		}
		for {
			if c == '{' {
				if i >= len(in) || in[i] != '"' {
					return i, ErrSyntax
				}
				end, _, err := refScanString(in, i)
				if err != nil {
					return i, err
				}
				i = refSkipWS(in, end)
				if i >= len(in) || in[i] != ':' {
					return i, ErrSyntax
				}
				i = refSkipWS(in, i+1)
			}
			end, err := refSkipValue(in, i, depth+1)
			if err != nil {
				return i, err
			}
			i = refSkipWS(in, end)
			if i >= len(in) {
				return i, ErrSyntax
			}
			if in[i] == closer {
				return i + 1, nil
			}
			if in[i] != ',' {
				return i, ErrSyntax
			}
			i = refSkipWS(in, i+1)
		}
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(in, i)
	case c == 't':
		return refSkipLit(in, i, "true")
	case c == 'f':
		return refSkipLit(in, i, "false")
	case c == 'n':
		return refSkipLit(in, i, "null")
	}
	return i, ErrSyntax
}

func refSkipLit(in []byte, i int, lit string) (int, error) {
	if len(in)-i < len(lit) || string(in[i:i+len(lit)]) != lit {
		return i, ErrSyntax
	}
	return i + len(lit), nil
}

// refAppendStringToken writes a scanned string token (quotes included). A
// token without escapes is copied as is: PostgreSQL escapes exactly what
// serde_json escapes and leaves the rest raw, and a raw token cannot hold a
// control character (refScanString rejects it). Escaped tokens are decoded and
// re-encoded, so that escapes serde writes differently (\/, \u00e9, upper-case
// hex) come out in serde's form.
func refAppendStringToken(dst, tok []byte, escaped bool) []byte {
	if !escaped {
		if utf8.Valid(tok) {
			return append(dst, tok...)
		}
		return appendStringBytes(dst, tok[1:len(tok)-1])
	}
	// Decode into the tail of dst, then encode from a copy: decoding never
	// grows the text, but encoding may, so decode in place first.
	mark := len(dst)
	dst = appendUnescaped(dst, tok[1:len(tok)-1])
	raw := make([]byte, len(dst)-mark)
	copy(raw, dst[mark:])
	return appendStringBytes(dst[:mark], raw)
}
