// Package document turns a request's query text into the Document the
// rest of the engine reads, within the document limits: it parses the text
// with internal/language under the Limits it owns (tokens and nesting,
// counted by the parser as it reads; the byte limit, checked by the caller
// through SizeError before the text is hashed or cached) and measures the
// tree (selection depth and fields, through fragments). A text over a limit
// or with a syntax error gives one GraphQL error instead: graphql-core 3.2's
// syntax error or the limit's. It does not validate: the spec's rules are
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
package document
