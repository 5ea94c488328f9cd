package graphqlexec

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/coerce"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/document"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/execute"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/rules"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

const defaultCacheSize = 1024

// Engine executes GraphQL requests against one schema and database. It is
// safe for concurrent use.
type Engine struct {
	s     *schema.Schema
	cfg   Config
	cache *docCache
	lim   document.Limits
	val   *rules.Validator
	co    *coerce.Coercer
	ex    *execute.Engine
}

// New builds an engine; the declaration is indexed for validation here.
func New(s *schema.Schema, db DB, cfg Config) (*Engine, error) {
	if s == nil {
		return nil, errors.New("graphqlexec: nil schema")
	}
	if db == nil {
		return nil, errors.New("graphqlexec: nil database")
	}
	q, err := ParseQuirks(string(cfg.Quirks))
	if err != nil {
		return nil, fmt.Errorf("graphqlexec: %w", err)
	}
	cfg.Quirks = q
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
	lim, err := document.NewLimits(cfg.MaxQueryBytes, cfg.MaxQueryTokens, cfg.MaxQueryDepth, cfg.MaxQueryFields)
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.ExecutionTimeout < 0:
		return nil, errors.New("graphqlexec: negative ExecutionTimeout")
	case cfg.ExecutionTimeout == 0:
		cfg.ExecutionTimeout = DefaultExecutionTimeout
	}
	co := coerce.New(s)
	val := rules.New(s)
	if !cfg.Quirks.V1() {
		// NOT: {…} as an object literal (v1.9.7 takes only a JSON string).
		co = co.WithNotLiteral()
		val = rules.NewWithOptions(s, rules.Options{NotLiteral: true})
	}
	ex := execute.NewEngine(s, db, co, cfg.ExecutionTimeout, cfg.Environment == Production, cfg.Quirks.V1())
	if cfg.MaxResponseBytes < 0 {
		return nil, errors.New("graphqlexec: negative MaxResponseBytes")
	}
	ex.SetMaxResponseBytes(cfg.MaxResponseBytes)
	if h := cfg.Hooks.Phase; h != nil {
		ex.SetPhaseHook(execute.PhaseHook(h))
	}
	if h := cfg.Hooks.Error; h != nil {
		ex.SetErrorHook(func(ctx context.Context, class execute.ErrorClass, msg string, cause error) {
			h(ctx, ErrorEvent{Class: class, Message: msg, Err: cause})
		})
	}
	return &Engine{s: s, cfg: cfg, cache: newDocCache(cfg.DocumentCacheSize), lim: lim, val: val, co: co,
		ex: ex}, nil
}

// cachedDocument is a parsed query with its validation results and prepared
// operations; cached by query text and shared by concurrent requests.
type cachedDocument struct {
	// Document is nil when syntax is set.
	*document.Document
	// syntax rejects the document before validation: a syntax error or a
	// document limit exceeded (see document.Parse).
	syntax *gqlerr.Error

	fullOnce, blockedOnce sync.Once
	fullErrs, blockedErrs []*gqlerr.Error

	plans *execute.Plans
}

// DocumentCacheStats returns the document cache's lookups since the engine
// was built: those that found the parsed and validated document, and those
// that had to parse it (every request looks up its text once; a GET
// looks it up once more to refuse mutations, the 401 gate's introspection
// exemption once more too). For metrics.
func (e *Engine) DocumentCacheStats() (hits, misses uint64) { return e.cache.stats() }

func (e *Engine) document(query string) *cachedDocument {
	if d := e.cache.get(query); d != nil {
		return d
	}
	return e.parse(query)
}

// requestDocument is document for a request's execution: a miss is the
// "graphql.parse" phase.
func (e *Engine) requestDocument(x *execute.Execution, query string) *cachedDocument {
	if d := e.cache.get(query); d != nil {
		return d
	}
	end, prev := x.Phase("graphql.parse")
	d := e.parse(query)
	x.EndPhase(end, prev)
	return d
}

// parse parses query and caches it (or the document another goroutine
// cached first).
func (e *Engine) parse(query string) *cachedDocument {
	// The limits run on a miss only: a cached document has passed them
	// (or its rejection is cached, like a syntax error).
	d := &cachedDocument{plans: execute.NewPlans()}
	d.Document, d.syntax = document.Parse(query, &e.lim)
	return e.cache.add(query, d)
}

