// Package plan turns a root query field bound to a view into the single SQL
// statement FraiseQL v1.9.7 issues for it:
//
//	SELECT "data"::text FROM "v_user" WHERE <where> AND "tenant_id" = $n
//	    ORDER BY data -> 'role' ASC LIMIT 3 OFFSET 5
//
// with v1's WHERE shapes (JSONB text comparisons, AND/OR/NOT grouping),
// orderBy on jsonb values, and limit/offset inlined as integer literals.
//
// Security defaults: every identifier (view, column, data column) comes from
// the schema model and is quoted; every JSON key in the SQL text comes from
// the model's input types, never from the request; every value from the
// request is a bound parameter, passed as text the way v1 passes str(value).
// Unknown filter fields or operators, over-deep or over-large filters are
// errors (ErrInvalidFilter), never SQL text.
package plan
