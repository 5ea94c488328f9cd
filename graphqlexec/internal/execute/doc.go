// Package execute runs one validated operation and writes its response
// body: it collects the root fields (@skip/@include, fragments), builds
// each read's projection (package rowjson) and statement (package plan),
// shares prepared operations between requests through a document's Plans
// (bind.go: variables that only fill column arguments are rebound per
// request), runs each statement with pgx (session variables pipelined with
// it in one implicit transaction, session.go; under the request's
// deadline, deadline.go), rewrites rows on the bytes (typed by default,
// typed.go; v1.9.7's untyped single- and multi-root answers under
// --quirks v1.9.7), calls mutation
// functions (input as jsonb text, one transaction each; package mutation
// for the result), answers __typename and introspection (package
// introspect), and writes v1's dict bodies with pyjson.
//
// What it must never do: parse or validate a document (the front end,
// packages document and rules, have done it); splice a request value into SQL text;
// decode row JSON into Go maps on the response path; import the engine's
// root package or any transport.
//
// Security defaults: every statement runs under the deadline; errors reach
// the client as v1 shows them (clientMessage: PostgreSQL's primary message,
// the engine's own GraphQL-facing texts) and as "Internal server error"
// otherwise; session variable names are checked (schema.ValidSessionVarName) and
// their values bound.
package execute
