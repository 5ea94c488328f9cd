package pyjson

import (
	"sync"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of arrays and objects Decode accepts.
//
// CPython 3.13's C scanner spends one unit of the C recursion budget (10000)
// per container; json.loads called at module level accepts 9998 levels and,
// called from an asyncio task as FastAPI does, 9994 (measured on 3.13.0). The
// exact value under uvicorn depends on how deep its C stack is at the call,
// so a body nested within a few levels of this bound may be judged
// differently by the two servers; nothing legitimate comes close.
const MaxDepth = 9994

// maxIntDigits is CPython's default sys.get_int_max_str_digits(): json.loads
// raises ValueError for an integer literal with more digits.
const maxIntDigits = 4300

// SyntaxError is Python's json.JSONDecodeError: Msg is its .msg, word for
// word, and Pos its .pos, a character (code point) offset into the decoded
// text. FastAPI answers it with a 422 json_invalid body holding both.
type SyntaxError struct {
	Msg       string
	Pos       int
	Line, Col int // .lineno and .colno, 1-based, as in str(JSONDecodeError)
}

// Error returns str(JSONDecodeError), e.g.
// "Expecting value: line 1 column 1 (char 0)".
func (e *SyntaxError) Error() string {
	b := make([]byte, 0, len(e.Msg)+40)
	b = append(b, e.Msg...)
	b = append(b, ": line "...)
	b = appendInt(b, e.Line)
	b = append(b, " column "...)
	b = appendInt(b, e.Col)
	b = append(b, " (char "...)
	b = appendInt(b, e.Pos)
	b = append(b, ')')
	return string(b)
}

// DepthError reports nesting deeper than MaxDepth (Python's RecursionError,
// which FastAPI answers with 400 "There was an error parsing the body").
type DepthError struct{ Limit int }

func (e *DepthError) Error() string {
	return "pyjson: maximum recursion depth exceeded while decoding a JSON document (limit " + itoa(e.Limit) + ")"
}

// IntLimitError reports an integer literal longer than CPython's default
// integer string conversion limit (a ValueError, so also a 400).
type IntLimitError struct{ Digits int }

// Error returns Python's ValueError text.
func (e *IntLimitError) Error() string {
	return "Exceeds the limit (" + itoa(maxIntDigits) + " digits) for integer string conversion: value has " +
		itoa(e.Digits) + " digits; use sys.set_int_max_str_digits() to increase the limit"
}

// Decode parses body as FastAPI 0.121 does (CPython 3.13 json.loads of the
// body bytes). Errors are *EncodingError, *SyntaxError, *DepthError or
// *IntLimitError; only *SyntaxError is a JSONDecodeError in Python (422),
// the others become FastAPI's 400.
//
// Unescaped strings and number literals of the result share one copy of the
// body, so a small Value can keep the whole body alive.
func Decode(body []byte) (Value, error) {
	text, surrogates, err := decodeText(body)
	if err != nil {
		return Value{}, err
	}
	d := decoderPool.Get().(*decoder)
	d.text, d.surrogates, d.pos, d.depth = text, surrogates, 0, 0

	d.skipSpace()
	v, err := d.scan()
	if err == nil {
		d.skipSpace()
		if d.pos != len(d.text) {
			err = d.syntaxError("Extra data", d.pos)
		}
	}
	d.release()
	if err != nil {
		return Value{}, err
	}
	return v, nil
}

// decoder is the state of one Decode call. It scans the text by byte, which
// is equivalent to CPython's scan by code point because every byte it
// compares is ASCII; byte offsets become code point offsets only when an
// error is reported.
type decoder struct {
	text       string
	surrogates bool // text holds a surrogate code point: strings take the slow path
	pos        int
	depth      int

	// Scratch stacks: a container collects its children here and then copies
	// them into one slice of the exact size, so each array or object costs
	// one allocation whatever its length.
	items   []Value
	members []Member
	buf     []byte // unescaped string under construction
}

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

// maxPooledScratch keeps one huge body from pinning its scratch memory.
const maxPooledScratch = 1 << 12

func (d *decoder) release() {
	// Finished containers clear their part of the scratch stacks, so only
	// what an error left on them still points into a (discarded) result.
	clear(d.items)
	clear(d.members)
	d.text = ""
	if cap(d.items) > maxPooledScratch || cap(d.members) > maxPooledScratch || cap(d.buf) > 64*maxPooledScratch {
		return
	}
	d.items, d.members, d.buf = d.items[:0], d.members[:0], d.buf[:0]
	decoderPool.Put(d)
}

func (d *decoder) syntaxError(msg string, off int) *SyntaxError {
	pos := charOffset(d.text, off)
	line, lastNL := 1, -1
	for i := 0; i < off && i < len(d.text); i++ {
		if d.text[i] == '\n' {
			line++
			lastNL = i
		}
	}
	// colno = pos - doc.rfind('\n', 0, pos), with -1 when there is none.
	col := pos + 1
	if lastNL >= 0 {
		col = pos - charOffset(d.text, lastNL)
	}
	return &SyntaxError{Msg: msg, Pos: pos, Line: line, Col: col}
}

// isSpace is Python's json whitespace: ' ', '\t', '\n', '\r' and nothing else.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (d *decoder) skipSpace() {
	for d.pos < len(d.text) && isSpace(d.text[d.pos]) {
		d.pos++
	}
}

