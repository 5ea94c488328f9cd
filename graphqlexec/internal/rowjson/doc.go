// Package rowjson rewrites the JSON text of a PostgreSQL jsonb document into
// the bytes FraiseQL v1.9.7's Rust transform writes for it, without decoding
// the document into Go values.
//
// PostgreSQL prints jsonb with a space after ':' and ',' and orders keys
// shortest-first; v1 (serde_json without preserve_order) writes compact JSON
// with every object's keys sorted byte-wise, projects each object to the
// GraphQL selection, renames keys to the response keys (aliases, camelCase),
// injects "__typename" into every object whose type is known, and re-prints
// numbers the way serde_json does. A Node tree, built once per cached
// operation, describes that rewrite; Transform applies it to one row with a
// single forward scan per object and no allocation beyond the output buffer
// and a reusable scratch stack.
//
// A Node built with NewCheckedNode (the default, outside --quirks v1.9.7)
// also completes each value with its declared type as graphql-core's
// executor would (check.go): missing keys become null, a null in a
// non-null position is a FieldError that nulls the nearest nullable
// parent (the bytes already written for it are cut back), leaves are
// serialised by their scalar (Int's 32-bit range, enum names), and numbers
// keep their exact value where serde_json's float64 would round them.
//
// The package never trusts its input to be well-formed: malformed JSON is an
// error, never a panic or an out-of-bounds read. It never writes a byte of
// input outside a JSON string or number token, so a hostile document cannot
// break the response structure.
package rowjson
