// Package rules checks an executable GraphQL document (parsed by
// internal/language) against the declaration model (package schema) with
// the validation rules of the GraphQL specification (October 2021), as
// graphql-core 3.2.8 runs them for FraiseQL v1: its specified_rules in its
// order (MaxIntrospectionDepthRule last), with its messages, its locations
// (character-counted, graphql-core's line breaks) and its cap of 100 errors
// ("Too many validation errors, error limit reached. Validation aborted."
// as the 101st). Introspection runs graphql-core's
// NoSchemaIntrospectionCustomRule alone, which v1 uses in production.
//
// What it owns: one walk of the document with graphql-core's TypeInfo
// (parent type, field definition, input type and default at every node)
// and, at every node entered and left, the rules that speak there in
// graphql-core's rule order, so errors come out in graphql-core's order;
// the variable usages of each operation and fragment; the field-merge check
// (OverlappingFieldsCanBeMerged) with graphql-core's caches.
//
// What it must never do: parse, plan, execute or talk to the database; let
// a panic out on any document the parser accepts (FuzzValidate); change the
// document or the model (both are shared read-only).
//
// Security defaults: the cost is linear in the document. The walk visits
// each node once; fragments are walked once more at most to collect
// variable usages; the introspection-depth check remembers what a fragment
// reaches. graphql-core's field-merge check compares every pair of fields
// that share a response name, which is quadratic: here a pair already found
// not to conflict is never compared again (fields are interned by
// structure), and the comparisons a document may cost are bounded by its
// size (overlapBudget). A document past that bound, which no client writes
// (thousands of distinct fields under one response name), is refused with
// OverlapBudgetExceeded instead of being compared for seconds: the one place
// where this package answers otherwise than graphql-core, on purpose.
//
// Documents with type-system definitions are refused as graphql-core
// refuses them (ExecutableDefinitionsRule), and the rules that look inside
// such definitions (known types and directives, directive arguments and
// values) report what graphql-core reports there too.
package rules