// scan is scan_once_unicode: it parses the value at d.pos. Where
// CPython raises StopIteration (no value here), scan reports "Expecting
// value", which is what json.loads turns it into.
//
// Values are returned, not written through a pointer: a pointer into this
// recursive call would make every child escape to the heap.
func (d *decoder) scan() (Value, error) {
	t, i := d.text, d.pos
	if i >= len(t) {
		return Value{}, d.syntaxError("Expecting value", i)
	}
	switch t[i] {
	case '"':
		d.pos = i + 1
		s, lone, err := d.scanString()
		if err != nil {
			return Value{}, err
		}
		return Value{Kind: String, Str: s, LoneSurrogate: lone}, nil
	case '{':
		return d.scanContainer(true)
	case '[':
		return d.scanContainer(false)
	case 'n':
		if hasWord(t, i, "null") {
			d.pos = i + 4
			return Value{Kind: Null}, nil
		}
	case 't':
		if hasWord(t, i, "true") {
			d.pos = i + 4
			return Value{Kind: Bool, Bool: true}, nil
		}
	case 'f':
		if hasWord(t, i, "false") {
			d.pos = i + 5
			return Value{Kind: Bool}, nil
		}
	case 'N':
		if hasWord(t, i, "NaN") {
			d.pos = i + 3
			return Value{Kind: Float, Num: t[i : i+3]}, nil
		}
	case 'I':
		if hasWord(t, i, "Infinity") {
			d.pos = i + 8
			return Value{Kind: Float, Num: t[i : i+8]}, nil
		}
	case '-':
		if hasWord(t, i, "-Infinity") {
			d.pos = i + 9
			return Value{Kind: Float, Num: t[i : i+9]}, nil
		}
	}
	return d.scanNumber()
}

func hasWord(t string, i int, w string) bool {
	return len(t)-i >= len(w) && t[i:i+len(w)] == w
}

