package httpcore

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fraiseql/fraiseql-http/connlimit"
)

// HeaderOrder is implemented by the http.ResponseWriter that Server hands to
// handlers. Starlette writes the headers a response is constructed with
// before content-length and content-type, and headers set on the response
// afterwards (a redirect's location, CORS) after them; these two methods
// place a lower-case header in either slot, in call order.
//
// Headers set through Header() land in the first slot, lower-cased and
// sorted by name; "Content-Type" there becomes the content-type line and
// "Content-Length" is ignored (the server computes it from the body).
type HeaderOrder interface {
	// AddHeader adds a header written before content-length.
	AddHeader(name, value string)
	// AppendHeader adds a header written after content-type.
	AppendHeader(name, value string)
}

type headerField struct{ name, value string }

// responseWriter buffers the whole response, then writes it in uvicorn's
// framing:
//
//	HTTP/1.1 <code> <CPython 3.13 phrase>
//	date: <IMF-fixdate>          (cached, refreshed once a second)
//	server: uvicorn
//	<AddHeader / Header() fields>
//	content-length: N            (absent for 1xx, 204, 304)
//	content-type: ...            (absent when none was set)
//	<AppendHeader fields>
//	Connection: close            (only when the connection closes after it)
type responseWriter struct {
	sc  *serverConn
	br  *bufio.Reader
	bw  *bufio.Writer
	req *http.Request

	header      http.Header // lazily made by Header()
	early, late []headerField
	contentType string
	status      int
	body        []byte

	// serverError marks Starlette's ServerErrorMiddleware 500 (no CORS).
	serverError bool

	head      bool // HEAD: headers only, content-length of the body
	closeConn bool
	hijacked  bool
	abort     bool // panic(http.ErrAbortHandler): close without answering
}

var rwPool = sync.Pool{New: func() any { return new(responseWriter) }}

func getResponseWriter(sc *serverConn, br *bufio.Reader, bw *bufio.Writer, req *http.Request) *responseWriter {
	w := rwPool.Get().(*responseWriter)
	w.sc, w.br, w.bw, w.req = sc, br, bw, req
	w.head = req.Method == http.MethodHead
	return w
}

func putResponseWriter(w *responseWriter) {
	body := w.body[:0]
	if cap(body) > 1<<20 {
		body = nil
	}
	early, late := w.early[:0], w.late[:0]
	*w = responseWriter{body: body, early: early, late: late}
	rwPool.Put(w)
}

// Header implements http.ResponseWriter.
func (w *responseWriter) Header() http.Header {
	if w.header == nil {
		w.header = make(http.Header)
	}
	return w.header
}

// WriteHeader implements http.ResponseWriter; only the first call counts.
func (w *responseWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

// Write implements http.ResponseWriter by appending to the buffered body.
func (w *responseWriter) Write(p []byte) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body = append(w.body, p...)
	return len(p), nil
}

// WriteString lets io.WriteString skip a conversion.
func (w *responseWriter) WriteString(s string) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body = append(w.body, s...)
	return len(s), nil
}

// AddHeader implements HeaderOrder.
func (w *responseWriter) AddHeader(name, value string) {
	w.early = append(w.early, headerField{name, value})
}

// AppendHeader implements HeaderOrder.
func (w *responseWriter) AppendHeader(name, value string) {
	w.late = append(w.late, headerField{name, value})
}

// Hijack implements http.Hijacker for the WebSocket upgrade. The connection
// leaves the server's tracking: its new owner closes it, and Shutdown no
// longer waits for it.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.hijacked {
		return nil, nil, http.ErrHijacked
	}
	w.hijacked = true
	connlimit.Clear(w.sc.c)
	w.sc.srv.trackConn(w.sc, false)
	return w.sc.c, bufio.NewReadWriter(w.br, w.bw), nil
}

// setResponse is the allocation-free path for this package's handlers.
func (w *responseWriter) setResponse(status int, contentType string, body []byte) {
	w.status = status
	w.contentType = contentType
	w.body = append(w.body[:0], body...)
}

func (w *responseWriter) writeJSONDetail(status int, body string) {
	w.status = status
	w.contentType = contentTypeJSON
	w.body = append(w.body[:0], body...)
}

// reset500 replaces whatever the handler buffered by Starlette's
// ServerErrorMiddleware answer.
func (w *responseWriter) reset500() {
	w.header = nil
	w.early, w.late = w.early[:0], w.late[:0]
	w.writeJSONDetail(http.StatusInternalServerError, "Internal Server Error")
	w.contentType = contentTypeText
}

// finish writes the buffered response and flushes it.
func (w *responseWriter) finish() error {
	if w.abort {
		return errors.New("handler aborted")
	}
	bw := w.bw
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	bw.Write(statusLine(status))
	bw.Write(currentDateLine())
	if sh := w.sc.srv.ServerHeader; sh != "" {
		writeField(bw, "server", sh)
	}
	contentType := w.contentType
	if w.header != nil {
		if ct := w.header.Get("Content-Type"); ct != "" && contentType == "" {
			contentType = ct
		}
		keys := make([]string, 0, len(w.header))
		for k := range w.header {
			if k != "Content-Type" && k != "Content-Length" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			lk := strings.ToLower(k)
			for _, v := range w.header[k] {
				writeField(bw, lk, v)
			}
		}
	}
	for _, f := range w.early {
		writeField(bw, f.name, f.value)
	}
	if status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified {
		// Formatting into the writer's own free space keeps the digits
		// off the heap (a local array escapes through bufio's io.Writer).
		bw.WriteString("content-length: ")
		bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(len(w.body)), 10))
		bw.WriteString("\r\n")
	}
	if contentType != "" {
		writeField(bw, "content-type", contentType)
	}
	for _, f := range w.late {
		writeField(bw, f.name, f.value)
	}
	if w.closeConn {
		bw.WriteString("Connection: close\r\n")
	}
	bw.WriteString("\r\n")
	if !w.head && status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified {
		bw.Write(w.body)
	}
	return bw.Flush()
}

func writeField(bw *bufio.Writer, name, value string) {
	bw.WriteString(name)
	bw.WriteString(": ")
	// A CR or LF in a value would split the response; handlers never set
	// one, but a header echoing client input must not become an injection.
	if strings.ContainsAny(value, "\r\n") {
		value = strings.NewReplacer("\r", " ", "\n", " ").Replace(value)
	}
	bw.WriteString(value)
	bw.WriteString("\r\n")
}

// dateLine caches "date: <IMF-fixdate>\r\n" for the current second, like
// uvicorn's once-a-second refresh.
type dateLine struct {
	sec  int64
	line []byte
}

var cachedDate atomic.Pointer[dateLine]

func currentDateLine() []byte {
	now := time.Now()
	sec := now.Unix()
	if d := cachedDate.Load(); d != nil && d.sec == sec {
		return d.line
	}
	line := make([]byte, 0, 40)
	line = append(line, "date: "...)
	line = now.UTC().AppendFormat(line, http.TimeFormat)
	line = append(line, "\r\n"...)
	cachedDate.Store(&dateLine{sec: sec, line: line})
	return line
}
