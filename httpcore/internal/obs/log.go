package obs

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// NewLogger builds the process logger: format "text" (slog's key=value
// lines, the default) or "json" (one object per line), at level debug,
// info (the default), warn or error, writing to w. A record logged with a
// request's context carries the request's id as "request_id".
func NewLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	lv, err := ParseLevel(level)
	if err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler
	switch strings.ToLower(format) {
	case "", "text":
		h = slog.NewTextHandler(w, opts)
	case "json":
		h = slog.NewJSONHandler(w, opts)
	default:
		return nil, fmt.Errorf("log format %q is not text or json", format)
	}
	return slog.New(WithRequestIDs(h)), nil
}

// ParseLevel reads a --log-level value.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("log level %q is not debug, info, warn or error", s)
}

// WithRequestIDs wraps h so that a record logged with a request's context
// gets a "request_id" attribute. Loggers that callers hand to httpcore
// (the Python bridge's) are wrapped the same way.
func WithRequestIDs(h slog.Handler) slog.Handler {
	if _, ok := h.(idHandler); ok {
		return h
	}
	return idHandler{h}
}

type idHandler struct{ slog.Handler }

func (h idHandler) Handle(ctx context.Context, r slog.Record) error {
	if rec := FromContext(ctx); rec != nil {
		if id := rec.ID(); id != "" {
			r.AddAttrs(slog.String("request_id", id))
		}
		if r.Level >= slog.LevelWarn {
			rec.flags.Or(flagLogged)
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h idHandler) WithAttrs(as []slog.Attr) slog.Handler { return idHandler{h.Handler.WithAttrs(as)} }
func (h idHandler) WithGroup(name string) slog.Handler    { return idHandler{h.Handler.WithGroup(name)} }
