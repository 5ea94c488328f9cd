// Package graphqlexec is the query engine of fraiseql-http: it answers a
// decoded POST /graphql request with the exact body bytes FraiseQL v1.9.7's
// FastAPI server sends for it. This package is the small API the server
// uses (New, Config, Engine.Execute/ExecuteAppend, Request, Response,
// SessionVar, DB) and the request pipeline; the work is done in rooms
// under internal/, each named for what it does, none importing this
// package:
//
//   - internal/language: the lexer, parser, AST and printer (graphql-core
//     3.2's syntax and words); internal/document: a request's document,
//     parsed within the limits and measured; internal/rules: graphql-core's
//     validation rules;
//   - internal/coerce: variables and argument literals;
//   - internal/execute: preparation (fields, projections, statements from
//     internal/plan), pgx execution with session variables, response bytes
//     (internal/rowjson for rows, internal/mutation for mutation results,
//     internal/introspect for __schema/__type);
//   - internal/gqlerr: GraphQL errors;
//   - schema (not internal: the server loads the declaration with it).
//
// The pipeline: a bounded, sharded LRU keyed by query text holds each
// parsed document with its validation results and its prepared
// operations (execute.Plans), so a repeated query does no parse,
// validation or planning work; an operation whose variables only fill
// column arguments of root reads (user(id: $id)) shares its prepared
// fields too. When introspection is blocked (production) only
// graphql-core's NoSchemaIntrospectionCustomRule runs, as in v1. Each root
// read is one SQL statement run with pgx in one round trip, and each row's
// jsonb text is rewritten on the bytes into v1's Rust output. Everything
// else (errors, nulls, introspection) is a Python-style dict body written
// with pyjson. ExecuteAppend writes the body into the caller's buffer.
//
// Session variables: a request's SessionVars and the schema's
// @context(sessionVariable:) values are set with set_config(…, true) in the
// same transaction as every statement the request runs, reads and
// mutations alike, pipelined with the statement in one round trip; a
// request without them keeps the single statement.
//
// What it never does: import net/http or any transport (the HTTP layer
// decodes requests and writes envelopes); splice a request value into SQL
// text (values are bound parameters, identifiers and JSON keys come from
// the schema model); decode row JSON into Go maps on the response path.
//
// Security defaults: every document is bounded before it is validated
// (internal/document: bytes before the cache, tokens and nesting while it
// is parsed, selection depth and fields through fragments once parsed), and
// the front end (internal/language, internal/rules) is linear in the
// document; validation stops at graphql-core's 100 errors; every statement runs under the
// request's ExecutionTimeout. Filters are bounded (plan.MaxFilterDepth,
// plan.MaxFilterConditions); unknown filter fields or operators are GraphQL
// errors; introspection is disabled in production unless configured, and
// production validates every document as development does (v1.9.7 skips
// all rules but introspection's there: Config.Quirks);
// database and internal error texts reach the client only where v1 puts
// them there (field errors carry the message, as graphql-core does): a
// PostgreSQL error shows PostgreSQL's primary message (except a lost
// connection, FATAL or a failed connect, whose text names the database:
// "Internal server error" by default, v1's text under QuirksV197), any
// other driver or internal failure shows "Internal server error", never a
// Go or pgx text; the cause goes to Config.Hooks.Error, which a server
// logs. Config.MaxResponseBytes bounds a response while rows are read,
// introspection answered and mutation results gathered.
// Session variable names are restricted to custom settings
// (ValidSessionVarName), so a request can never change search_path, role
// or another built-in setting; their values are always bound parameters.
package graphqlexec
