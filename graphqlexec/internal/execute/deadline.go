package execute

import (
	"context"
	"sync/atomic"
	"time"
)

// deadlines hands out the contexts that carry the execution deadline to
// the database. A context.WithDeadline per request costs four allocations
// and a timer on the hot path; requests that start within the same grain
// (ExecutionTimeout/64) instead share one context whose deadline is their
// common start plus ExecutionTimeout rounded down to the grain, so a
// statement may be cancelled up to one grain early, never late. Only a
// request whose context is context.Background() can share (another context
// may carry values or its own cancellation, which a shared one would lose);
// it gets its own WithDeadline.
type deadlines struct {
	timeout, grain time.Duration
	cur            atomic.Pointer[sharedDeadline]
}

type sharedDeadline struct {
	at     time.Time
	ctx    context.Context
	cancel context.CancelFunc
}

func newDeadlines(timeout time.Duration) *deadlines {
	return &deadlines{timeout: timeout, grain: max(timeout/64, time.Millisecond)}
}

// context returns the context for statements of a request that started at
// start with parent ctx; cancel is nil when there is nothing to release.
func (d *deadlines) context(parent context.Context, start time.Time) (ctx context.Context, cancel context.CancelFunc) {
	if parent != context.Background() {
		return context.WithDeadline(parent, start.Add(d.timeout))
	}
	at := start.Add(d.timeout).Truncate(d.grain)
	for {
		cur := d.cur.Load()
		if cur != nil && cur.at.Equal(at) {
			return cur.ctx, nil
		}
		if cur != nil && cur.at.After(at) {
			// A request that started earlier than the current grain
			// (a slow start): not worth a shared context of its own.
			return context.WithDeadline(parent, at)
		}
		next := &sharedDeadline{at: at}
		next.ctx, next.cancel = context.WithDeadline(context.Background(), at)
		if d.cur.CompareAndSwap(cur, next) {
			// The replaced context stays in use by the requests holding it;
			// its timer releases it at its deadline.
			return next.ctx, nil
		}
		next.cancel()
	}
}
