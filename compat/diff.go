package compat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Diff renders a readable difference between two responses (normally the
// normalized expected and actual bytes): the status line, the header lines
// in order, then the body: the first differing byte with context on both
// sides, and for JSON bodies a line diff of the pretty-printed documents
// (key order and string escapes kept as sent). It returns "" when the two are
// equal.
func Diff(expected, actual []byte) string {
	if bytes.Equal(expected, actual) {
		return ""
	}
	e, a := ParseMessage(expected), ParseMessage(actual)
	var b strings.Builder
	if e.StartLine != a.StartLine {
		fmt.Fprintf(&b, "status line:\n- %s\n+ %s\n", e.StartLine, a.StartLine)
	}
	eh, ah := headerStrings(e.Headers), headerStrings(a.Headers)
	if !equalStrings(eh, ah) {
		b.WriteString("headers:\n")
		writeLines(&b, lineDiff(eh, ah), 0)
	}
	if e.Complete != a.Complete {
		fmt.Fprintf(&b, "header block terminated: expected %v, actual %v\n", e.Complete, a.Complete)
	}
	if !bytes.Equal(e.Body, a.Body) {
		writeBodyDiff(&b, e.Body, a.Body)
	}
	return b.String()
}

// bodyContext is how many bytes of context are shown around the first
// differing byte of a body.
const bodyContext = 48

func writeBodyDiff(b *strings.Builder, e, a []byte) {
	i := 0
	for i < len(e) && i < len(a) && e[i] == a[i] {
		i++
	}
	fmt.Fprintf(b, "body: first difference at byte %d (expected %d bytes, actual %d bytes)\n", i, len(e), len(a))
	from := max(0, i-bodyContext)
	fmt.Fprintf(b, "  same:     %s%s\n", ellipsisIf(from > 0), quoteBytes(e[from:i]))
	fmt.Fprintf(b, "  expected: %s%s\n", quoteBytes(e[i:min(len(e), i+bodyContext)]), ellipsisIf(i+bodyContext < len(e)))
	fmt.Fprintf(b, "  actual:   %s%s\n", quoteBytes(a[i:min(len(a), i+bodyContext)]), ellipsisIf(i+bodyContext < len(a)))

	ep, eok := prettyJSON(e)
	ap, aok := prettyJSON(a)
	switch {
	case eok && aok:
		b.WriteString("body as indented JSON (- expected, + actual):\n")
		writeLines(b, lineDiff(ep, ap), 3)
	case bytes.IndexByte(e, '\n') >= 0 || bytes.IndexByte(a, '\n') >= 0:
		b.WriteString("body lines (- expected, + actual):\n")
		writeLines(b, lineDiff(strings.Split(string(e), "\n"), strings.Split(string(a), "\n")), 3)
	case eok != aok:
		fmt.Fprintf(b, "body is JSON: expected %v, actual %v\n", eok, aok)
	}
}

func ellipsisIf(c bool) string {
	if c {
		return "…"
	}
	return ""
}

// quoteBytes shows bytes as a Go string literal so that control characters,
// CR/LF and invalid UTF-8 are visible; valid non-ASCII text stays readable.
func quoteBytes(b []byte) string { return strconv.Quote(string(b)) }

// prettyJSON indents a JSON document without reordering keys or re-escaping
// strings, and splits it into lines.
func prettyJSON(body []byte) ([]string, bool) {
	if len(bytes.TrimSpace(body)) == 0 || !json.Valid(body) {
		return nil, false
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, body, "", "  "); err != nil {
		return nil, false
	}
	return strings.Split(buf.String(), "\n"), true
}

func headerStrings(hs []HeaderLine) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.String()
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// diffLine is one line of a line diff: op is ' ', '-' or '+'.
type diffLine struct {
	op   byte
	text string
}

// maxLCSCells bounds the quadratic table of lineDiff; beyond it the changed
// middle is shown as a removed block followed by an added block.
const maxLCSCells = 4_000_000

// lineDiff computes a line diff: common prefix and suffix are matched
// directly, the middle by longest common subsequence.
func lineDiff(a, b []string) []diffLine {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]diffLine, 0, len(a)+len(b))
	for _, l := range a[:pre] {
		out = append(out, diffLine{' ', l})
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(am)*len(bm) > maxLCSCells {
		for _, l := range am {
			out = append(out, diffLine{'-', l})
		}
		for _, l := range bm {
			out = append(out, diffLine{'+', l})
		}
	} else {
		out = append(out, lcsDiff(am, bm)...)
	}
	for _, l := range a[len(a)-suf:] {
		out = append(out, diffLine{' ', l})
	}
	return out
}

func lcsDiff(a, b []string) []diffLine {
	n, m := len(a), len(b)
	// l[i][j] = LCS length of a[i:] and b[j:], in one flat slice.
	w := m + 1
	l := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i*w+j] = l[(i+1)*w+j+1] + 1
			} else {
				l[i*w+j] = max(l[(i+1)*w+j], l[i*w+j+1])
			}
		}
	}
	out := make([]diffLine, 0, n+m)
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, diffLine{' ', a[i]})
			i++
			j++
		case l[(i+1)*w+j] >= l[i*w+j+1]:
			out = append(out, diffLine{'-', a[i]})
			i++
		default:
			out = append(out, diffLine{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, diffLine{'-', a[i]})
	}
	for ; j < m; j++ {
		out = append(out, diffLine{'+', b[j]})
	}
	return out
}

// writeLines prints a line diff. With context > 0, runs of unchanged lines
// longer than 2*context are folded to their first and last context lines;
// context 0 prints everything (header blocks are short).
func writeLines(b *strings.Builder, lines []diffLine, context int) {
	for i := 0; i < len(lines); {
		if lines[i].op != ' ' || context == 0 {
			fmt.Fprintf(b, "%c %s\n", lines[i].op, lines[i].text)
			i++
			continue
		}
		j := i
		for j < len(lines) && lines[j].op == ' ' {
			j++
		}
		lead, trail := context, context
		if i == 0 {
			lead = 0 // nothing changed before: no need to lead into it
		}
		if j == len(lines) {
			trail = 0
		}
		if j-i <= lead+trail+1 {
			lead, trail = j-i, 0
		}
		for _, l := range lines[i : i+lead] {
			fmt.Fprintf(b, "  %s\n", l.text)
		}
		if folded := j - i - lead - trail; folded > 0 {
			fmt.Fprintf(b, "  … %d unchanged lines …\n", folded)
		}
		for _, l := range lines[j-trail : j] {
			fmt.Fprintf(b, "  %s\n", l.text)
		}
		i = j
	}
}
