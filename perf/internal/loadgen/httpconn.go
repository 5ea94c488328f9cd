package loadgen

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// maxResponseBody bounds what one response may make the client buffer.
const maxResponseBody = 64 << 20

// BuildRequest renders a request as the exact bytes written on the wire, once,
// so the hot loop only writes a prepared slice.
func BuildRequest(method, path, host string, headers [][2]string, body []byte) []byte {
	var b bytes.Buffer
	b.WriteString(method)
	b.WriteByte(' ')
	b.WriteString(path)
	b.WriteString(" HTTP/1.1\r\nHost: ")
	b.WriteString(host)
	b.WriteString("\r\n")
	for _, h := range headers {
		b.WriteString(h[0])
		b.WriteString(": ")
		b.WriteString(h[1])
		b.WriteString("\r\n")
	}
	if body != nil || method == "POST" || method == "PUT" || method == "PATCH" {
		b.WriteString("Content-Length: ")
		b.WriteString(strconv.Itoa(len(body)))
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// httpConn is a minimal HTTP/1.1 keep-alive client connection: it writes
// pre-built request bytes and parses just enough of the response (status,
// Content-Length or chunked framing, Connection: close) to read the body into
// a reused buffer. It reconnects lazily after the server closes.
type httpConn struct {
	addr    string
	timeout time.Duration
	c       net.Conn
	br      *bufio.Reader
	body    []byte
}

func newHTTPConn(addr string, timeout time.Duration) *httpConn {
	return &httpConn{addr: addr, timeout: timeout}
}

func (h *httpConn) close() {
	if h.c != nil {
		h.c.Close()
		h.c = nil
	}
}

func (h *httpConn) dial() error {
	c, err := net.DialTimeout("tcp", h.addr, h.timeout)
	if err != nil {
		return err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	h.c = c
	if h.br == nil {
		h.br = bufio.NewReaderSize(c, 64<<10)
	} else {
		h.br.Reset(c)
	}
	return nil
}

var errBadResponse = errors.New("malformed HTTP response")

// do sends req and returns the status and the body (valid until the next call).
func (h *httpConn) do(req []byte) (int, []byte, error) {
	if h.c == nil {
		if err := h.dial(); err != nil {
			return 0, nil, err
		}
	}
	if h.timeout > 0 {
		h.c.SetDeadline(time.Now().Add(h.timeout))
	}
	if _, err := h.c.Write(req); err != nil {
		h.close()
		return 0, nil, err
	}
	status, body, keep, err := h.readResponse()
	if err != nil || !keep {
		h.close()
	}
	return status, body, err
}

func (h *httpConn) readResponse() (status int, body []byte, keep bool, err error) {
	line, err := h.br.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, nil, false, errBadResponse
	}
	status, err = atoi3(line[9:12])
	if err != nil {
		return 0, nil, false, err
	}
	keep = line[7] == '1' // HTTP/1.0 closes by default
	contentLength := -1
	chunked := false
	for {
		line, err = h.br.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		if len(line) <= 2 && (len(line) == 1 || line[0] == '\r') {
			break
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return 0, nil, false, errBadResponse
		}
		name, value := line[:colon], bytes.TrimSpace(line[colon+1:])
		switch {
		case asciiEqualFold(name, "content-length"):
			n, perr := strconv.Atoi(string(value))
			if perr != nil || n < 0 || n > maxResponseBody {
				return 0, nil, false, errBadResponse
			}
			contentLength = n
		case asciiEqualFold(name, "transfer-encoding"):
			chunked = asciiEqualFold(value, "chunked")
		case asciiEqualFold(name, "connection"):
			if asciiEqualFold(value, "close") {
				keep = false
			} else if asciiEqualFold(value, "keep-alive") {
				keep = true
			}
		}
	}
	h.body = h.body[:0]
	switch {
	case status/100 == 1 || status == 204 || status == 304:
	case chunked:
		if err := h.readChunked(); err != nil {
			return 0, nil, false, err
		}
	case contentLength >= 0:
		if cap(h.body) < contentLength {
			h.body = make([]byte, contentLength)
		}
		h.body = h.body[:contentLength]
		if _, err := io.ReadFull(h.br, h.body); err != nil {
			return 0, nil, false, err
		}
	default: // body delimited by the connection closing
		keep = false
		buf := bytes.NewBuffer(h.body)
		if _, err := io.Copy(buf, io.LimitReader(h.br, maxResponseBody)); err != nil {
			return 0, nil, false, err
		}
		h.body = buf.Bytes()
	}
	return status, h.body, keep, nil
}

func (h *httpConn) readChunked() error {
	for {
		line, err := h.br.ReadSlice('\n')
		if err != nil {
			return err
		}
		line = bytes.TrimSpace(line)
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		n, err := strconv.ParseInt(string(line), 16, 64)
		if err != nil || n < 0 || int64(len(h.body))+n > maxResponseBody {
			return errBadResponse
		}
		if n == 0 {
			// trailers end with an empty line
			for {
				t, err := h.br.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimSpace(t)) == 0 {
					return nil
				}
			}
		}
		start := len(h.body)
		h.body = append(h.body, make([]byte, n)...)
		if _, err := io.ReadFull(h.br, h.body[start:]); err != nil {
			return err
		}
		if _, err := h.br.Discard(2); err != nil {
			return err
		}
	}
}

func atoi3(b []byte) (int, error) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: status %q", errBadResponse, b)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
