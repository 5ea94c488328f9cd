package rules

import "unicode/utf8"

// positioner answers language.Position for increasing offsets of one
// source in one pass overall (a document with many errors would otherwise
// cost errors × bytes). The rules are Position's: columns in code points,
// Python's str.splitlines line breaks, an offset right after a break
// reported at the end of the previous line.
type positioner struct {
	src               string
	i                 int
	breaks, cur, prev int
	afterCR           bool // stopped between \r and a \n that belongs to it
}

func (p *positioner) at(off int) (line, column int) {
	src := p.src
	if off > len(src) {
		off = len(src)
	}
	for p.i < off {
		c := src[p.i]
		if c < utf8.RuneSelf {
			p.i++
			if c == '\n' && p.afterCR {
				p.afterCR = false
				continue
			}
			p.afterCR = false
			switch c {
			case '\r':
				if p.i < off && src[p.i] == '\n' {
					p.i++
				} else if p.i < len(src) && src[p.i] == '\n' {
					p.afterCR = true
				}
				p.breaks++
				p.prev, p.cur = p.cur, 0
			case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e:
				p.breaks++
				p.prev, p.cur = p.cur, 0
			default:
				p.cur++
			}
			continue
		}
		p.afterCR = false
		r, size := utf8.DecodeRuneInString(src[p.i:])
		p.i += size
		switch r {
		case 0x85, 0x2028, 0x2029:
			p.breaks++
			p.prev, p.cur = p.cur, 0
		default:
			p.cur++
		}
	}
	switch {
	case off == 0:
		return 1, 1
	case p.cur == 0 && p.breaks > 0:
		return p.breaks, p.prev + 1
	default:
		return p.breaks + 1, p.cur + 1
	}
}
