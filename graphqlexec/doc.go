// Package graphqlexec is the query engine of fraiseql-http: it answers a
// decoded POST /graphql request with the exact body bytes FraiseQL v1.9.7's
// FastAPI server sends for it.
//
// The pipeline: a bounded, sharded LRU keyed by query text holds each
// parsed document with its validation results and, for operations without
// variables, the prepared root fields (projection trees and SQL
// statements), so a repeated query does no parse, validation or planning
// work. An operation whose variables only fill column arguments of root
// reads (user(id: $id)) shares its prepared fields too, each request
// binding its own values as parameters (bind.go); any other use of a
// variable plans per request. ExecuteAppend writes the body into the
// caller's buffer. The front end (package internal/validate) parses with
// graphql-go, GraphQL's null literal added around it, and validates with
// graphql-core 3.2's rule list in its order and words;
// testdata/validation-corpus.txt is compared with graphql-core itself.
// When introspection is blocked (production) only graphql-core's
// NoSchemaIntrospectionCustomRule runs, as
// in v1. Variables are coerced with graphql-core's messages. Each root read
// is one SQL statement (package internal/plan, v1's shapes), run with pgx
// in one round trip, and each row's jsonb text is rewritten on the bytes
// (package internal/rowjson) into v1's Rust output. Everything else (errors,
// nulls, introspection) is a Python-style dict body written with pyjson.
//
// A mutation field bound by @function calls
// SELECT row_to_json(schema.fn(<context values…>, $n::jsonb)) with the
// input as jsonb text (every input field under its snake_case key, omitted
// ones null), in a transaction of its own, root fields one after the other;
// package internal/mutation turns the 8-column mutation_response row into
// v1's success or error object bytes. A function that raises is a field
// error with PostgreSQL's message.
//
// Session variables: a request's SessionVars and the schema's
// @context(sessionVariable:) values are set with set_config(…, true) in the
// same transaction as every statement the request runs, reads and
// mutations alike, pipelined with the statement in one round trip (see
// query in session.go); a request without them keeps the single statement.
//
// What it never does: import net/http or any transport (the HTTP layer
// decodes requests and writes envelopes); splice a request value into SQL
// text (values are bound parameters, identifiers and JSON keys come from
// the schema model); decode row JSON into Go maps on the response path.
//
// Security defaults: every document is measured before it is parsed and
// validated (internal/validate: bytes, tokens, bracket nesting, selection
// depth and fields through fragments), because graphql-go's parser and validator are
// super-linear in depth and repeated fields; validation stops at
// graphql-core's 100 errors; every statement runs under the request's
// ExecutionTimeout. Filters are bounded (plan.MaxFilterDepth,
// plan.MaxFilterConditions); unknown filter fields or operators are GraphQL
// errors; introspection is disabled in production unless configured;
// database and internal error texts reach the client only where v1 puts
// them there (field errors carry the message, as graphql-core does): a
// PostgreSQL error shows PostgreSQL's primary message, any other driver or
// internal failure shows "Internal server error", never a Go or pgx text.
// Session variable names are restricted to custom settings
// (ValidSessionVarName), so a request can never change search_path, role
// or another built-in setting; their values are always bound parameters.
package graphqlexec