func (e *Engine) validation(d *cachedDocument, blocked bool) []*gqlerr.Error {
	if blocked {
		// v1.9.7 runs only the introspection rule where introspection is
		// refused (production, and anonymous users under "authenticated"):
		// unknown fields and arguments are then silently ignored (quirk 8).
		// By default the full rule set runs first, so a misspelled field or
		// argument is an error there too; a valid document that uses
		// introspection then gets v1's introspection errors.
		d.blockedOnce.Do(func() {
			if !e.cfg.Quirks.V1() {
				d.fullOnce.Do(func() { d.fullErrs = e.val.Validate(d.AST) })
				if len(d.fullErrs) > 0 {
					d.blockedErrs = d.fullErrs
					return
				}
			}
			d.blockedErrs = e.val.Introspection(d.AST)
		})
		return d.blockedErrs
	}
	// Development, and production when introspection is allowed (an
	// authenticated user under the "authenticated" policy): v1 then runs
	// graphql-core's full rule set.
	d.fullOnce.Do(func() { d.fullErrs = e.val.Validate(d.AST) })
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
	x := e.ex.Begin(ctx, dst, req.Claims, req.SessionVars)
	resp := e.run(x, req)
	x.End()
	if resp.InternalError {
		return dst, resp
	}
	full := resp.Body
	resp.Body = full[len(dst):len(full):len(full)]
	return full, resp
}

// subscriptionOverHTTP answers a subscription sent as an HTTP request: a
// subscription is a stream, served over WebSocket (Prepare).
const subscriptionOverHTTP = "Subscriptions are served over WebSocket (graphql-transport-ws or graphql-ws), not over HTTP."

var typeErrorBody = []byte(`{"errors":[{"message":"'TypeError' object has no attribute 'message'","extensions":{"code":"EXECUTION_ERROR","mode":"unified_rust"}}]}`)

func (e *Engine) run(x *execute.Execution, req *Request) Response {
	for _, v := range req.SessionVars {
		if !ValidSessionVarName(v.Name) {
			// A configuration error of the caller: nothing runs.
			return x.Internal(fmt.Errorf("graphqlexec: invalid session variable name %q", v.Name))
		}
	}
	if req.QueryMissing {
		x.RequestErrors([]*gqlerr.Error{{Message: "'TypeError' object has no attribute 'message'"}})
		return x.Append(typeErrorBody)
	}
	if len(req.Query) > e.lim.MaxBytes() {
		return requestErrors(x, []*gqlerr.Error{e.lim.SizeError()})
	}
	d := e.requestDocument(x, req.Query)
	if d.syntax != nil {
		return requestErrors(x, []*gqlerr.Error{d.syntax})
	}
	if errs := e.validation(d, e.introspectionBlocked(req)); len(errs) > 0 {
		return requestErrors(x, errs)
	}
	op, gerr := operation(d.Document, req.OperationName)
	if gerr != nil {
		return requestErrors(x, []*gqlerr.Error{gerr})
	}
	if op.Operation == language.Subscription && e.s.Subscription != "" {
		return x.Dict([]*gqlerr.Error{{Message: subscriptionOverHTTP}})
	}
	vars, verrs := e.co.Variables(op, d.Body, req.Variables)
	if len(verrs) > 0 {
		return requestErrors(x, verrs)
	}
	resp := x.Run(d.Document, d.plans, op, vars)
	resp.Operation = op.Operation.String()
	return resp
}

// requestErrors answers errors found before execution and tells the hook.
func requestErrors(x *execute.Execution, errs []*gqlerr.Error) Response {
	x.RequestErrors(errs)
	return x.Dict(errs)
}

// operation picks the operation as graphql-core's execution context does.
func operation(d *document.Document, name *string) (*language.OperationDefinition, *gqlerr.Error) {
	var found *language.OperationDefinition
	for _, def := range d.AST.Definitions {
		op, ok := def.(*language.OperationDefinition)
		if !ok {
			continue
		}
		if name == nil {
			if found != nil {
				return nil, &gqlerr.Error{Message: "Must provide operation name if query contains multiple operations."}
			}
			found = op
		} else if op.Name.Value != "" && op.Name.Value == *name {
			found = op
		}
	}
	if found == nil {
		if name != nil {
			return nil, &gqlerr.Error{Message: fmt.Sprintf("Unknown operation named '%s'.", *name)}
		}
		return nil, &gqlerr.Error{Message: "Must provide an operation."}
	}
	return found, nil
}
