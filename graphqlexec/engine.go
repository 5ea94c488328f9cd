package graphqlexec

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/graphql-go/graphql/language/ast"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/coerce"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/validate"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

const defaultCacheSize = 1024

// Engine executes GraphQL requests against one schema and database. It is
// safe for concurrent use.
type Engine struct {
	s     *schema.Schema
	db    DB
	cfg   Config
	cache *docCache
	lim   validate.Limits
	val   *validate.Validator
	co    *coerce.Coercer
	dl    *deadlines
}

// New builds an engine. The schema's graphql-go form is built here, so a
// schema graphql-go cannot represent fails at start, not per request.
func New(s *schema.Schema, db DB, cfg Config) (*Engine, error) {
	if s == nil {
		return nil, errors.New("graphqlexec: nil schema")
	}
	if db == nil {
		return nil, errors.New("graphqlexec: nil database")
	}
	switch cfg.Environment {
	case "":
		cfg.Environment = Development
	case Development, Production:
	default:
		return nil, fmt.Errorf("graphqlexec: unknown environment %q", cfg.Environment)
	}
	switch cfg.IntrospectionPolicy {
	case "":
		cfg.IntrospectionPolicy = IntrospectionPublic
		if cfg.Environment == Production {
			cfg.IntrospectionPolicy = IntrospectionDisabled
		}
	case IntrospectionPublic:
		if cfg.Environment == Production {
			cfg.IntrospectionPolicy = IntrospectionDisabled // v1's config validator
		}
	case IntrospectionDisabled, IntrospectionAuthenticated:
	default:
		return nil, fmt.Errorf("graphqlexec: unknown introspection policy %q", cfg.IntrospectionPolicy)
	}
	if cfg.DocumentCacheSize < 0 {
		return nil, errors.New("graphqlexec: negative DocumentCacheSize")
	}
	if cfg.DocumentCacheSize == 0 {
		cfg.DocumentCacheSize = defaultCacheSize
	}
	lim, err := validate.NewLimits(cfg.MaxQueryBytes, cfg.MaxQueryTokens, cfg.MaxQueryDepth, cfg.MaxQueryFields)
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.ExecutionTimeout < 0:
		return nil, errors.New("graphqlexec: negative ExecutionTimeout")
	case cfg.ExecutionTimeout == 0:
		cfg.ExecutionTimeout = DefaultExecutionTimeout
	}
	return &Engine{s: s, db: db, cfg: cfg, cache: newDocCache(cfg.DocumentCacheSize), lim: lim, val: validate.NewValidator(s), co: coerce.New(s), dl: newDeadlines(cfg.ExecutionTimeout)}, nil
}

// document is a parsed query with its validation results and prepared
// operations; cached by query text and shared by concurrent requests.
type document struct {
	// Document is nil when syntax is set.
	*validate.Document
	// syntax rejects the document before validation: a syntax error or a
	// document limit exceeded (see validate.Parse).
	syntax *gqlerr.Error

	fullOnce, blockedOnce sync.Once
	fullErrs, blockedErrs []*gqlerr.Error

	mu    sync.Mutex
	ops   map[string]*prepared // operations without variables, by name
	bound map[*ast.OperationDefinition]*boundOp
}

func (e *Engine) document(query string) *document {
	if d := e.cache.get(query); d != nil {
		return d
	}
	// The limits run on a miss only: a cached document has passed them
	// (or its rejection is cached, like a syntax error).
	d := &document{ops: map[string]*prepared{}, bound: map[*ast.OperationDefinition]*boundOp{}}
	d.Document, d.syntax = validate.Parse([]byte(query), &e.lim)
	return e.cache.add(query, d)
}

func (e *Engine) validation(d *document, blocked bool) []*gqlerr.Error {
	if blocked {
		d.blockedOnce.Do(func() { d.blockedErrs = e.val.Introspection(d.Document) })
		return d.blockedErrs
	}
	// Development, and production when introspection is allowed (an
	// authenticated user under the "authenticated" policy): v1 then runs
	// graphql-core's full rule set.
	d.fullOnce.Do(func() { d.fullErrs = e.val.Validate(d.Document) })
	return d.fullErrs
}

func (e *Engine) introspectionBlocked(req *Request) bool {
	switch e.cfg.IntrospectionPolicy {
	case IntrospectionDisabled:
		return true
	case IntrospectionAuthenticated:
		return req.Claims == nil
	}
	return false
}

// Execute runs one request and returns the complete response body in a
// new buffer. It is ExecuteAppend with no destination.
func (e *Engine) Execute(ctx context.Context, req *Request) Response {
	_, resp := e.ExecuteAppend(ctx, nil, req)
	return resp
}

// ExecuteAppend runs one request and appends the response body to dst, so
// a server can write it straight into its pooled buffer instead of copying
// a body the engine allocated. It returns the extended buffer and the
// response, whose Body is the appended part (it aliases the returned
// buffer). On InternalError nothing is appended and dst is returned as
// it was (possibly with a larger capacity never written past len(dst)).
func (e *Engine) ExecuteAppend(ctx context.Context, dst []byte, req *Request) ([]byte, Response) {
	x := &execution{e: e, ctx: ctx, req: req, start: time.Now(), out: dst}
	resp := x.run()
	if x.cancel != nil {
		x.cancel()
	}
	if resp.InternalError {
		return dst, resp
	}
	full := resp.Body
	resp.Body = full[len(dst):len(full):len(full)]
	return full, resp
}

