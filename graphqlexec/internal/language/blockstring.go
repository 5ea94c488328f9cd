package language

import (
	"strings"
	"unicode/utf8"
)

// blockStringValue is the spec's BlockStringValue(): the common indentation
// of every line but the first is removed, then leading and trailing lines
// that hold only spaces and tabs; the lines are joined with \n.
func blockStringValue(lines []string) string {
	common := -1
	first, last := -1, -1
	for i, line := range lines {
		ind := leadingWhitespace(line)
		if ind == len(line) {
			continue
		}
		if first < 0 {
			first = i
		}
		last = i
		if i > 0 && (common < 0 || ind < common) {
			common = ind
		}
	}
	if first < 0 {
		return ""
	}
	var b strings.Builder
	for i := first; i <= last; i++ {
		line := lines[i]
		if i > 0 {
			if common >= 0 && common <= len(line) {
				line = line[common:]
			} else if common >= 0 || len(line) > 0 {
				line = ""
			}
		}
		if i > first {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	return b.String()
}

func leadingWhitespace(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// printBlockString renders a block string value as graphql-core 3.2's
// print_block_string does (not minimized).
func printBlockString(value string) string {
	escaped := strings.ReplaceAll(value, `"""`, `\"""`)
	lines := pySplitLines(escaped)
	if len(lines) == 0 {
		lines = []string{""}
	}
	single := len(lines) == 1
	forceLeading := false
	if len(lines) > 1 {
		forceLeading = true
		for _, line := range lines[1:] {
			if line != "" && line[0] != ' ' && line[0] != '\t' {
				forceLeading = false
				break
			}
		}
	}
	trailingTriple := strings.HasSuffix(escaped, `\"""`)
	trailingQuote := strings.HasSuffix(value, `"`) && !trailingTriple
	trailingSlash := strings.HasSuffix(value, `\`)
	forceTrailing := trailingQuote || trailingSlash
	multi := !single || utf8.RuneCountInString(value) > 70 || forceTrailing || forceLeading || trailingTriple
	skipLeading := single && value != "" && (value[0] == ' ' || value[0] == '\t')
	var b strings.Builder
	b.WriteString(`"""`)
	if (multi && !skipLeading) || forceLeading {
		b.WriteByte('\n')
	}
	b.WriteString(escaped)
	if multi || forceTrailing {
		b.WriteByte('\n')
	}
	b.WriteString(`"""`)
	return b.String()
}

// pySplitLines is Python's str.splitlines(): lines without their breaks,
// breaking at \n, \r, \r\n, \v, \f, \x1c-\x1e, U+0085, U+2028, U+2029, and
// no empty last line after a final break.
func pySplitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		n := 0
		switch {
		case c == '\r':
			n = 1
			if i+1 < len(s) && s[i+1] == '\n' {
				n = 2
			}
		case c == '\n' || c == '\v' || c == '\f' || c == 0x1c || c == 0x1d || c == 0x1e:
			n = 1
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == 0x85 || r == 0x2028 || r == 0x2029 {
				n = size
			} else {
				i += size
				continue
			}
		}
		if n == 0 {
			i++
			continue
		}
		out = append(out, s[start:i])
		i += n
		start = i
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
