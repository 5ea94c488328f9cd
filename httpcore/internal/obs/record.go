package obs

import (
	"context"
	"sync/atomic"
	"time"
)

// Record is what the layers learn about one request while it runs; the
// access log line and the metrics are written from it when it ends. The
// fields other than Errors are written by the request's goroutine only.
type Record struct {
	// id is the request id: the incoming one, or made from n by ID on
	// first use (a request nobody logs or echoes never formats one).
	id  string
	n   uint64
	ids *IDs
	// Start is when the request reached the handler.
	Start time.Time
	// Operation is the GraphQL operation type ("query", "mutation",
	// "subscription"), empty when none ran.
	Operation string
	// OperationName is the request's operationName, when it gave one.
	OperationName string
	// Errors counts the GraphQL errors the request met (Hooks.Error).
	Errors atomic.Int32
	// flags: flagInternal, flagLogged (one word, so the record does not
	// grow).
	flags atomic.Uint32
}

const (
	// flagInternal: the client was told "Internal server error"
	// (MarkInternal).
	flagInternal = 1 << iota
	// flagLogged: a line at warn or above was written with the request's
	// context (WithRequestIDs' handler sets it).
	flagLogged
)

// MarkInternal records that the client was answered "Internal server
// error", whose cause only the log holds: under IDAuto the response then
// carries the request id, so the client can quote it.
func (r *Record) MarkInternal() { r.flags.Or(flagInternal) }

func (r *Record) has(flag uint32) bool { return r.flags.Load()&flag != 0 }

// ID returns the request id.
func (r *Record) ID() string {
	if r.id == "" && r.ids != nil {
		r.id = r.ids.format(r.n)
	}
	return r.id
}

// NewRecord returns a record with the given id (tests, other servers).
func NewRecord(id string) *Record { return &Record{id: id} }

type recordKey struct{}

// recordCtx is a request's context and its record in one allocation
// (context.WithValue would be a second).
type recordCtx struct {
	context.Context
	rec Record
}

func (c *recordCtx) Value(key any) any {
	if key == (recordKey{}) {
		return &c.rec
	}
	return c.Context.Value(key)
}

// WithRecord returns ctx carrying rec.
func WithRecord(ctx context.Context, rec *Record) context.Context {
	return context.WithValue(ctx, recordKey{}, rec)
}

// FromContext returns the request's record, nil outside a request.
func FromContext(ctx context.Context) *Record {
	rec, _ := ctx.Value(recordKey{}).(*Record)
	return rec
}

// RequestID returns the id of the request ctx belongs to, "" outside one.
func RequestID(ctx context.Context) string {
	if rec := FromContext(ctx); rec != nil {
		return rec.ID()
	}
	return ""
}