// scanNumber is _match_number_unicode, including its backtracking: "1." and
// "1e+" end the number before the '.' or 'e', leaving "Extra data".
func (d *decoder) scanNumber() (Value, error) {
	t, start := d.text, d.pos
	i, end := start, len(t)
	if t[i] == '-' {
		i++
		if i >= end {
			return Value{}, d.syntaxError("Expecting value", start)
		}
	}
	switch c := t[i]; {
	case c >= '1' && c <= '9':
		i++
		for i < end && isDigit(t[i]) {
			i++
		}
	case c == '0':
		i++
	default:
		return Value{}, d.syntaxError("Expecting value", start)
	}
	isFloat := false
	if i+1 < end && t[i] == '.' && isDigit(t[i+1]) {
		isFloat = true
		i += 2
		for i < end && isDigit(t[i]) {
			i++
		}
	}
	if i+1 < end && (t[i] == 'e' || t[i] == 'E') {
		eStart := i
		i++
		if i+1 < end && (t[i] == '-' || t[i] == '+') {
			i++
		}
		for i < end && isDigit(t[i]) {
			i++
		}
		if isDigit(t[i-1]) {
			isFloat = true
		} else {
			i = eStart
		}
	}
	d.pos = i
	if isFloat {
		return Value{Kind: Float, Num: t[start:i]}, nil
	}
	digits := i - start
	if t[start] == '-' {
		digits--
	}
	if digits > maxIntDigits {
		return Value{}, &IntLimitError{Digits: digits}
	}
	return Value{Kind: Int, Num: t[start:i]}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanContainer is _parse_object_unicode / _parse_array_unicode, entered at
// the opening bracket. The recursion check comes first, as in CPython, so a
// too-deep body fails before any syntax error further on.
func (d *decoder) scanContainer(object bool) (Value, error) {
	if d.depth >= MaxDepth {
		return Value{}, &DepthError{Limit: MaxDepth}
	}
	d.depth++
	var v Value
	var err error
	if object {
		v, err = d.scanObject()
	} else {
		v, err = d.scanArray()
	}
	d.depth--
	return v, err
}

func (d *decoder) scanArray() (Value, error) {
	t := d.text
	d.pos++
	d.skipSpace()
	mark := len(d.items)
	if d.pos >= len(t) || t[d.pos] != ']' {
		for {
			item, err := d.scan()
			if err != nil {
				return Value{}, err
			}
			d.items = append(d.items, item)
			if done, err := d.next(']', "array"); done || err != nil {
				if err != nil {
					return Value{}, err
				}
				break
			}
		}
	}
	d.pos++ // ']'
	return Value{Kind: Array, Items: pop(&d.items, mark)}, nil
}

// next reads what follows an array item or an object member: the closing
// bracket (done) or a comma followed by another element, with Python's
// messages for anything else and for a comma right before the bracket.
func (d *decoder) next(closing byte, what string) (done bool, err error) {
	t := d.text
	d.skipSpace()
	if d.pos < len(t) && t[d.pos] == closing {
		return true, nil
	}
	if d.pos >= len(t) || t[d.pos] != ',' {
		return false, d.syntaxError("Expecting ',' delimiter", d.pos)
	}
	comma := d.pos
	d.pos++
	d.skipSpace()
	if d.pos < len(t) && t[d.pos] == closing {
		return false, d.syntaxError("Illegal trailing comma before end of "+what, comma)
	}
	return false, nil
}

// pop moves the elements above mark off the decoder's shared stack into a
// slice of their own (never nil: Python's empty list and dict are values).
func pop[T any](stack *[]T, mark int) []T {
	n := len(*stack) - mark
	out := make([]T, n)
	copy(out, (*stack)[mark:])
	clear((*stack)[mark:])
	*stack = (*stack)[:mark]
	return out
}

// linearKeys is the object size up to which duplicate keys are found by a
// linear scan; larger objects get a map, so that a body with many keys cannot
// make decoding quadratic.
const linearKeys = 16

func (d *decoder) scanObject() (Value, error) {
	t := d.text
	d.pos++
	d.skipSpace()
	mark := len(d.members)
	var index map[string]int
	if d.pos >= len(t) || t[d.pos] != '}' {
		for {
			if d.pos >= len(t) || t[d.pos] != '"' {
				return Value{}, d.syntaxError("Expecting property name enclosed in double quotes", d.pos)
			}
			d.pos++
			key, lone, err := d.scanString()
			if err != nil {
				return Value{}, err
			}
			d.skipSpace()
			if d.pos >= len(t) || t[d.pos] != ':' {
				return Value{}, d.syntaxError("Expecting ':' delimiter", d.pos)
			}
			d.pos++
			d.skipSpace()
			val, err := d.scan()
			if err != nil {
				return Value{}, err
			}
			index = d.addMember(mark, index, Member{Key: key, Value: val, KeyLoneSurrogate: lone})
			if done, err := d.next('}', "object"); done || err != nil {
				if err != nil {
					return Value{}, err
				}
				break
			}
		}
	}
	d.pos++ // '}'
	return Value{Kind: Object, Members: pop(&d.members, mark)}, nil
}

// addMember adds m to the object whose members start at mark, the way
// dict(pairs) does: a repeated key keeps its first position and takes the
// new value.
func (d *decoder) addMember(mark int, index map[string]int, m Member) map[string]int {
	cur := d.members[mark:]
	if index == nil {
		for i := range cur {
			if cur[i].Key == m.Key {
				cur[i] = m
				return nil
			}
		}
		d.members = append(d.members, m)
		if len(cur)+1 <= linearKeys {
			return nil
		}
		index = make(map[string]int, 2*linearKeys)
		for i, mm := range d.members[mark:] {
			index[mm.Key] = i
		}
		return index
	}
	if i, ok := index[m.Key]; ok {
		cur[i] = m
		return index
	}
	index[m.Key] = len(cur)
	d.members = append(d.members, m)
	return index
}

// scanString is scanstring_unicode with strict=True, entered just after the
// opening quote. Its error positions follow CPython's exactly: the opening
// quote for an unterminated string, the control character itself, the
// backslash of a bad escape, the 'u' of a bad \u escape.
func (d *decoder) scanString() (string, bool, error) {
	t := d.text
	begin := d.pos - 1
	// Fast path: no escape and no surrogate, the string is a slice of the text.
	i := d.pos
	for i < len(t) {
		c := t[i]
		if c == '"' || c == '\\' {
			break
		}
		if c < 0x20 {
			return "", false, d.syntaxError("Invalid control character at", i)
		}
		i++
	}
	if i >= len(t) {
		return "", false, d.syntaxError("Unterminated string starting at", begin)
	}
	if t[i] == '"' && !d.surrogates {
		s := t[d.pos:i]
		d.pos = i + 1
		return s, false, nil
	}
	return d.scanStringSlow(begin)
}

// scanStringSlow builds the string in d.buf, resolving escapes and turning
// lone surrogates into U+FFFD.
func (d *decoder) scanStringSlow(begin int) (string, bool, error) {
	t := d.text
	buf := d.buf[:0]
	lone := false
	end := d.pos
	for {
		next := end
		var c byte
		for ; next < len(t); next++ {
			c = t[next]
			if c == '"' || c == '\\' {
				break
			}
			if c < 0x20 {
				return "", false, d.syntaxError("Invalid control character at", next)
			}
		}
		if next >= len(t) {
			return "", false, d.syntaxError("Unterminated string starting at", begin)
		}
		if d.surrogates {
			var l bool
			buf, l = appendReplacingSurrogates(buf, t[end:next])
			lone = lone || l
		} else {
			buf = append(buf, t[end:next]...)
		}
		if c == '"' {
			end = next + 1
			break
		}
		next++ // past the backslash
		if next >= len(t) {
			return "", false, d.syntaxError("Unterminated string starting at", begin)
		}
		c = t[next]
		if c != 'u' {
			end = next + 1
			var r byte
			switch c {
			case '"', '\\', '/':
				r = c
			case 'b':
				r = '\b'
			case 'f':
				r = '\f'
			case 'n':
				r = '\n'
			case 'r':
				r = '\r'
			case 't':
				r = '\t'
			default:
				return "", false, d.syntaxError("Invalid \\escape", end-2)
			}
			buf = append(buf, r)
			continue
		}
		// \uXXXX: CPython wants the four digits and at least one more
		// character after them (otherwise the string is unterminated anyway).
		next++
		end = next + 4
		if end >= len(t) {
			return "", false, d.syntaxError("Invalid \\uXXXX escape", next-1)
		}
		r, ok := hex4(t[next:end])
		if !ok {
			return "", false, d.syntaxError("Invalid \\uXXXX escape", end-5)
		}
		if r >= 0xD800 && r <= 0xDBFF && end+6 < len(t) && t[end] == '\\' && t[end+1] == 'u' {
			r2, ok := hex4(t[end+2 : end+6])
			if !ok {
				return "", false, d.syntaxError("Invalid \\uXXXX escape", end+1)
			}
			if r2 >= 0xDC00 && r2 <= 0xDFFF {
				r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
				end += 6
			}
		}
		if r >= 0xD800 && r <= 0xDFFF {
			r, lone = 0xFFFD, true
		}
		buf = appendRune(buf, r)
	}
	d.pos = end
	s := string(buf)
	d.buf = buf
	return s, lone, nil
}

// hex4 decodes four hex digits of either case.
func hex4(s string) (rune, bool) {
	var r rune
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

func appendRune(dst []byte, r rune) []byte {
	if r < 0x80 {
		return append(dst, byte(r))
	}
	return utf8.AppendRune(dst, r)
}

// appendReplacingSurrogates copies s, writing each surrogate code point (the
// 3-byte ED A0..BF xx form) as U+FFFD.
func appendReplacingSurrogates(dst []byte, s string) ([]byte, bool) {
	lone := false
	for i := 0; i < len(s); {
		if s[i] == 0xED && i+2 < len(s) && s[i+1] >= 0xA0 {
			dst = append(dst, "\uFFFD"...)
			lone = true
			i += 3
			continue
		}
		dst = append(dst, s[i])
		i++
	}
	return dst, lone
}
