package obs

import (
	"log/slog"
	"net/http"
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
	// Logger receives the access log lines.
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
func Handler(next http.Handler, o Options) http.Handler {
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
		panicked := true
		defer func() {
			if panicked {
				// The connection layer answers a panic with a 500 (or
				// nothing, for an aborted stream) after this returns.
				o.end(rec, r, http.StatusInternalServerError, 0)
			}
		}()
		next.ServeHTTP(rw, r)
		panicked = false
		if echo && !rw.HasHeader(HeaderName) {
			rw.AppendHeader(HeaderName, rec.ID())
		}
		status := rw.Status()
		if status == 0 {
			status = http.StatusOK
		}
		_, body := rw.Body()
		o.end(rec, r, status, len(body))
	})
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
