// Package plan turns a root query field bound to a view into its single SQL
// statement:
//
//	SELECT "data"::text FROM "v_user" WHERE <where> AND "tenant_id" = $n
//	    ORDER BY <terms> LIMIT 3 OFFSET 5
//
// with v1's grouping of where objects (AND/OR/NOT), its orderBy lists, and
// limit/offset inlined as integer literals. When the caller names the
// columns that hold the whole selection (Read.Columns), the document is
// built from them instead, jsonb_build_object('id', "id", ...), so the view's
// data expression is never computed. The comparisons come in two
// forms, chosen per read (Read.V1):
//
//   - the default (typed.go): each comparison is typed by the declared type
//     of the field it filters (numbers as numeric, booleans, uuid,
//     timestamptz, text), lists compared as jsonb (containment, lengths,
//     element tests), and a field declared with @column compared as that
//     view column, so PostgreSQL can use the base table's index;
//   - --quirks v1.9.7 (plan.go): FraiseQL v1.9.7's statements byte for byte,
//     JSONB text comparisons and jsonb ordering included.
//
// Security defaults: every identifier (view, column, data column) comes from
// the schema model and is quoted, and so does every key of a column-built
// document; every JSON key in the SQL text comes from
// the model's input types, never from the request; every value from the
// request is a bound parameter (typed values are checked against their
// declared type before they are bound). Unknown filter fields or operators,
// values of the wrong type, over-deep or over-large filters are errors
// (ErrInvalidFilter) naming the argument, never SQL text.
package plan
