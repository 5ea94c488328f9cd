package h1

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

// ResponseWriter is the http.ResponseWriter that Server hands to handlers,
// and the only one the layers above write through. It buffers the whole
// response and writes it in uvicorn's framing when the handler returns.
//
// Starlette writes the headers a response is constructed with before
// content-length and content-type, and headers set on the response
// afterwards (a redirect's location, CORS) after them; AddHeader and
// AppendHeader place a lower-case header in either slot, in call order.
// Headers set through Header() land in the first slot, lower-cased and
// sorted by name; "Content-Type" there becomes the content-type line and
// "Content-Length" is ignored (the server computes it from the body).
//
// A handler served by another server (net/http, httptest) gets one through
// Adapt, so that code above this layer has a single way to answer.
type ResponseWriter interface {
	http.ResponseWriter
	// Respond sets a complete response, replacing any status, content
	// type and body set before; body is copied. contentType "" writes no
	// content-type line.
	Respond(status int, contentType string, body []byte)
	// Buffer returns an empty slice whose capacity a handler may fill by
	// appending, then hand back through RespondBuffer: the body is then
	// built in the writer's pooled buffer instead of being copied into it.
	Buffer() []byte
	// RespondBuffer is Respond with a body the writer takes over without
	// copying (normally grown from Buffer).
	RespondBuffer(status int, contentType string, body []byte)
	// Status is the status set so far, 0 when none.
	Status() int
	// AddHeader adds a header written before content-length.
	AddHeader(name, value string)
	// AppendHeader adds a header written after content-type.
	AppendHeader(name, value string)
	// Body returns the content type and the body buffered so far, for a
	// step that runs after the handler (compression). The slice belongs to
	// the writer: it is valid until the response is written, and is
	// replaced, not modified, through Respond.
	Body() (contentType string, body []byte)
	// HasHeader reports whether a header of that name (any case) has been
	// set in any slot.
	HasHeader(name string) bool
	// Fail replaces whatever was buffered by the 500 a handler panic gets
	// (Starlette's ServerErrorMiddleware answer), for a layer that
	// recovers a panic itself to log it with what it knows of the request.
	// It reports false when there is no response left to replace (the
	// connection was hijacked): the panic is then the server's to handle.
	Fail() bool
	// OnWrite registers start, called when the response is about to be
	// written to the connection (after every handler and step above has
	// returned); the function it returns is called once the bytes are
	// written and flushed, with the write's error. A response written
	// nowhere (hijacked, aborted before any byte) never calls start. One per
	// response: a later call replaces an earlier one. For a trace's span of
	// the write; nothing is allocated when it is not called.
	OnWrite(start func() (end func(error)))
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

	head      bool // HEAD: headers only, content-length of the body
	closeConn bool
	hijacked  bool
	abort     bool // panic(http.ErrAbortHandler): close without answering

	onWrite func() func(error) // OnWrite's start, nil when none
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

// AddHeader implements ResponseWriter.
func (w *responseWriter) AddHeader(name, value string) {
	w.early = append(w.early, headerField{name, value})
}

// AppendHeader implements ResponseWriter.
func (w *responseWriter) AppendHeader(name, value string) {
	w.late = append(w.late, headerField{name, value})
}

// Hijack implements http.Hijacker, for a WebSocket upgrade. The caller
// owns the connection from then on and must close it. It leaves the
// keep-alive loop and the server's idle and drain bookkeeping (Shutdown
// neither waits for it nor closes it: RegisterOnShutdown is how its owner
// learns of a shutdown), but it stays counted by a connlimit listener until
// it is closed, because it is the same net.Conn. The read deadline of the
// request phase is cleared. The returned reader holds any bytes the client
// sent after the request; the writer is empty. Nothing buffered by Write
// before Hijack is sent.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.hijacked {
		return nil, nil, http.ErrHijacked
	}
	w.hijacked = true
	connlimit.Clear(w.sc.c)
	w.sc.srv.trackConn(w.sc, false)
	return w.sc.c, bufio.NewReadWriter(w.br, w.bw), nil
}

// Respond implements ResponseWriter; it allocates nothing once the pooled
// buffer has grown.
func (w *responseWriter) Respond(status int, contentType string, body []byte) {
	w.status = status
	w.contentType = contentType
	w.body = append(w.body[:0], body...)
}

// Buffer implements ResponseWriter.
func (w *responseWriter) Buffer() []byte { return w.body[:0] }

// RespondBuffer implements ResponseWriter.
func (w *responseWriter) RespondBuffer(status int, contentType string, body []byte) {
	w.status = status
	w.contentType = contentType
	w.body = body
}

// Status implements ResponseWriter.
func (w *responseWriter) Status() int { return w.status }

// Body implements ResponseWriter.
func (w *responseWriter) Body() (string, []byte) {
	ct := w.contentType
	if ct == "" && w.header != nil {
		ct = w.header.Get("Content-Type")
	}
	return ct, w.body
}

