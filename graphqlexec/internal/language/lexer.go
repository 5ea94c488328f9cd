package language

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// tokenKind is a token kind.
type tokenKind uint8

// The token kinds of the spec's lexical grammar (comments are skipped by
// the lexer and never reach the parser).
const (
	tokSOF tokenKind = iota
	tokEOF
	tokBang
	tokDollar
	tokAmp
	tokParenL
	tokParenR
	tokSpread
	tokColon
	tokEquals
	tokAt
	tokBracketL
	tokBracketR
	tokBraceL
	tokPipe
	tokBraceR
	tokName
	tokInt
	tokFloat
	tokString
	tokBlockString
)

var kindNames = [...]string{
	tokSOF: "<SOF>", tokEOF: "<EOF>", tokBang: "!", tokDollar: "$", tokAmp: "&",
	tokParenL: "(", tokParenR: ")", tokSpread: "...", tokColon: ":", tokEquals: "=",
	tokAt: "@", tokBracketL: "[", tokBracketR: "]", tokBraceL: "{", tokPipe: "|",
	tokBraceR: "}", tokName: "Name", tokInt: "Int", tokFloat: "Float",
	tokString: "String", tokBlockString: "BlockString",
}

// String is the kind as graphql-core names it ("Name", "{", "<EOF>").
func (k tokenKind) String() string { return kindNames[k] }

// describe is graphql-core's get_token_kind_desc: punctuators quoted.
func (k tokenKind) describe() string {
	if k >= tokBang && k <= tokBraceR {
		return "'" + kindNames[k] + "'"
	}
	return kindNames[k]
}

// token is one lexical token. Start and End are byte offsets into the
// source. Value is set for names, numbers and strings (strings decoded,
// block strings dedented); for names and numbers, and for strings without
// escapes, it is a substring of the source (no copy).
type token struct {
	kind       tokenKind
	Start, End int
	Value      string
}

// describe is graphql-core's get_token_desc.
func (t token) describe() string {
	if t.kind >= tokName {
		return t.kind.describe() + " '" + t.Value + "'"
	}
	return t.kind.describe()
}

// lexer reads tokens from src on demand. Errors panic with *SyntaxError;
// Parse recovers them (the parser's recursion would otherwise thread an
// error through every production).
type lexer struct {
	src string
	pos int
	buf strings.Builder
}

func (l *lexer) fail(off int, format string, args ...any) {
	panic(newSyntaxError(l.src, off, fmt.Sprintf(format, args...)))
}

// codePointAt is graphql-core's print_code_point_at.
func (l *lexer) codePointAt(off int) string {
	if off >= len(l.src) {
		return "<EOF>"
	}
	c := l.src[off]
	if c >= 0x20 && c <= 0x7e {
		if c == '"' {
			return `'"'`
		}
		return "'" + string(c) + "'"
	}
	r, _ := utf8.DecodeRuneInString(l.src[off:])
	return fmt.Sprintf("U+%04X", r)
}

// next returns the next significant token (comments and ignored tokens
// skipped).
func (l *lexer) next() token {
	src := l.src
	i := l.pos
	for i < len(src) {
		c := src[i]
		switch c {
		case ' ', '\t', ',', '\n', '\r':
			i++
			continue
		case '#':
			i = l.skipComment(i + 1)
			continue
		case '"':
			if strings.HasPrefix(src[i+1:], `""`) {
				return l.blockString(i)
			}
			return l.str(i)
		case '!':
			return l.punct(tokBang, i, 1)
		case '$':
			return l.punct(tokDollar, i, 1)
		case '&':
			return l.punct(tokAmp, i, 1)
		case '(':
			return l.punct(tokParenL, i, 1)
		case ')':
			return l.punct(tokParenR, i, 1)
		case ':':
			return l.punct(tokColon, i, 1)
		case '=':
			return l.punct(tokEquals, i, 1)
		case '@':
			return l.punct(tokAt, i, 1)
		case '[':
			return l.punct(tokBracketL, i, 1)
		case ']':
			return l.punct(tokBracketR, i, 1)
		case '{':
			return l.punct(tokBraceL, i, 1)
		case '|':
			return l.punct(tokPipe, i, 1)
		case '}':
			return l.punct(tokBraceR, i, 1)
		case '.':
			if strings.HasPrefix(src[i+1:], "..") {
				return l.punct(tokSpread, i, 3)
			}
		case 0xEF: // U+FEFF, the byte order mark, is ignored anywhere
			if strings.HasPrefix(src[i:], "\uFEFF") {
				i += 3
				continue
			}
		}
		if c == '-' || isDigit(c) {
			return l.number(i)
		}
		if isNameStart(c) {
			j := i + 1
			for j < len(src) && isNameContinue(src[j]) {
				j++
			}
			l.pos = j
			return token{kind: tokName, Start: i, End: j, Value: src[i:j]}
		}
		switch {
		case c == '\'':
			l.fail(i, `Unexpected single quote character ('), did you mean to use a double quote (")?`)
		case c >= utf8.RuneSelf:
			if r, size := utf8.DecodeRuneInString(src[i:]); r == utf8.RuneError && size == 1 {
				l.fail(i, "Invalid character: U+FFFD.")
			}
		}
		l.fail(i, "Unexpected character: %s.", l.codePointAt(i))
	}
	l.pos = len(src)
	return token{kind: tokEOF, Start: len(src), End: len(src)}
}

