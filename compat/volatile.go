package compat

import (
	"fmt"
	"regexp"
	"strings"
)

// A volatile part is a piece of a response that legitimately changes from run
// to run (a clock, a timing). cases.json lists them per case as short texts:
//
//	header: date
//	header: content-length (changes with the number of digits of time_ms)
//	body: extensions.execution.time_ms (round(seconds*1000, 2) as a Python float)
//	body: execution_counts.normal depends on how many requests ran before
//
// The grammar is "header: NAME [comment]" or "body: DOTTED.JSON.PATH [comment]".
// A body entry whose comment starts with "depends on" names a value that is
// deterministic on a fresh replay in cases.json order (a counter), so it is
// compared exactly and only reported as state-dependent.
//
// Normalization replaces the value by a placeholder that records its shape
// (`<volatile float>`), in the expected and in the actual bytes alike, so a
// value of the wrong shape (an integer where Python writes a float, a
// malformed date) still shows as a difference. Nothing else is rewritten.

// VolatileKind says how a volatile part is treated.
type VolatileKind int

const (
	// VolatileHeader is a header whose value is normalized.
	VolatileHeader VolatileKind = iota + 1
	// VolatileBody is a JSON value in the body that is normalized.
	VolatileBody
	// StateDependent is a body value that depends on earlier exchanges of the
	// same profile; it is compared exactly.
	StateDependent
)

// VolatilePart is one parsed entry of a case's "volatile" list.
type VolatilePart struct {
	Raw    string
	Kind   VolatileKind
	Header string   // VolatileHeader: header name, matched case-insensitively
	Path   []string // VolatileBody, StateDependent: object keys from the body root
}

// ParseVolatile parses one entry of a case's "volatile" list. Unknown forms are
// an error rather than being ignored: silently comparing a volatile part
// exactly would produce flaky failures, silently skipping one would hide real
// ones.
func ParseVolatile(s string) (VolatilePart, error) {
	p := VolatilePart{Raw: s}
	where, rest, ok := strings.Cut(s, ":")
	if !ok {
		return p, fmt.Errorf("volatile part %q: want \"header: NAME\" or \"body: JSON.PATH\"", s)
	}
	rest = strings.TrimSpace(rest)
	target, comment, _ := strings.Cut(rest, " ")
	if target == "" {
		return p, fmt.Errorf("volatile part %q: missing name", s)
	}
	switch strings.TrimSpace(where) {
	case "header":
		if !headerNameRE.MatchString(target) {
			return p, fmt.Errorf("volatile part %q: %q is not a header name", s, target)
		}
		p.Kind = VolatileHeader
		p.Header = target
	case "body":
		p.Path = strings.Split(target, ".")
		for _, k := range p.Path {
			if k == "" {
				return p, fmt.Errorf("volatile part %q: empty key in JSON path", s)
			}
		}
		p.Kind = VolatileBody
		if strings.HasPrefix(strings.TrimSpace(comment), "depends on") {
			p.Kind = StateDependent
		}
	default:
		return p, fmt.Errorf("volatile part %q: unknown location %q (want header or body)", s, where)
	}
	return p, nil
}

// ParseVolatileList parses a case's whole "volatile" list.
func ParseVolatileList(list []string) ([]VolatilePart, error) {
	parts := make([]VolatilePart, 0, len(list))
	for _, s := range list {
		p, err := ParseVolatile(s)
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
	}
	return parts, nil
}

var (
	headerNameRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
	numberRE     = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
	// IMF-fixdate, the only form uvicorn (and RFC 9110 senders) produce.
	httpDateRE = regexp.MustCompile(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$`)
	digitsRE   = regexp.MustCompile(`^[0-9]+$`)
	// placeholderRE matches a body placeholder written by Normalize.
	placeholderRE = regexp.MustCompile(`^"<volatile [a-z]+>"$`)
)

// headerShapes are the value patterns of well-known volatile headers. A value
// that does not match keeps its bytes, so a malformed date is a difference.
var headerShapes = map[string]struct {
	re   *regexp.Regexp
	name string
}{
	"date":           {httpDateRE, "http-date"},
	"content-length": {digitsRE, "int"},
}

// Normalize returns raw (a complete HTTP response) with every volatile part
// replaced by a shape placeholder. raw itself is not modified.
func Normalize(raw []byte, parts []VolatilePart) []byte {
	if len(parts) == 0 {
		return raw
	}
	m := ParseMessage(raw)
	headers := make([]HeaderLine, len(m.Headers))
	copy(headers, m.Headers)
	m.Headers = headers
	body := m.Body
	for _, p := range parts {
		switch p.Kind {
		case VolatileHeader:
			for i, h := range m.Headers {
				if h.NoColon || !strings.EqualFold(h.Name, p.Header) {
					continue
				}
				m.Headers[i].Value = normalizeHeaderValue(p.Header, h.Value)
			}
		case VolatileBody:
			body = normalizeBodyValue(body, p.Path)
		}
	}
	m.Body = body
	return m.Bytes()
}

func normalizeHeaderValue(name, value string) string {
	v := strings.Trim(value, " \t")
	lead := value[:strings.Index(value, v)]
	shape, known := headerShapes[strings.ToLower(name)]
	if !known {
		return lead + "<volatile>"
	}
	if !shape.re.MatchString(v) {
		return value
	}
	return lead + "<volatile " + shape.name + ">"
}

func normalizeBodyValue(body []byte, path []string) []byte {
	start, end, ok := findJSONPath(body, path)
	if !ok {
		return body
	}
	v := body[start:end]
	kind := classifyJSON(v)
	if kind == "" || placeholderRE.Match(v) {
		return body // already normalized: keep Normalize idempotent
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:start]...)
	out = append(out, `"<volatile `+string(kind)+`>"`...)
	out = append(out, body[end:]...)
	return out
}
