// Package check compares a loaded declaration (graphqlexec/schema) with the
// PostgreSQL catalog it will run against: every view a type or a read names
// and its JSONB data column, every @column of a field or read argument and
// its type, every @read scope column, every @function and the argument list
// and return type it is called with, every @context type. Each mismatch is a
// Finding at the declaration's file:line:column, worded for the person who
// fixes either side.
//
// It only reads the catalog (pg_class, pg_attribute, pg_proc, pg_type and the
// privilege functions), with the connecting role and its search_path, the
// way the server's statements will resolve the same names. It never runs a
// declared view or function and never changes anything.
//
// Security: every name is passed to PostgreSQL as a bound parameter (quoted
// for to_regclass and to_regtype), never concatenated into SQL text.
package check