func (l *lexer) punct(k tokenKind, at, n int) token {
	l.pos = at + n
	return token{kind: k, Start: at, End: at + n}
}

// skipComment returns the offset after the comment whose text starts at i:
// the next line break, or a byte that is not UTF-8 (which the next token
// then reports, as graphql-core stops a comment at a lone surrogate).
func (l *lexer) skipComment(i int) int {
	src := l.src
	for i < len(src) {
		c := src[i]
		if c < utf8.RuneSelf {
			if c == '\n' || c == '\r' {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return i
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isNameStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isNameContinue(c byte) bool {
	return isNameStart(c) || isDigit(c)
}

// number reads an IntValue or FloatValue starting at start.
func (l *lexer) number(start int) token {
	src := l.src
	i := start
	isFloat := false
	if src[i] == '-' {
		i++
	}
	if i < len(src) && src[i] == '0' {
		i++
		if i < len(src) && isDigit(src[i]) {
			l.fail(i, "Invalid number, unexpected digit after 0: %s.", l.codePointAt(i))
		}
	} else {
		i = l.digits(i)
	}
	if i < len(src) && src[i] == '.' {
		isFloat = true
		i = l.digits(i + 1)
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		isFloat = true
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		i = l.digits(i)
	}
	if i < len(src) && (src[i] == '.' || isNameStart(src[i])) {
		l.fail(i, "Invalid number, expected digit but got: %s.", l.codePointAt(i))
	}
	l.pos = i
	k := tokInt
	if isFloat {
		k = tokFloat
	}
	return token{kind: k, Start: start, End: i, Value: src[start:i]}
}

func (l *lexer) digits(i int) int {
	if i >= len(l.src) || !isDigit(l.src[i]) {
		l.fail(i, "Invalid number, expected digit but got: %s.", l.codePointAt(i))
	}
	i++
	for i < len(l.src) && isDigit(l.src[i]) {
		i++
	}
	return i
}

// str reads a "..." string starting at the quote at start. The value is a
// substring of the source unless an escape sequence forces a copy.
func (l *lexer) str(start int) token {
	src := l.src
	i := start + 1
	chunk := i
	escaped := false
	b := &l.buf
	for i < len(src) {
		c := src[i]
		switch {
		case c == '"':
			var v string
			if escaped {
				b.WriteString(src[chunk:i])
				v = b.String()
				b.Reset()
			} else {
				v = src[chunk:i]
			}
			l.pos = i + 1
			return token{kind: tokString, Start: start, End: i + 1, Value: v}
		case c == '\\':
			if !escaped {
				escaped = true
				b.Reset()
			}
			b.WriteString(src[chunk:i])
			i = l.escape(i)
			chunk = i
		case c == '\n' || c == '\r':
			l.fail(i, "Unterminated string.")
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && size == 1 {
				l.fail(i, "Invalid character within String: U+FFFD.")
			}
			i += size
		}
	}
	l.fail(i, "Unterminated string.")
	panic("unreachable")
}

// escape decodes the escape sequence at the backslash at i into l.buf and
// returns the offset after it.
func (l *lexer) escape(i int) int {
	src := l.src
	if i+1 >= len(src) {
		// graphql-core 3.2.8 raises IndexError here; we report the escape.
		l.fail(i, `Invalid character escape sequence: '\'.`)
	}
	b := &l.buf
	switch src[i+1] {
	case '"':
		b.WriteByte('"')
	case '\\':
		b.WriteByte('\\')
	case '/':
		b.WriteByte('/')
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		if i+2 < len(src) && src[i+2] == '{' {
			return l.unicodeBraced(i)
		}
		return l.unicodeFixed(i)
	default:
		l.fail(i, "Invalid character escape sequence: '%s'.", prefixRunes(src[i:], 2))
	}
	return i + 2
}

// prefixRunes is src's first n code points (fewer at its end): the slice
// body[position:position+n] of graphql-core's messages.
func prefixRunes(src string, n int) string {
	j := 0
	for ; n > 0 && j < len(src); n-- {
		_, size := utf8.DecodeRuneInString(src[j:])
		j += size
	}
	return src[:j]
}

func isScalar(p int64) bool { return (p >= 0 && p <= 0xD7FF) || (p >= 0xE000 && p <= 0x10FFFF) }

func hexDigit(c byte) int64 {
	switch {
	case c >= '0' && c <= '9':
		return int64(c - '0')
	case c >= 'A' && c <= 'F':
		return int64(c - 'A' + 10)
	case c >= 'a' && c <= 'f':
		return int64(c - 'a' + 10)
	}
	return -1
}

// unicodeBraced reads \u{X...}: up to 12 code points in all, at least one
// hex digit, a Unicode scalar value.
func (l *lexer) unicodeBraced(i int) int {
	src := l.src
	var point int64
	size := 3  // code points read: \ u {
	j := i + 3 // byte offset of the next one
	for size < 12 && j < len(src) {
		c := src[j]
		_, w := utf8.DecodeRuneInString(src[j:])
		j += w
		size++
		if c == '}' {
			if size < 5 || !isScalar(point) {
				break
			}
			utf8AppendRune(&l.buf, rune(point))
			return j
		}
		d := int64(-1)
		if c < utf8.RuneSelf {
			d = hexDigit(c)
		}
		if d < 0 {
			break
		}
		point = point<<4 | d
	}
	l.fail(i, "Invalid Unicode escape sequence: '%s'.", src[i:j])
	return 0
}

// hex4 is graphql-core's read_16_bit_hex_code; -1 when any of the four
// characters is not a hex digit (or missing).
func hex4(s string) int64 {
	if len(s) < 4 {
		return -1
	}
	return hexDigit(s[0])<<12 | hexDigit(s[1])<<8 | hexDigit(s[2])<<4 | hexDigit(s[3])
}

// unicodeFixed reads \uXXXX, joining a JSON-style surrogate pair
// \uD83D\uDE00 into one code point; a lone surrogate is an error.
func (l *lexer) unicodeFixed(i int) int {
	src := l.src
	code := hex4(src[i+2:])
	if code >= 0 && isScalar(code) {
		utf8AppendRune(&l.buf, rune(code))
		return i + 6
	}
	if code >= 0xD800 && code <= 0xDBFF && strings.HasPrefix(src[i+6:], `\u`) {
		trail := hex4(src[i+8:])
		if trail >= 0xDC00 && trail <= 0xDFFF {
			utf8AppendRune(&l.buf, rune(0x10000+(code-0xD800)<<10+(trail-0xDC00)))
			return i + 12
		}
	}
	l.fail(i, "Invalid Unicode escape sequence: '%s'.", prefixRunes(src[i:], 6))
	return 0
}

func utf8AppendRune(b *strings.Builder, r rune) { b.WriteRune(r) }

// blockString reads a """...""" string starting at start; its value is
// the spec's BlockStringValue (common indentation and blank first and last
// lines removed, line breaks normalised to \n).
func (l *lexer) blockString(start int) token {
	src := l.src
	i := start + 3
	lineStart := i
	var lines []string
	var cur strings.Builder // holds a line only when it contains \"""
	curEsc := false
	for i < len(src) {
		c := src[i]
		switch {
		case c == '"' && strings.HasPrefix(src[i:], `"""`):
			lines = append(lines, finishLine(&cur, curEsc, src[lineStart:i]))
			l.pos = i + 3
			return token{kind: tokBlockString, Start: start, End: i + 3, Value: blockStringValue(lines)}
		case c == '\\' && strings.HasPrefix(src[i+1:], `"""`):
			cur.WriteString(src[lineStart:i])
			curEsc = true
			lineStart = i + 1
			i += 4
		case c == '\n' || c == '\r':
			lines = append(lines, finishLine(&cur, curEsc, src[lineStart:i]))
			curEsc = false
			if c == '\r' && i+1 < len(src) && src[i+1] == '\n' {
				i += 2
			} else {
				i++
			}
			lineStart = i
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && size == 1 {
				l.fail(i, "Invalid character within String: U+FFFD.")
			}
			i += size
		}
	}
	l.fail(i, "Unterminated string.")
	panic("unreachable")
}

func finishLine(cur *strings.Builder, esc bool, rest string) string {
	if !esc {
		return rest
	}
	cur.WriteString(rest)
	s := cur.String()
	cur.Reset()
	return s
}
