package obs

import (
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
)

// Options configure Handler.
type Options struct {
	// Mode is the effective X-Request-ID behaviour (the caller turns
	// IDAuto into IDOff under --quirks v1.9.7).
	Mode IDMode
	// IDs makes the ids of requests that bring none. Required.
	IDs *IDs
	// Logger receives the access log lines, handler panics and the 5xx
	// answers nothing else logged; each with the request's id.
	Logger *slog.Logger
	// AccessLog writes one info line per request when it ends.
	AccessLog bool
	// Begin, when set, is called when each request starts (metrics).
	Begin func()
	// Done, when set, is called when each request ends (metrics); status
	// is the response's, bytes its body's length as sent (compressed when
	// it was).
	Done func(rec *Record, r *http.Request, status, bytes int, elapsed time.Duration)
}

// maxLoggedName bounds the operation name written to the access log (the
// client chooses it).
const maxLoggedName = 128

// Handler starts each request's Record (its id, from the request's
// X-Request-ID when the mode reads it and it is well formed), runs next
// with the record in the request's context, then echoes the id as the
// last response header when the mode says so, writes the access log line
// and calls Done. next is answered through an h1.ResponseWriter (h1.Adapt),
// as every layer above h1 is.
//
// A panic in next is logged here, once, with the request's id and stack,
// and answered by the writer's 500 (ResponseWriter.Fail), which then
// carries the id like any 5xx. A 5xx that no line at warn or above was
// logged for during the request (a deliberate 500 of v1's, a 503) gets a
// line of its own, so the id a client quotes is always in the log.
func Handler(next http.Handler, o Options) http.Handler {
	if o.Logger != nil {
		o.Logger = slog.New(WithRequestIDs(o.Logger.Handler()))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw, flush := h1.Adapt(w)
		defer flush()
		if o.Begin != nil {
			o.Begin()
		}
		rc := &recordCtx{Context: r.Context()}
		rec := &rc.rec
		rec.Start = time.Now()
		echo := false
		if o.Mode != IDOff {
			if v := r.Header.Get("X-Request-Id"); v != "" && ValidID(v) {
				rec.id, echo = v, true
			}
		}
		if rec.id == "" {
			rec.ids, rec.n = o.IDs, o.IDs.n.Add(1)
			echo = o.Mode == IDAlways
		}
		r = r.WithContext(rc)
		o.run(next, rw, r, rec)
		status := rw.Status()
		if status == 0 {
			status = http.StatusOK
		}
		if status >= 500 {
			o.logServerError(rec, r, status)
		}
		// IDAuto: a client told "Internal server error" (or any 5xx) gets
		// the id of the log line that says why.
		if o.Mode == IDAuto && (status >= 500 || rec.has(flagInternal)) {
			echo = true
		}
		if echo && !rw.HasHeader(HeaderName) {
			rw.AppendHeader(HeaderName, rec.ID())
		}
		_, body := rw.Body()
		o.end(rec, r, status, len(body))
	})
}

// run calls next. A panic is logged and answered with the writer's 500;
// one the writer cannot answer (http.ErrAbortHandler, a hijacked
// connection) goes on to the connection layer once the request's end is
// recorded.
func (o *Options) run(next http.Handler, rw h1.ResponseWriter, r *http.Request, rec *Record) {
	returned := false
	defer func() {
		if returned {
			return
		}
		p := recover()
		if p != nil && p != http.ErrAbortHandler && rw.Fail() {
			if o.Logger != nil {
				o.Logger.LogAttrs(r.Context(), slog.LevelError, "handler panic",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Any("panic", p),
					slog.String("stack", string(debug.Stack())),
				)
			}
			rec.flags.Or(flagLogged)
			return
		}
		// The connection layer answers (or drops the connection) after
		// this returns.
		o.end(rec, r, http.StatusInternalServerError, 0)
		if p != nil {
			panic(p)
		}
	}()
	next.ServeHTTP(rw, r)
	returned = true
}

// logServerError writes a line for a 5xx nothing else logged.
func (o *Options) logServerError(rec *Record, r *http.Request, status int) {
	if rec.has(flagLogged) || o.Logger == nil {
		return
	}
	level := slog.LevelWarn
	if status == http.StatusInternalServerError {
		level = slog.LevelError
	}
	o.Logger.LogAttrs(r.Context(), level, "server error",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
	)
}

// end calls Done and writes the access log line.
func (o *Options) end(rec *Record, r *http.Request, status, bytes int) {
	if !o.AccessLog && o.Done == nil {
		return
	}
	elapsed := time.Since(rec.Start)
	if o.Done != nil {
		o.Done(rec, r, status, bytes, elapsed)
	}
	if o.AccessLog {
		name := rec.OperationName
		if len(name) > maxLoggedName {
			name = name[:maxLoggedName]
		}
		o.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Int("bytes", bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("operation", rec.Operation),
			slog.String("operation_name", name),
			slog.Int("errors", int(rec.Errors.Load())),
		)
	}
}
