package compat

import (
	"bytes"
	"strconv"
	"strings"
)

// Message is a raw HTTP/1.1 message split at its structural boundaries. It keeps
// the exact bytes of every part: header lines are not canonicalised, reordered or
// trimmed, because header case and order are part of what the goldens judge.
type Message struct {
	// StartLine is the request line or status line without its CRLF.
	StartLine string
	// Headers are the header lines in wire order.
	Headers []HeaderLine
	// Body is everything after the blank line that ends the header block.
	Body []byte
	// Complete reports whether a header block terminator (CRLF CRLF) was found.
	// When false, Headers holds what could be split and Body is empty.
	Complete bool
}

// HeaderLine is one header line as sent: Name and Value exactly as they appear
// on the wire, split at the first colon; Value keeps its leading space.
type HeaderLine struct {
	Name  string
	Value string
	// NoColon marks a malformed line without a colon; Name then holds the
	// whole line so that it survives reassembly and shows in diffs.
	NoColon bool
}

// String returns the line as it appeared on the wire, without CRLF.
func (h HeaderLine) String() string {
	if h.NoColon {
		return h.Name
	}
	return h.Name + ":" + h.Value
}

// TrimmedValue is the value without the optional whitespace around it.
func (h HeaderLine) TrimmedValue() string { return strings.Trim(h.Value, " \t") }

var headerEnd = []byte("\r\n\r\n")

// HeaderBlockLen returns the length of the header block of raw including its
// terminating CRLF CRLF, or -1 when the terminator has not arrived yet.
func HeaderBlockLen(raw []byte) int {
	i := bytes.Index(raw, headerEnd)
	if i < 0 {
		return -1
	}
	return i + len(headerEnd)
}

// ParseMessage splits raw into start line, header lines and body. It never fails:
// malformed input yields a Message whose parts show what was there, which is
// what a diff needs.
func ParseMessage(raw []byte) Message {
	var m Message
	head := raw
	if n := HeaderBlockLen(raw); n >= 0 {
		head = raw[:n-len(headerEnd)]
		m.Body = raw[n:]
		m.Complete = true
	}
	lines := strings.Split(string(head), "\r\n")
	m.StartLine = lines[0]
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		m.Headers = append(m.Headers, HeaderLine{Name: name, Value: value, NoColon: !ok})
	}
	return m
}

// Header returns the trimmed value of the first header named name
// (case-insensitive, as HTTP header names are) and whether it exists.
func (m *Message) Header(name string) (string, bool) {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.TrimmedValue(), true
		}
	}
	return "", false
}

// ContentLength returns the value of the Content-Length header, or -1 when it
// is absent or not a non-negative decimal number.
func (m *Message) ContentLength() int64 {
	v, ok := m.Header("content-length")
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// StatusCode parses the code out of a status line ("HTTP/1.1 200 OK"), or
// returns 0 when the start line is not a status line.
func (m *Message) StatusCode() int {
	parts := strings.SplitN(m.StartLine, " ", 3)
	if len(parts) < 2 || !strings.HasPrefix(parts[0], "HTTP/") {
		return 0
	}
	code, err := strconv.Atoi(parts[1])
	if err != nil {
		return 0
	}
	return code
}

// Method returns the method of a request line ("POST /graphql HTTP/1.1").
func (m *Message) Method() string {
	method, _, _ := strings.Cut(m.StartLine, " ")
	return method
}

// Bytes reassembles the message. For a Complete message it returns exactly the
// bytes ParseMessage was given.
func (m *Message) Bytes() []byte {
	var b bytes.Buffer
	b.WriteString(m.StartLine)
	for _, h := range m.Headers {
		b.WriteString("\r\n")
		b.WriteString(h.String())
	}
	if m.Complete {
		b.Write(headerEnd)
		b.Write(m.Body)
	}
	return b.Bytes()
}
