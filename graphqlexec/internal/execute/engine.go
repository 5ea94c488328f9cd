package execute

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/coerce"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/document"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/introspect"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/plan"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/rowjson"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// DB is what execution needs from PostgreSQL; *pgxpool.Pool and *pgx.Conn
// satisfy it. Query runs a statement alone; SendBatch runs it after its
// session variables in one round trip and one transaction (see SessionVar).
type DB interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// SessionVar is one PostgreSQL setting made for the duration of a
// statement's transaction, e.g. {"app.tenant_id", "bbbb…"}, so that row
// level security policies and functions can read it with
// current_setting('app.tenant_id', true). Name must be a two-part custom
// setting name (schema.ValidSessionVarName); Value is always a bound parameter.
type SessionVar struct {
	Name, Value string
}

// Response is the complete GraphQL response body.
type Response struct {
	// Body is the JSON body, byte-identical to FraiseQL v1.9.7's for the same
	// request (application/json, HTTP 200).
	Body []byte
	// InternalError means v1 would have crashed outside its error handling
	// (a Starlette 500 "Internal Server Error" text/plain); Body is then nil.
	InternalError bool
	// Operation is the executed operation's type ("query", "mutation",
	// "subscription"); empty when the request failed before one was
	// chosen.
	Operation string
}

// Engine is what executions share: the declaration, the database, the
// coercer and the statement deadlines. It is safe for concurrent use.
type Engine struct {
	s          *schema.Schema
	db         DB
	co         *coerce.Coercer
	dl         *deadlines
	production bool
	// v1 restores FraiseQL v1.9.7's recorded behaviour (--quirks v1.9.7):
	// where and orderBy planned as v1 does (text comparisons, jsonb
	// ordering, declared columns unused); root aliases of single reads
	// dropped, multi-root losses, stored documents not checked against the
	// declared types; a mutation's error result without an "... on XError"
	// selection filled with every key of the returned entity. Otherwise
	// reads are completed as graphql-core executes them (typed.go), with
	// checks, one per object field of the schema.
	v1     bool
	checks map[*schema.Field]*rowjson.Check
	hook   ErrorHook // nil: no one listens
	// wholeDocuments turns off column reads (prepare.go columnsOnly): every
	// read takes the view's document, for tests that compare both paths.
	wholeDocuments bool
	// maxOut bounds a response body while rows are appended; 0: none.
	maxOut int
	phase  PhaseHook // nil: no phases reported
}

// SetPhaseHook installs h (nil removes it); call it before the engine
// serves requests.
func (e *Engine) SetPhaseHook(h PhaseHook) { e.phase = h }

// SetMaxResponseBytes bounds each response body (0: no bound): a read
// whose rows take the body past it stops and becomes a field error.
func (e *Engine) SetMaxResponseBytes(n int) { e.maxOut = n }

// tooLarge is the field error of a read that took the body past maxOut.
func (x *Execution) tooLarge(out []byte) error {
	if x.e.maxOut > 0 && len(out)-len(x.out) > x.e.maxOut {
		return x.sizeError()
	}
	return nil
}

// sizeError is the field error of a root whose answer would take the body
// past maxOut (a read's rows, an introspection answer, mutation results).
func (x *Execution) sizeError() error {
	return clientErrorf("The response exceeds the maximum size of %d bytes.", x.e.maxOut)
}

// introspectBudget is the size an introspection answer may take when used
// bytes of the body are already taken; nil when there is no bound.
func (x *Execution) introspectBudget(used int) *introspect.Budget {
	if x.e.maxOut <= 0 {
		return nil
	}
	return &introspect.Budget{Left: x.e.maxOut - used}
}

// introspect answers an introspection root within budget.
func (x *Execution) introspect(r *root, vars map[string]any, budget *introspect.Budget) (pyjson.Value, error) {
	v, err := introspect.Resolve(x.e.s, r.nodes[0], x.doc.Fragments, vars, budget)
	if errors.Is(err, introspect.ErrTooLarge) {
		err = x.sizeError()
	}
	return v, err
}

// SetWholeDocuments makes every read take the whole document even when
// declared columns hold all of its selection; call it before the engine
// serves requests. Tests compare the two paths with it.
func (e *Engine) SetWholeDocuments(on bool) { e.wholeDocuments = on }

// SetErrorHook installs h (nil removes it); call it before the engine
// serves requests.
func (e *Engine) SetErrorHook(h ErrorHook) { e.hook = h }

// NewEngine returns the executor of s over db. timeout bounds each
// request's statements (see deadlines); production leaves the
// "extensions" member out of dict bodies, as v1 does; v1 restores
// v1.9.7's recorded behaviour (Engine.v1).
func NewEngine(s *schema.Schema, db DB, co *coerce.Coercer, timeout time.Duration, production, v1 bool) *Engine {
	e := &Engine{s: s, db: db, co: co, dl: newDeadlines(timeout), production: production, v1: v1}
	if !v1 {
		e.checks = fieldChecks(s)
	}
	return e
}

// Plans are a document's prepared operations, shared by the requests that
// run it (kept with the document in the engine's cache).
type Plans struct {
	mu    sync.Mutex
	ops   map[string]*prepared // operations without variables, by name
	bound map[*language.OperationDefinition]*boundOp
}

// NewPlans returns an empty set of plans.
func NewPlans() *Plans {
	return &Plans{ops: map[string]*prepared{}, bound: map[*language.OperationDefinition]*boundOp{}}
}

// Len is the number of operations prepared (or being prepared) for the
// document.
func (p *Plans) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.ops) + len(p.bound)
}

// Shared reports whether an operation with variables is prepared once and
// shared by the requests that run it (bind.go).
func (p *Plans) Shared() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, b := range p.bound {
		if b.p != nil {
			return true
		}
	}
	return false
}

