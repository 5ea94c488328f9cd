package check

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// Querier is what Run reads the catalog with: *pgx.Conn, *pgxpool.Pool and
// pgx.Tx all satisfy it.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Finding is one mismatch between the declaration and the database.
type Finding struct {
	Loc schema.Location
	Msg string
}

// String is "file:line:column: message", the form editors jump to.
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", f.Loc.File, f.Loc.Line, f.Loc.Column, f.Msg)
}

// CatalogError is a failure to read the catalog (the connection broke, the
// role may not read it): the check could not be made, which is not the
// same as a mismatch.
type CatalogError struct{ Err error }

func (e *CatalogError) Error() string { return "reading the catalog: " + e.Err.Error() }
func (e *CatalogError) Unwrap() error { return e.Err }

// Run checks s against the database db is connected to and returns the
// mismatches by file and position (none: the declaration matches). The error is a
// *CatalogError when the catalog could not be read.
func Run(ctx context.Context, s *schema.Schema, db Querier) ([]Finding, error) {
	c := &checker{ctx: ctx, s: s, db: db, rels: map[string]*relation{}, types: map[string]*sqlType{}}
	if err := c.run(); err != nil {
		return nil, &CatalogError{err}
	}
	SortFindings(c.out)
	return c.out, nil
}

// SortFindings orders findings by file, then position.
func SortFindings(out []Finding) {
	slices.SortStableFunc(out, func(a, b Finding) int {
		if n := cmp.Compare(a.Loc.File, b.Loc.File); n != 0 {
			return n
		}
		if n := cmp.Compare(a.Loc.Line, b.Loc.Line); n != 0 {
			return n
		}
		return cmp.Compare(a.Loc.Column, b.Loc.Column)
	})
}

type checker struct {
	ctx        context.Context
	s          *schema.Schema
	db         Querier
	out        []Finding
	searchPath string
	rels       map[string]*relation // by declared name; nil value: missing
	types      map[string]*sqlType  // declared SQL type name -> the type; nil: unknown
}

func (c *checker) report(loc schema.Location, format string, args ...any) {
	c.out = append(c.out, Finding{Loc: loc, Msg: fmt.Sprintf(format, args...)})
}

// relation is a view (or table, materialized view, foreign table) as the
// catalog describes it.
type relation struct {
	name      string // as PostgreSQL prints it (schema-qualified when not on the search_path)
	kind      string // "view", "table", …
	canSelect bool
	columns   map[string]column
}

type column struct {
	typ      string // format_type without modifiers: "integer", "text[]", "character varying"
	category string // pg_type.typcategory: N numeric, S string, B boolean, D date/time, U user, E enum, A array
	isEnum   bool
}

func (c *checker) run() error {
	if err := c.db.QueryRow(c.ctx, "SELECT current_setting('search_path')").Scan(&c.searchPath); err != nil {
		return err
	}
	return c.all()
}

