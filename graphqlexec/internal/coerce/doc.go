// Package coerce turns a request's variables and argument literals into the
// values graphql-core would hand a resolver, kept as pyjson values: input
// object members in the input type's declaration order, Float values as
// Python floats, UUIDs in their canonical text. Its errors carry
// graphql-core's words and paths (coerce_variable_values, value_from_ast).
//
// What it must never do: decide what SQL runs or touch the database; accept
// a value the declared type refuses (the FraiseQL scalars' own checks come
// from package schema).
//
// Security defaults: every value stays data (pyjson values, later bound as
// parameters); recursion follows the input's nesting, which pyjson's
// MaxDepth and the front end's limits bound.
package coerce