// Execution is one request's run. Begin starts it; End releases its
// deadline; Dict writes an error body and Run the operation's.
type Execution struct {
	e     *Engine
	ctx   context.Context
	start time.Time
	// out is the caller's buffer (ExecuteAppend): every body is appended
	// to it, so a Response.Body built here starts with out's bytes.
	out []byte
	// claims and sessionVarsIn are the request's (see sessionVars).
	claims        map[string]any
	sessionVarsIn []SessionVar

	doc   *document.Document
	plans *Plans
	vars  map[string]pyjson.Value

	dbctx  context.Context // see dbContext
	cancel context.CancelFunc

	session     []SessionVar // see sessionVars
	sessionDone bool

	// event, when set, is one more column equality of every root read:
	// a subscription's read for one change event (RunEvent).
	event *plan.Equality
	// misses counts single-row root reads that found no row; readErr is
	// the last statement error of a root read.
	misses  int
	readErr error
}

// Begin starts a request's execution at the current time; bodies are
// appended to out (nil: a new buffer). claims feed the declaration's
// context values; sessionVars are set after the declaration's own.
func (e *Engine) Begin(ctx context.Context, out []byte, claims map[string]any, sessionVars []SessionVar) *Execution {
	return &Execution{e: e, ctx: ctx, start: time.Now(), out: out, claims: claims, sessionVarsIn: sessionVars}
}

// End cancels the statements' deadline context, when one was made.
func (x *Execution) End() {
	if x.cancel != nil {
		x.cancel()
	}
}

// Run prepares op of doc (from plans when it can be shared) with the
// coerced variables and runs it.
func (x *Execution) Run(doc *document.Document, plans *Plans, op *language.OperationDefinition, vars map[string]pyjson.Value) Response {
	x.doc, x.plans, x.vars = doc, plans, vars
	end, prev := x.Phase("graphql.plan")
	p, err := x.prepare(op)
	x.EndPhase(end, prev)
	if err != nil {
		return x.dict(nil, []*gqlerr.Error{{Message: x.message(err)}})
	}
	end, prev = x.Phase("graphql.execute")
	resp := x.execute(p)
	x.EndPhase(end, prev)
	return resp
}

// Dict writes a body of errors only (see dict).
func (x *Execution) Dict(errs []*gqlerr.Error) Response { return x.dict(nil, errs) }

// Append writes body as it is (a fixed answer such as v1's TypeError).
func (x *Execution) Append(body []byte) Response {
	return Response{Body: append(x.dst(len(body)), body...)}
}

// dst is where a body is appended: the caller's buffer, or a new one of
// capacity hint when there is none.
func (x *Execution) dst(hint int) []byte {
	if x.out != nil {
		return x.out
	}
	return make([]byte, 0, hint)
}

// dbContext is the context for the request's statements: the caller's,
// with the execution deadline (start + ExecutionTimeout, see deadlines).
// It is made on the first statement, so requests that run none (errors,
// introspection, __typename) pay nothing for it.
func (x *Execution) dbContext() context.Context {
	if x.dbctx == nil {
		x.dbctx, x.cancel = x.e.dl.context(x.ctx, x.start)
	}
	return x.dbctx
}

// timeMS is FraiseQL's round((time.time() - start) * 1000, 2).
func (x *Execution) timeMS() pyjson.Value {
	ms := math.Round(float64(time.Since(x.start).Microseconds())/10) / 100
	return pyjson.Value{Kind: pyjson.Float, Num: pyjson.FloatRepr(ms)}
}

// dict writes a body the way v1's unified executor returns a dict: data
// (when not nil), errors (when any), then extensions outside production.
func (x *Execution) dict(data *pyjson.Value, errs []*gqlerr.Error) Response {
	body := pyjson.Value{Kind: pyjson.Object}
	if data != nil {
		body.Members = append(body.Members, pyjson.Member{Key: "data", Value: *data})
	}
	body.Members = x.appendTail(body.Members, errs)
	out, err := pyjson.AppendCompact(x.dst(256), &body)
	if err != nil {
		return x.internal(fmt.Errorf("response not encodable: %w", err)) // Python's json.dumps would raise: a 500
	}
	return Response{Body: out}
}

// dictAfterData finishes a dict body whose data is already written: out
// holds {"data":<value>, dict's errors and extensions follow.
func (x *Execution) dictAfterData(out []byte, errs []*gqlerr.Error) Response {
	tail := pyjson.Value{Kind: pyjson.Object, Members: x.appendTail(nil, errs)}
	if len(tail.Members) == 0 {
		return Response{Body: append(out, '}')}
	}
	mark := len(out)
	out, err := pyjson.AppendCompact(out, &tail)
	if err != nil {
		return x.internal(fmt.Errorf("response not encodable: %w", err))
	}
	out[mark] = ',' // {"errors":… continues the body
	return Response{Body: out}
}

// appendTail appends what dict writes after the data: errors (when any),
// then extensions outside production.
func (x *Execution) appendTail(members []pyjson.Member, errs []*gqlerr.Error) []pyjson.Member {
	if len(errs) > 0 {
		list := pyjson.Value{Kind: pyjson.Array, Items: make([]pyjson.Value, len(errs))}
		for i, e := range errs {
			list.Items[i] = e.Value()
		}
		members = append(members, pyjson.Member{Key: "errors", Value: list})
	}
	if !x.e.production {
		members = append(members, pyjson.Member{Key: "extensions", Value: pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{
			{Key: "execution", Value: pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{
				{Key: "mode", Value: gqlerr.Str("unified_rust")},
				{Key: "time_ms", Value: x.timeMS()},
			}}},
		}}})
	}
	return members
}
