// Package validate is the engine's GraphQL front end: it turns a request's
// query text into a Document (measured against the Limits, parsed with
// GraphQL's null literal and spec block strings added to graphql-go's
// parser) and checks it against the declaration with graphql-core 3.2's
// validation rules, in graphql-core's order, words and character-counted
// locations.
//
// Parse measures first (bytes are the caller's job, see Limits.SizeError;
// tokens and bracket nesting while lexing, selection depth and fields
// through fragments once parsed), because graphql-go's parser and validator
// are super-linear in depth and repeated fields (limits.go). A Validator
// runs the full rule list (Validate: graphql-go's rules where they agree
// with graphql-core, reworded; ours where they report differently, see
// rules.go) or, when introspection is blocked, only graphql-core's
// NoSchemaIntrospectionCustomRule (Introspection), as v1 does.
//
// graphql-go stays behind this package: the rest of the engine sees a
// Document and *gqlerr.Error values. (Planning still walks the
// graphql-go AST held in Document.AST; a front end of our own replaces
// both later.)
//
// What it must never do: run a rule or build an AST on a document that
// failed a limit; let a panic out (the error cap stops graphql-go's walk
// with a panic of its own, recovered in Validate); return graphql-go's
// wording. It knows nothing of SQL, the database or the response body.
//
// Security defaults: every limit is on unless the caller sets a larger one
// (NewLimits applies the defaults); validation stops at graphql-core's 100
// errors.
package validate
