package graphqlexec

import (
	"context"
	"fmt"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/document"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/execute"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// The defaults of the document limits (see Config; why the limits exist:
// internal/document/limits.go) and of the execution timeout.
const (
	DefaultMaxQueryBytes  = document.DefaultMaxQueryBytes
	DefaultMaxQueryTokens = document.DefaultMaxQueryTokens
	DefaultMaxQueryDepth  = document.DefaultMaxQueryDepth
	DefaultMaxQueryFields = document.DefaultMaxQueryFields
	// DefaultExecutionTimeout is v1's query_timeout (30 s), which v1 applies
	// as statement_timeout to mutations only; here it bounds every
	// statement a request runs.
	DefaultExecutionTimeout = 30 * time.Second
)

// Environment selects FraiseQL v1's development or production behaviour.
type Environment string

const (
	Development Environment = "development"
	Production  Environment = "production"
)

// Quirks selects between correct answers (the default) and FraiseQL
// v1.9.7's recorded behaviour where v1 gives wrong or missing data or
// weakens security (text-compared filters, dropped aliases, unvalidated
// production queries, …). Harmless v1 forms (sorted keys, injected
// __typename, number forms, error wording) are kept in both modes. Each
// difference is listed in docs/compatibility.md and registered in
// compat/divergences.
type Quirks string

const (
	// QuirksNone answers correctly where v1.9.7 did not (the default; the
	// empty string means the same).
	QuirksNone Quirks = "none"
	// QuirksV197 restores every recorded v1.9.7 behaviour byte for byte.
	QuirksV197 Quirks = "v1.9.7"
)

// ParseQuirks reads a --quirks value: "none" (or empty) and "v1.9.7".
func ParseQuirks(s string) (Quirks, error) {
	switch s {
	case "", "none":
		return QuirksNone, nil
	case "v1.9.7":
		return QuirksV197, nil
	}
	return QuirksNone, fmt.Errorf("quirks: %q is not none or v1.9.7", s)
}

// V1 reports whether v1.9.7's recorded behaviour is asked for.
func (q Quirks) V1() bool { return q == QuirksV197 }

// IntrospectionPolicy is FraiseQL v1's introspection_policy.
type IntrospectionPolicy string

const (
	IntrospectionPublic        IntrospectionPolicy = "public"
	IntrospectionDisabled      IntrospectionPolicy = "disabled"
	IntrospectionAuthenticated IntrospectionPolicy = "authenticated"
)

// Config holds the engine settings. The zero value is development with
// public introspection and the default cache size.
type Config struct {
	Environment Environment
	// Quirks is QuirksNone (default: correct answers) or QuirksV197.
	Quirks Quirks
	// IntrospectionPolicy defaults to public in development and disabled in
	// production (v1's validator turns a production "public" into "disabled").
	IntrospectionPolicy IntrospectionPolicy
	// DocumentCacheSize bounds the number of parsed and validated documents
	// kept; 0 means the default (1024).
	DocumentCacheSize int

	// Document limits (internal/document), a deliberate difference from v1, which
	// has none: a document over a limit is answered with one GraphQL error
	// (HTTP 200, no data) before it is parsed or validated. 0 means the
	// default; a negative value is an error.
	//
	// MaxQueryBytes bounds the query text (default 64 KiB), checked before
	// the document cache. MaxQueryTokens bounds its lexical tokens
	// (default 10,000). MaxQueryDepth bounds the selection depth, root
	// fields at 1, counted through fragment spreads (default 20); selection
	// sets, list and object values may nest max(64, 2×MaxQueryDepth+24)
	// levels. MaxQueryFields bounds the fields
	// an operation or fragment selects with its fragment spreads expanded
	// (default 1,000). The introspection query GraphiQL sends is 13 deep,
	// 181 fields and 150 tokens.
	MaxQueryBytes  int
	MaxQueryTokens int
	MaxQueryDepth  int
	MaxQueryFields int

	// ExecutionTimeout bounds the time from the start of a request to the
	// end of its last SQL statement, through the context given to the
	// database (pgx cancels a running statement when it expires). A request
	// over it gets PostgreSQL's statement_timeout words as a field error,
	// "canceling statement due to statement timeout", as v1 shows for a
	// mutation over its query_timeout. 0 means the default (30 s, v1's
	// query_timeout); a negative value is an error.
	ExecutionTimeout time.Duration

	// MaxResponseBytes bounds each response body (0, the default: no
	// bound): a read whose rows take the body past it stops reading and
	// becomes a field error, "The response exceeds the maximum size of N
	// bytes." (its field null), so a query over a huge table cannot make
	// the server build an unbounded answer. An introspection answer stops
	// the same way while it is built, and once mutation results pass it
	// the remaining mutation root fields are not run (each answers the
	// error). Negative is an error.
	MaxResponseBytes int

	// Hooks observe the engine's work (logging, metrics); nil members
	// cost nothing.
	Hooks Hooks
}

// Hooks are called on the request's goroutine, so they must be quick and
// must not block.
type Hooks struct {
	// Error is called once for each error a request meets: each GraphQL
	// error of its response, and the cause of a 500. ErrorEvent.Message is
	// what the client sees; ErrorEvent.Err is the cause, which the client
	// never sees (for ErrorInternal it is the only record of what went
	// wrong, so a server logs it).
	Error func(ctx context.Context, e ErrorEvent)
	// Phase, when set, is called when a phase of a request starts:
	// "graphql.parse" (a document not in the cache: parsing and the
	// document limits; validation runs once per document after it),
	// "graphql.plan" (the operation's SQL, shared by later requests of
	// the same document when it can be) and "graphql.execute" (the
	// statements and the response body). It returns the context the phase
	// runs under, so what the phase does (the statements, through pgx's
	// tracer) can be nested under it, e.g. a tracing span, and the function
	// that ends the phase.
	Phase func(ctx context.Context, name string) (context.Context, func())
}

// ErrorEvent is one error of a request, for Hooks.Error.
type ErrorEvent struct {
	Class ErrorClass
	// Message is the text in the response ("Internal server error", or
	// "Internal Server Error" for a 500).
	Message string
	// Err is the cause: a pgx or PostgreSQL error, a planning error, a
	// rewrite failure. nil for ErrorRequest, whose message says it all.
	Err error
}

// ErrorClass sorts errors for logs and metrics (a small fixed set, so it
// can be a metric label).
type ErrorClass = execute.ErrorClass

// The error classes.
const (
	// ErrorRequest: the document or its variables (syntax, limits,
	// validation, operation selection, variable values).
	ErrorRequest = execute.ErrorRequest
	// ErrorInput: an argument or filter refused while planning.
	ErrorInput = execute.ErrorInput
	// ErrorDatabase: PostgreSQL refused a statement (its message is shown).
	ErrorDatabase = execute.ErrorDatabase
	// ErrorTimeout: a statement outlived ExecutionTimeout.
	ErrorTimeout = execute.ErrorTimeout
	// ErrorData: a view's stored document does not match the declared type.
	ErrorData = execute.ErrorData
	// ErrorInternal: the client sees "Internal server error" or a 500; the
	// cause is in Err only (pool exhausted, connection lost, …).
	ErrorInternal = execute.ErrorInternal
)

// DB is what the engine needs from PostgreSQL; *pgxpool.Pool and *pgx.Conn
// satisfy it: Query(ctx, sql, args...) runs a statement alone,
// SendBatch(ctx, batch) runs it after its session variables in one round
// trip and one transaction (see SessionVar).
type DB = execute.DB

// SessionVar is one PostgreSQL setting made for the duration of a
// statement's transaction, e.g. {"app.tenant_id", "bbbb…"}, so that row
// level security policies and functions can read it with
// current_setting('app.tenant_id', true). Name must be a two-part custom
// setting name (ValidSessionVarName); Value is always a bound parameter.
type SessionVar = execute.SessionVar

// ValidSessionVarName reports whether name can be set as a session
// variable: a custom setting "prefix.name", each part [a-z_][a-z0-9_]* of
// at most 63 bytes. Built-in settings (search_path, role,
// statement_timeout…) have no dot, so a request can never change them
// through this path. It is the one rule for session variable names (the
// declaration's, the server's claim mappings, a request's):
// schema.ValidSessionVarName.
func ValidSessionVarName(name string) bool { return schema.ValidSessionVarName(name) }

// Request is one GraphQL request after the HTTP layer has decoded and
// validated the body model (FastAPI's 422 checks happen before this).
type Request struct {
	// Query is the document text. QueryMissing is set when the body had no
	// query or "query": null (v1 then answers its TypeError message).
	Query        string
	QueryMissing bool
	// OperationName is nil when absent or null.
	OperationName *string
	// Variables is the decoded "variables" object, or nil when absent/null.
	Variables *pyjson.Value
	// Claims are the authenticated user's token claims; nil for an anonymous
	// request. They feed the schema's context values (@context).
	Claims map[string]any
	// SessionVars are set with set_config(name, value, true) in the
	// transaction of every statement the request runs (reads and
	// mutations), after the schema's own @context(sessionVariable:)
	// settings, so a later setting of the same name wins. The HTTP layer
	// computes them from the authenticated user. A name that fails
	// ValidSessionVarName makes the request fail (InternalError) before any
	// statement runs.
	SessionVars []SessionVar
}

// Response is the complete GraphQL response body: Body, byte-identical to
// FraiseQL v1.9.7's for the same request (application/json, HTTP 200), or
// InternalError when v1 would have crashed outside its error handling (a
// Starlette 500 "Internal Server Error" text/plain; Body is then nil).
type Response = execute.Response