// dst is where a body is appended: the caller's buffer, or a new one of
// capacity hint when there is none.
func (x *execution) dst(hint int) []byte {
	if x.out != nil {
		return x.out
	}
	return make([]byte, 0, hint)
}

// dbContext is the context for the request's statements: the caller's,
// with the execution deadline (start + ExecutionTimeout, see deadlines).
// It is made on the first statement, so requests that run none (errors,
// introspection, __typename) pay nothing for it.
func (x *execution) dbContext() context.Context {
	if x.dbctx == nil {
		x.dbctx, x.cancel = x.e.dl.context(x.ctx, x.start)
	}
	return x.dbctx
}

type execution struct {
	e     *Engine
	ctx   context.Context
	req   *Request
	start time.Time
	d     *document
	// out is the caller's buffer (ExecuteAppend): every body is appended
	// to it, so a Response.Body built here starts with out's bytes.
	out []byte

	dbctx  context.Context // see dbContext
	cancel context.CancelFunc
	vars   map[string]pyjson.Value

	session     []SessionVar // see sessionVars
	sessionDone bool
}

var typeErrorBody = []byte(`{"errors":[{"message":"'TypeError' object has no attribute 'message'","extensions":{"code":"EXECUTION_ERROR","mode":"unified_rust"}}]}`)

func (x *execution) run() Response {
	for _, v := range x.req.SessionVars {
		if !ValidSessionVarName(v.Name) {
			// A configuration error of the caller: nothing runs.
			return Response{InternalError: true}
		}
	}
	if x.req.QueryMissing {
		return Response{Body: append(x.dst(len(typeErrorBody)), typeErrorBody...)}
	}
	if len(x.req.Query) > x.e.lim.MaxBytes() {
		return x.dict(nil, []*gqlerr.Error{x.e.lim.SizeError()})
	}
	x.d = x.e.document(x.req.Query)
	if x.d.syntax != nil {
		return x.dict(nil, []*gqlerr.Error{x.d.syntax})
	}
	if errs := x.e.validation(x.d, x.e.introspectionBlocked(x.req)); len(errs) > 0 {
		return x.dict(nil, errs)
	}
	op, gerr := x.operation()
	if gerr != nil {
		return x.dict(nil, []*gqlerr.Error{gerr})
	}
	vars, verrs := x.e.co.Variables(op, x.d.Body, x.req.Variables)
	if len(verrs) > 0 {
		return x.dict(nil, verrs)
	}
	x.vars = vars
	p, err := x.prepare(op)
	if err != nil {
		return x.dict(nil, []*gqlerr.Error{{Message: clientMessage(err)}})
	}
	return x.execute(p)
}

// operation picks the operation as graphql-core's execution context does.
func (x *execution) operation() (*ast.OperationDefinition, *gqlerr.Error) {
	var found *ast.OperationDefinition
	for _, def := range x.d.AST.Definitions {
		op, ok := def.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		if x.req.OperationName == nil {
			if found != nil {
				return nil, &gqlerr.Error{Message: "Must provide operation name if query contains multiple operations."}
			}
			found = op
		} else if op.Name != nil && op.Name.Value == *x.req.OperationName {
			found = op
		}
	}
	if found == nil {
		if x.req.OperationName != nil {
			return nil, &gqlerr.Error{Message: fmt.Sprintf("Unknown operation named '%s'.", *x.req.OperationName)}
		}
		return nil, &gqlerr.Error{Message: "Must provide an operation."}
	}
	return found, nil
}

// timeMS is FraiseQL's round((time.time() - start) * 1000, 2).
func (x *execution) timeMS() pyjson.Value {
	ms := math.Round(float64(time.Since(x.start).Microseconds())/10) / 100
	return pyjson.Value{Kind: pyjson.Float, Num: pyjson.FloatRepr(ms)}
}

// dict writes a body the way v1's unified executor returns a dict: data
// (when not nil), errors (when any), then extensions outside production.
func (x *execution) dict(data *pyjson.Value, errs []*gqlerr.Error) Response {
	body := pyjson.Value{Kind: pyjson.Object}
	if data != nil {
		body.Members = append(body.Members, pyjson.Member{Key: "data", Value: *data})
	}
	if len(errs) > 0 {
		list := pyjson.Value{Kind: pyjson.Array, Items: make([]pyjson.Value, len(errs))}
		for i, e := range errs {
			list.Items[i] = e.Value()
		}
		body.Members = append(body.Members, pyjson.Member{Key: "errors", Value: list})
	}
	if x.e.cfg.Environment != Production {
		body.Members = append(body.Members, pyjson.Member{Key: "extensions", Value: pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{
			{Key: "execution", Value: pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{
				{Key: "mode", Value: gqlerr.Str("unified_rust")},
				{Key: "time_ms", Value: x.timeMS()},
			}}},
		}}})
	}
	out, err := pyjson.AppendCompact(x.dst(256), &body)
	if err != nil {
		return Response{InternalError: true} // Python's json.dumps would raise: a 500
	}
	return Response{Body: out}
}
