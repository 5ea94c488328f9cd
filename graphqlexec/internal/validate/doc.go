// Package validate holds the engine's document limits: it parses a
// request's query text with internal/language within the Limits (tokens
// and nesting, counted by the parser as it reads) and measures the tree
// (selection depth and fields, through fragments), giving a Document the
// rest of the engine reads, or one GraphQL error: graphql-core 3.2's syntax
// error or a limit's error. The spec's validation rules are
// internal/rules'.
//
// What it must never do: hand out a Document that failed a limit; let a
// panic out; cost more than linear time in the document (fragments are
// measured once each, however often they are spread). It knows nothing of
// SQL, the database or the response body.
//
// Security defaults: every limit is on unless the caller sets a larger one
// (NewLimits applies the defaults); the byte limit is checked by the
// caller before the text is hashed or cached (SizeError).
package validate