func (c *checker) all() error {
	for _, cv := range c.s.Contexts {
		t, err := c.sqlType(cv.PgType)
		if err != nil {
			return err
		}
		if t == nil {
			c.report(cv.Loc, "context %q: type %q is not a PostgreSQL type", cv.Name, cv.PgType)
		}
	}
	for _, t := range c.s.Types {
		if t.Builtin || t.Kind != schema.KindObject || t.View == "" {
			continue
		}
		if err := c.viewType(t); err != nil {
			return err
		}
	}
	if q := c.s.Type(c.s.Query); q != nil {
		for _, f := range q.Fields {
			if f.Read != nil {
				if err := c.read(q, f); err != nil {
					return err
				}
			}
		}
	}
	if sub := c.s.Type(c.s.Subscription); sub != nil && c.s.Subscription != "" {
		// A subscription field reads its view for each event, as a @read.
		for _, f := range sub.Fields {
			if f.Read != nil {
				if err := c.read(sub, f); err != nil {
					return err
				}
			}
		}
	}
	if m := c.s.Type(c.s.Mutation); m != nil && c.s.Mutation != "" {
		for _, f := range m.Fields {
			if f.Function != nil {
				if err := c.function(m, f); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// viewType checks a @view type: its view, its data column, its @column fields.
func (c *checker) viewType(t *schema.Type) error {
	rel, err := c.relation(t.View)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("type %q", t.Name)
	if !c.relationOK(t.Loc, subject, t.View, t.DataColumn, rel) {
		return nil
	}
	for _, f := range t.Fields {
		if f.Column == "" {
			continue
		}
		c.columnOK(f.Loc, fmt.Sprintf("field %q", t.Name+"."+f.Name), rel, f.Column, f.Type.NamedType())
	}
	return nil
}

// read checks a @read field (or a subscription's read): a view other than
// its type's (@read(view:)), the scope columns, the argument columns and a
// subscription's id column.
func (c *checker) read(q *schema.Type, f *schema.Field) error {
	b := f.Read
	subject := fmt.Sprintf("field %q", q.Name+"."+f.Name)
	rt := c.s.Type(f.Type.NamedType())
	rel, err := c.relation(b.View)
	if err != nil {
		return err
	}
	if rt == nil || b.View != rt.View || b.DataColumn != rt.DataColumn {
		if !c.relationOK(f.Loc, subject+": @read(view:)", b.View, b.DataColumn, rel) {
			return nil
		}
	} else if _, ok := rel.columnsOrNil()[b.DataColumn]; !ok {
		return nil // reported at the type
	}
	for _, sc := range b.Scopes {
		col, ok := rel.columns[sc.Column]
		if !ok {
			c.report(f.Loc, "%s: @read scope column %q is not a column of %s %s (its columns: %s)", subject, sc.Column, rel.kind, rel.name, rel.columnList())
			continue
		}
		if col.category == "A" || col.typ == "jsonb" || col.typ == "json" {
			c.report(f.Loc, "%s: @read scope column %q of %s is %s; a scope compares a column with one context value", subject, sc.Column, rel.name, col.typ)
			continue
		}
		if err := c.contextBinds(f.Loc, subject, sc.Context, fmt.Sprintf("@read scope column %q of %s", sc.Column, rel.name), col.typ, col.category); err != nil {
			return err
		}
	}
	if sb := f.Subscribe; sb != nil {
		if _, ok := rel.columns[sb.IDColumn]; !ok {
			c.report(f.Loc, "%s: @subscribe idColumn %q is not a column of %s %s (its columns: %s)", subject, sb.IDColumn, rel.kind, rel.name, rel.columnList())
		}
	}
	for _, a := range f.Args {
		if a.Column == "" || a.Name == "where" || a.Name == "orderBy" || a.Name == "limit" || a.Name == "offset" {
			continue
		}
		c.columnOK(a.Loc, fmt.Sprintf("argument %q", q.Name+"."+f.Name+"("+a.Name+":)"), rel, a.Column, a.Type.NamedType())
	}
	return nil
}

// relationOK reports a missing relation, one the role may not read, and a
// missing or mistyped data column; it returns whether columns can be
// checked further.
func (c *checker) relationOK(loc schema.Location, subject, name, data string, rel *relation) bool {
	if rel == nil {
		hint := ""
		if !strings.Contains(name, ".") {
			hint = fmt.Sprintf(" (looked up through search_path %q; qualify it as \"schema.%s\" if it lives elsewhere)", c.searchPath, name)
		}
		c.report(loc, "%s: view %q does not exist%s", subject, name, hint)
		return false
	}
	if !rel.canSelect {
		c.report(loc, "%s: the connecting role may not SELECT from %s %s (GRANT SELECT ON %s TO <role>)", subject, rel.kind, rel.name, rel.name)
	}
	col, ok := rel.columns[data]
	switch {
	case !ok:
		c.report(loc, "%s: %s %s has no data column %q (its columns: %s); name the JSONB column with @view(data:)", subject, rel.kind, rel.name, data, rel.columnList())
		return false
	case col.typ != "jsonb":
		c.report(loc, "%s: data column %q of %s is %s, not jsonb", subject, data, rel.name, col.typ)
	}
	return true
}

// columnOK reports a missing @column and one whose SQL type cannot hold the
// declared GraphQL type's values.
func (c *checker) columnOK(loc schema.Location, subject string, rel *relation, name, gqlType string) {
	col, ok := rel.columns[name]
	if !ok {
		c.report(loc, "%s: column %q is not a column of %s %s (its columns: %s)", subject, name, rel.kind, rel.name, rel.columnList())
		return
	}
	t := c.s.Type(gqlType)
	if t == nil {
		return
	}
	if want, ok := compatible(t, col); !ok {
		c.report(loc, "%s: column %q of %s is %s, which does not hold %s values (expected %s)", subject, name, rel.name, col.typ, gqlType, want)
	}
}

// compatible says whether a column of type col holds the values of the
// GraphQL type t, and what was expected otherwise.
func compatible(t *schema.Type, col column) (string, bool) {
	if t.Kind == schema.KindEnum {
		return "text, varchar or a PostgreSQL enum", col.isEnum || col.category == "S"
	}
	if t.Kind == schema.KindObject {
		// the embedded document itself, in data's own form
		return "jsonb", col.typ == "jsonb"
	}
	var want []string
	switch t.Name {
	case "Int":
		want = []string{"smallint", "integer", "bigint"}
	case "Float":
		want = []string{"real", "double precision", "numeric", "smallint", "integer", "bigint"}
	case "Decimal":
		want = []string{"numeric", "smallint", "integer", "bigint"}
	case "String":
		if col.category == "S" {
			return "", true
		}
		return "text or varchar", false
	case "ID":
		if col.category == "S" || col.category == "N" || col.typ == "uuid" {
			return "", true
		}
		return "text, a number or uuid", false
	case "Boolean":
		want = []string{"boolean"}
	case "UUID":
		want = []string{"uuid"}
	case "DateTime":
		want = []string{"timestamp with time zone", "timestamp without time zone"}
	case "Date":
		want = []string{"date"}
	case "Time":
		want = []string{"time without time zone", "time with time zone"}
	case "JSON":
		want = []string{"jsonb", "json"}
	default:
		return "", true // a type the check does not know: nothing to say
	}
	return strings.Join(want, " or "), slices.Contains(want, col.typ)
}

// mutationResponse is FraiseQL v1's 8-column composite, in order.
var mutationResponse = []struct{ name, typ string }{
	{"status", "text"}, {"message", "text"}, {"entity_id", "text"}, {"entity_type", "text"},
	{"entity", "jsonb"}, {"updated_fields", "text[]"}, {"cascade", "jsonb"}, {"metadata", "jsonb"},
}

// function checks a @function field: a function of that schema and name
// callable with the context values and one jsonb, returning one
// mutation_response row, which the role may execute.
func (c *checker) function(m *schema.Type, f *schema.Field) error {
	b := f.Function
	subject := fmt.Sprintf("field %q", m.Name+"."+f.Name)
	name := b.Schema + "." + b.Name
	call := name + "("
	for _, cv := range b.ContextArgs {
		call += "<context " + cv + ">, "
	}
	call += "<input jsonb>)"
	fns, err := c.functions(b.Schema, b.Name)
	if err != nil {
		return err
	}
	if len(fns) == 0 {
		c.report(f.Loc, "%s: @function %s does not exist; the server calls %s", subject, name, call)
		return nil
	}
	nargs := len(b.ContextArgs) + 1
	var fn *function
	for i := range fns {
		if fns[i].callableWith(nargs) {
			fn = &fns[i]
			break
		}
	}
	if fn == nil {
		sigs := make([]string, len(fns))
		for i, x := range fns {
			sigs[i] = name + "(" + strings.Join(x.args, ", ") + ")"
		}
		c.report(f.Loc, "%s: @function %s cannot be called with %d arguments: the server calls %s, the database has %s", subject, name, nargs, call, strings.Join(sigs, " and "))
		return nil
	}
	sig := name + "(" + strings.Join(fn.args, ", ") + ")"
	if fn.kind == "p" {
		c.report(f.Loc, "%s: %s is a procedure; the server calls a function in SELECT (CREATE FUNCTION … RETURNS mutation_response)", subject, sig)
		return nil
	}
	for i, cv := range b.ContextArgs {
		if fn.variadicArg && i >= len(fn.args)-1 {
			break // the variadic array's elements: not compared
		}
		if err := c.contextBinds(f.Loc, subject, cv, fmt.Sprintf("argument %d of %s", i+1, sig), fn.args[i], fn.argCategories[i]); err != nil {
			return err
		}
	}
	if fn.variadicArg && nargs-1 >= len(fn.args)-1 {
		// The input lands in the variadic array: not compared.
	} else if last := fn.args[nargs-1]; last != "jsonb" && last != "json" {
		c.report(f.Loc, "%s: argument %d of %s is %s; the server passes the input there as jsonb", subject, nargs, sig, last)
	}
	if !fn.canExecute {
		c.report(f.Loc, "%s: the connecting role may not EXECUTE %s (GRANT EXECUTE ON FUNCTION %s TO <role>)", subject, sig, sig)
	}
	switch {
	case fn.retset:
		c.report(f.Loc, "%s: %s returns a set (SETOF %s); it must return one mutation_response row", subject, sig, fn.ret)
	case fn.retAttrs != nil:
		if problem := responseShape(fn.retAttrs); problem != "" {
			c.report(f.Loc, "%s: %s returns %s, %s", subject, sig, fn.ret, problem)
		}
	case fn.ret == "jsonb" || fn.ret == "json":
		// v1's "simple format": the value is the entity of a success.
	default:
		c.report(f.Loc, "%s: %s returns %s; it must return mutation_response (status, message, entity_id, entity_type, entity, updated_fields, cascade, metadata)", subject, sig, fn.ret)
	}
	return nil
}

// responseShape compares a composite's attributes with mutation_response.
func responseShape(attrs []attribute) string {
	if len(attrs) != len(mutationResponse) {
		return fmt.Sprintf("a composite of %d columns; mutation_response has 8 (status text, message text, entity_id text, entity_type text, entity jsonb, updated_fields text[], cascade jsonb, metadata jsonb)", len(attrs))
	}
	for i, want := range mutationResponse {
		if attrs[i].name != want.name || attrs[i].typ != want.typ {
			return fmt.Sprintf("whose column %d is %s %s; mutation_response's is %s %s", i+1, attrs[i].name, attrs[i].typ, want.name, want.typ)
		}
	}
	return ""
}

func (r *relation) columnsOrNil() map[string]column {
	if r == nil {
		return nil
	}
	return r.columns
}

func (r *relation) columnList() string {
	names := make([]string, 0, len(r.columns))
	for n := range r.columns {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// function is one pg_proc row of a name.
type function struct {
	kind          string   // f function, p procedure, a aggregate, w window
	args          []string // input argument types
	argCategories []string // their pg_type.typcategory
	defaults      int
	retset        bool
	ret           string
	retAttrs      []attribute // the composite's columns when it returns one
	canExecute    bool
	variadicArg   bool
}

// callableWith says whether a call with n positional arguments matches:
// parameters without defaults all given, no more than the parameters
// unless the last is VARIADIC (which takes one or more, none only with a
// default).
func (f *function) callableWith(n int) bool {
	return n >= len(f.args)-f.defaults && (f.variadicArg || n <= len(f.args))
}

type attribute struct{ name, typ string }

// quoteIdent quotes a plain identifier as the planner writes it.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// qualified quotes "name" or "schema.name" for to_regclass.
func qualified(name string) string {
	if sch, rel, ok := strings.Cut(name, "."); ok {
		return quoteIdent(sch) + "." + quoteIdent(rel)
	}
	return quoteIdent(name)
}

const relationSQL = `SELECT c.oid::regclass::text,
       CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' ELSE 'table' END,
       has_table_privilege(c.oid, 'SELECT')
  FROM pg_class c
 WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'v', 'm', 'p', 'f')`

const columnsSQL = `SELECT a.attname, format_type(a.atttypid, NULL), t.typcategory::text, t.typtype = 'e'
  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
 WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`

// relation reads a relation and its columns (cached by declared name); nil
// when it does not exist.
func (c *checker) relation(name string) (*relation, error) {
	if r, ok := c.rels[name]; ok {
		return r, nil
	}
	q := qualified(name)
	r := &relation{columns: map[string]column{}}
	err := c.db.QueryRow(c.ctx, relationSQL, q).Scan(&r.name, &r.kind, &r.canSelect)
	if err == pgx.ErrNoRows {
		c.rels[name] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := c.db.Query(c.ctx, columnsSQL, q)
	if err != nil {
		return nil, err
	}
	var col column
	var n string
	if _, err := pgx.ForEachRow(rows, []any{&n, &col.typ, &col.category, &col.isEnum}, func() error {
		r.columns[n] = col
		return nil
	}); err != nil {
		return nil, err
	}
	c.rels[name] = r
	return r, nil
}

const functionsSQL = `SELECT p.prokind::text,
       ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) WITH ORDINALITY AS a(t, i) ORDER BY i),
       ARRAY(SELECT ty.typcategory::text FROM unnest(p.proargtypes) WITH ORDINALITY AS a(t, i) JOIN pg_type ty ON ty.oid = a.t ORDER BY i),
       p.pronargdefaults, p.proretset, format_type(p.prorettype, NULL),
       p.provariadic <> 0,
       has_function_privilege(p.oid, 'EXECUTE'),
       CASE WHEN rt.typtype = 'c' THEN ARRAY(
         SELECT a.attname::text FROM pg_attribute a
          WHERE a.attrelid = rt.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) END,
       CASE WHEN rt.typtype = 'c' THEN ARRAY(
         SELECT format_type(a.atttypid, NULL) FROM pg_attribute a
          WHERE a.attrelid = rt.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) END,
       -- OUT parameters (RETURNS record): their names and types, in order.
       ARRAY(SELECT coalesce(p.proargnames[i], '') FROM generate_subscripts(p.proallargtypes, 1) AS i
              WHERE p.proargmodes[i] IN ('o', 'b', 't') ORDER BY i),
       ARRAY(SELECT format_type(p.proallargtypes[i], NULL) FROM generate_subscripts(p.proallargtypes, 1) AS i
              WHERE p.proargmodes[i] IN ('o', 'b', 't') ORDER BY i)
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_type rt ON rt.oid = p.prorettype
 WHERE n.nspname = $1 AND p.proname = $2
 ORDER BY p.pronargs, p.oid`

func (c *checker) functions(schemaName, name string) ([]function, error) {
	rows, err := c.db.Query(c.ctx, functionsSQL, schemaName, name)
	if err != nil {
		return nil, err
	}
	var out []function
	var f function
	var defaults int16
	var attrs, attrTypes, outs, outTypes []string
	_, err = pgx.ForEachRow(rows, []any{&f.kind, &f.args, &f.argCategories, &defaults, &f.retset, &f.ret, &f.variadicArg, &f.canExecute, &attrs, &attrTypes, &outs, &outTypes}, func() error {
		g := f
		g.defaults = int(defaults)
		g.args = slices.Clone(f.args)
		g.argCategories = slices.Clone(f.argCategories)
		g.retAttrs = nil
		if attrs != nil {
			g.retAttrs = []attribute{}
			for i, a := range attrs {
				g.retAttrs = append(g.retAttrs, attribute{a, attrTypes[i]})
			}
		}
		if g.ret == "record" && len(outs) > 0 {
			g.retAttrs = []attribute{}
			for i, a := range outs {
				g.retAttrs = append(g.retAttrs, attribute{a, outTypes[i]})
			}
		}
		out = append(out, g)
		return nil
	})
	return out, err
}

// sqlType is a type as the catalog names it (format_type without
// modifiers, as columns are printed) and its pg_type.typcategory.
type sqlType struct{ name, category string }

// sqlType resolves a declared SQL type name (cached); nil when unknown.
func (c *checker) sqlType(name string) (*sqlType, error) {
	if t, ok := c.types[name]; ok {
		return t, nil
	}
	var n, cat *string
	if err := c.db.QueryRow(c.ctx, `SELECT format_type(t.oid, NULL), t.typcategory::text
	    FROM pg_type t WHERE t.oid = to_regtype($1)`, name).Scan(&n, &cat); err != nil && err != pgx.ErrNoRows {
		return nil, err
	}
	var t *sqlType
	if n != nil {
		t = &sqlType{*n, *cat}
	}
	c.types[name] = t
	return t, nil
}

// contextBinds reports a context value whose declared type cannot be bound
// where it is used: the server sends the value as text and PostgreSQL
// reads it as the scope column's or the function argument's type, so a
// uuid claim compared with an integer column fails on every request. A
// context of a text type (the default) declares nothing to compare: its
// text is read as whatever it is bound to.
func (c *checker) contextBinds(loc schema.Location, subject, context, where, boundType, boundCategory string) error {
	cv := c.s.Context(context)
	if cv == nil {
		return nil
	}
	declared, err := c.sqlType(cv.PgType)
	if err != nil || declared == nil {
		return err // an unknown type is reported at the context
	}
	if !bindable(*declared, sqlType{boundType, boundCategory}) {
		c.report(loc, "%s: %s is %s, but context %q bound to it is declared %s (@context(type:) at %s:%d:%d); its values cannot be read as %s",
			subject, where, boundType, context, declared.name, cv.Loc.File, cv.Loc.Line, cv.Loc.Column, boundType)
	}
	return nil
}

var integerTypes = []string{"smallint", "integer", "bigint"}

// bindable says whether a value of the declared type d, sent as text, can
// be read as type b.
func bindable(d, b sqlType) bool {
	switch {
	case d.name == b.name,
		d.category == "S", // text: nothing declared
		b.category == "S", // every value has a text form
		d.category == "N" && b.category == "N" && (slices.Contains(integerTypes, d.name) || !slices.Contains(integerTypes, b.name)):
		return true
	}
	timestamps := []string{"timestamp with time zone", "timestamp without time zone"}
	return slices.Contains(timestamps, d.name) && slices.Contains(timestamps, b.name)
}