// HasHeader implements ResponseWriter.
func (w *responseWriter) HasHeader(name string) bool {
	if w.header != nil && len(w.header.Values(name)) > 0 {
		return true
	}
	return hasField(w.early, name) || hasField(w.late, name)
}

func hasField(fields []headerField, name string) bool {
	for _, f := range fields {
		if strings.EqualFold(f.name, name) {
			return true
		}
	}
	return false
}

func (w *responseWriter) writeJSONDetail(status int, body string) {
	w.status = status
	w.contentType = "application/json"
	w.body = append(w.body[:0], body...)
}

// reset500 replaces whatever the handler buffered by Starlette's
// ServerErrorMiddleware answer.
func (w *responseWriter) reset500() {
	w.header = nil
	w.early, w.late = w.early[:0], w.late[:0]
	w.writeJSONDetail(http.StatusInternalServerError, "Internal Server Error")
	w.contentType = "text/plain; charset=utf-8"
}

func (w *responseWriter) OnWrite(start func() func(error)) { w.onWrite = start }

// write is finish, bracketed by OnWrite's hook when one is set.
func (w *responseWriter) write() error {
	if w.onWrite == nil || w.abort {
		return w.finish()
	}
	end := w.onWrite()
	err := w.finish()
	end(err)
	return err
}

func (w *responseWriter) Fail() bool {
	if w.hijacked {
		return false
	}
	w.reset500()
	return true
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

// Adapt returns w itself when it is this package's writer, and otherwise a
// ResponseWriter that buffers the response and writes it to w when flush is
// called (Header, then WriteHeader, then Write): the bridge for a handler
// mounted on net/http or exercised with httptest. Header order and framing
// are then w's business.
func Adapt(w http.ResponseWriter) (rw ResponseWriter, flush func()) {
	if rw, ok := w.(ResponseWriter); ok {
		return rw, func() {}
	}
	a := &adapter{w: w}
	return a, a.flush
}

// adapter is the ResponseWriter of Adapt over a foreign http.ResponseWriter.
type adapter struct {
	w           http.ResponseWriter
	onWrite     func() func(error)
	status      int
	contentType string
	body        []byte
	// Set by Server.ServeForeign, which answers for the Server: the server
	// header and an explicit content-length, as on HTTP/1.1.
	serverHeader string
	framed       bool
}

func (a *adapter) Header() http.Header { return a.w.Header() }

func (a *adapter) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
}

func (a *adapter) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	a.body = append(a.body, p...)
	return len(p), nil
}

func (a *adapter) Respond(status int, contentType string, body []byte) {
	a.status, a.contentType, a.body = status, contentType, append(a.body[:0], body...)
}

func (a *adapter) Buffer() []byte { return a.body[:0] }

func (a *adapter) RespondBuffer(status int, contentType string, body []byte) {
	a.status, a.contentType, a.body = status, contentType, body
}

func (a *adapter) Status() int { return a.status }

func (a *adapter) Body() (string, []byte) {
	ct := a.contentType
	if ct == "" {
		ct = a.w.Header().Get("Content-Type")
	}
	return ct, a.body
}

func (a *adapter) OnWrite(start func() func(error)) { a.onWrite = start }

func (a *adapter) Fail() bool {
	for k := range a.w.Header() {
		delete(a.w.Header(), k)
	}
	a.Respond(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Internal Server Error"))
	return true
}

func (a *adapter) HasHeader(name string) bool { return len(a.w.Header().Values(name)) > 0 }

func (a *adapter) AddHeader(name, value string)    { a.w.Header().Add(name, value) }
func (a *adapter) AppendHeader(name, value string) { a.w.Header().Add(name, value) }

// Hijack passes through to the foreign writer when it can hijack.
func (a *adapter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if hj, ok := a.w.(http.Hijacker); ok {
		return hj.Hijack()
	}
	return nil, nil, http.ErrNotSupported
}

func (a *adapter) flush() {
	if a.onWrite != nil {
		// The foreign writer reports no error here (HTTP/2 resets the
		// stream; net/http closes the connection).
		defer a.onWrite()(nil)
	}
	if a.contentType != "" {
		a.w.Header().Set("Content-Type", a.contentType)
	}
	status := a.status
	if status == 0 {
		status = http.StatusOK
	}
	if a.framed {
		h := a.w.Header()
		if _, ok := h["Content-Type"]; !ok && a.contentType == "" {
			// A response without a content type keeps none (v1's
			// development 401): a nil entry stops net/http and x/net from
			// sniffing one.
			h["Content-Type"] = nil
		}
		if a.serverHeader != "" {
			h.Set("Server", a.serverHeader)
		}
		if status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified {
			h.Set("Content-Length", strconv.Itoa(len(a.body)))
		}
	}
	a.w.WriteHeader(status)
	a.w.Write(a.body)
}
