// Package schema loads a fraiseql-http declaration file (GraphQL SDL with
// directives, see docs/schema.md) into the immutable schema model the rest
// of the engine reads: object types bound to views, root query fields bound
// to view reads, mutations bound to PostgreSQL functions, the per-request
// context values, FraiseQL v1's built-in scalars and generated filter and
// order-by inputs, all in the order graphql-core 3.2.8 lists them (the
// order introspection shows, see package internal/introspect). The
// declaration is parsed by internal/language, as request documents are,
// with AllowEmptyBraces ("type X @error {}").
//
// What it must never do: talk to the database, execute resolvers, or let a
// name that will be put into SQL text through unchecked. Every view, column,
// function, schema, JSON key and SQL type name in a declaration must be a
// plain identifier ([A-Za-z_][A-Za-z0-9_]*); Load rejects anything else, so
// the planner can quote them without escaping.
//
// Security defaults: a declaration that is ambiguous is rejected rather than
// guessed at (unknown directives or arguments, undeclared context values,
// mutation results that are not one @success and one @error type). A loaded
// *Schema is never modified, so one value is shared by all requests.
package schema
