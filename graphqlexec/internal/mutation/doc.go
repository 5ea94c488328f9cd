// Package mutation turns one row of FraiseQL v1's 8-column mutation_response
// (status, message, entity_id, entity_type, entity, updated_fields, cascade,
// metadata), read as row_to_json text, into the result object FraiseQL
// v1.9.7's Rust build_mutation_response writes for it: the status taxonomy
// (success, noop, error prefixes and their application codes), the success
// object with its entity (__typename injected, keys camelCased, then
// filtered by the entity selection), the error object (code always present,
// generated or metadata errors, entity wrapper fields copied to the root),
// serialized as serde_json does (compact, keys sorted byte-wise, serde
// number and string forms).
//
// It reproduces v1's quirks on purpose (see the compat goldens' README,
// quirk 12): a filtered entity loses its __typename, lists inside an entity
// are not projected, an error result without a fragment on the error type
// receives every key of the entity. The default mode builds the whole
// object here (no selection filters) and completes it with the selection in
// internal/execute (quirks 12a to 12c); UnknownStatusIsError (12d) makes a
// status outside the taxonomy an error result, not a silent success.
//
// The package never runs SQL and never decides what a client may see beyond
// what the row and the selection say; a malformed row is an error for the
// caller to report, never a panic.
package mutation
