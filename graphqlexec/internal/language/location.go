package language

import "unicode/utf8"

// Position returns the line and column (both from 1) of the byte offset off
// in src, as graphql-core 3.2 computes them for error locations: columns
// count Unicode code points, and lines are what Python's str.splitlines
// finds in the text before the offset. That has two consequences kept on
// purpose: besides \n, \r and \r\n, the characters \v, \f, \x1c, \x1d,
// \x1e, U+0085, U+2028 and U+2029 end a line too; and an offset right after
// a line break reports the end of the previous line (graphql-core reports
// the end of an unterminated "{\n" at 1:2, not 2:1).
func Position(src string, off int) (line, column int) {
	if off > len(src) {
		off = len(src)
	}
	breaks, cur, prev := 0, 0, 0
	for i := 0; i < off; {
		c := src[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '\r':
				if i < off && src[i] == '\n' {
					i++
				}
				fallthrough
			case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e:
				breaks++
				prev, cur = cur, 0
			default:
				cur++
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		i += size
		switch r {
		case 0x85, 0x2028, 0x2029:
			breaks++
			prev, cur = cur, 0
		default:
			cur++
		}
	}
	switch {
	case off == 0:
		return 1, 1
	case cur == 0 && breaks > 0:
		return breaks, prev + 1
	default:
		return breaks + 1, cur + 1
	}
}
