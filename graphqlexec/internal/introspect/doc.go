// Package introspect answers the root __schema and __type(name:) fields
// from the declaration model, the way graphql-core 3.2.8 executes its
// introspection types, so the bytes match FraiseQL v1.9.7's (the
// development/introspection-* goldens): keys in selection order with
// aliases, fields merged across fragments, @skip/@include,
// includeDeprecated.
//
// What it must never do: decide whether introspection is allowed (the
// engine's policy and the validator's NoSchemaIntrospectionCustomRule do),
// touch the database, or answer a field validation would have refused (the
// document must have been validated; an unknown field is an error here).
//
// Security defaults: the answer is built from the immutable model only;
// its size is the document's (the front end's limits) times the
// declaration's, which aliased nested selections multiply, so the caller
// passes a Budget (the response bound) and building stops at it
// (ErrTooLarge).
package introspect
