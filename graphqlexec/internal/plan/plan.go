package plan

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// Limits on filter objects: a request cannot make the planner build an
// unbounded statement.
const (
	MaxFilterDepth      = 32
	MaxFilterConditions = 1000
)

// ErrInvalidFilter is wrapped by every error about a where or orderBy value.
var ErrInvalidFilter = errors.New("invalid filter")

// Error is a planning error whose Message is shown to the client.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return ErrInvalidFilter }

func errorf(format string, args ...any) error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// Param is one bound parameter: a text value (v1 binds str(value)), SQL
// NULL, or a per-request context value resolved at execution.
type Param struct {
	Text    string
	Null    bool
	Context string // name of a schema.ContextValue; Text and Null unused
}

// Statement is a planned SQL statement. Its text depends only on the schema
// and the shape of the arguments, never on a request value.
type Statement struct {
	SQL    string
	Params []Param
}

// Equality is a declared argument compared with a view column (v1's
// find(**kwargs)).
type Equality struct {
	Column string
	Value  pyjson.Value
}

// Read is one root field read with its coerced arguments. Where and OrderBy
// members must be in the input types' declaration order (as graphql-core's
// coercion leaves them), except inside NOT, which is a JSON scalar and keeps
// the client's order.
type Read struct {
	Binding     *schema.ReadBinding
	Where       *pyjson.Value
	WhereType   *schema.Type // <T>WhereInput
	OrderBy     *pyjson.Value
	OrderByType *schema.Type // <T>OrderByInput
	Limit       *int64
	Offset      *int64
	Equalities  []Equality
	// V1 plans v1.9.7's text comparisons and jsonb ordering (--quirks
	// v1.9.7); otherwise comparisons are typed by the declared field types
	// and declared columns are compared directly (typed.go).
	V1 bool
	// Columns, when set, replaces the document by one built from these view
	// columns alone: jsonb_build_object('key', "column", ...). The caller
	// sets it when every field the selection reads is declared with
	// @column on the view's own type; PostgreSQL then never computes the
	// view's data expression (an inlined view's unused output is not
	// evaluated), which for a v_ view is most of a read's cost.
	Columns []Column
}

// Column is one key of a document built from view columns.
type Column struct {
	JSONKey string
	Name    string
}

// Build plans the statement of one read against schema s.
func Build(s *schema.Schema, r *Read) (*Statement, error) {
	b := r.Binding
	dataCol := b.DataColumn
	if dataCol == "" {
		dataCol = "data"
	}
	p := &planner{s: s, dataCol: quoteIdent(dataCol), v1: r.V1}
	if !r.V1 && r.WhereType != nil {
		// Declared columns belong to the type's own view: a read of another
		// view (@read(view:)) compares the document only.
		if t := s.Type(r.WhereType.GeneratedFor); t != nil && t.View == b.View {
			p.columns = true
		}
	} else if !r.V1 && r.OrderByType != nil {
		if t := s.Type(r.OrderByType.GeneratedFor); t != nil && t.View == b.View {
			p.columns = true
		}
	}
	var sb strings.Builder
	sb.WriteString("SELECT ")
	if len(r.Columns) > 0 {
		// jsonb, not json: the text form (key order, spacing, numbers) is
		// the one the view's jsonb document has.
		sb.WriteString("jsonb_build_object(")
		for i, c := range r.Columns {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(quoteLiteral(c.JSONKey))
			sb.WriteString(", ")
			sb.WriteString(quoteIdent(c.Name))
		}
		sb.WriteString(")")
	} else {
		sb.WriteString(p.dataCol)
	}
	sb.WriteString("::text FROM ")
	sb.WriteString(quoteQualified(b.View))

	var parts []string
	if r.Where != nil && r.Where.Kind == pyjson.Object && len(r.Where.Members) > 0 {
		if r.WhereType == nil {
			return nil, errorf("field has no where argument")
		}
		c, err := p.normalize(r.Where, r.WhereType, nil, "", 0)
		if err != nil {
			return nil, err
		}
		if s := p.render(c); s != "" {
			parts = append(parts, s)
		}
	}
	for _, eq := range r.Equalities {
		if eq.Value.Kind == pyjson.Null {
			parts = append(parts, quoteIdent(eq.Column)+" IS NULL")
			continue
		}
		parts = append(parts, quoteIdent(eq.Column)+" = "+p.param(Param{Text: ParamText(&eq.Value)}))
	}
	for _, sc := range b.Scopes {
		parts = append(parts, quoteIdent(sc.Column)+" = "+p.param(Param{Context: sc.Context}))
	}
	if len(parts) > 0 {
		sb.WriteString(" WHERE ")
		sb.WriteString(strings.Join(parts, " AND "))
	}
	if r.OrderBy != nil && r.OrderBy.Kind != pyjson.Null {
		terms, err := p.orderBy(r.OrderBy, r.OrderByType)
		if err != nil {
			return nil, err
		}
		if len(terms) > 0 {
			sb.WriteString(" ORDER BY ")
			sb.WriteString(strings.Join(terms, ", "))
		}
	}
	if b.Single {
		sb.WriteString(" LIMIT 1")
	} else {
		if r.Limit != nil {
			sb.WriteString(" LIMIT ")
			sb.WriteString(strconv.FormatInt(*r.Limit, 10))
		}
		if r.Offset != nil {
			sb.WriteString(" OFFSET ")
			sb.WriteString(strconv.FormatInt(*r.Offset, 10))
		}
	}
	return &Statement{SQL: sb.String(), Params: p.params}, nil
}

type planner struct {
	s          *schema.Schema
	dataCol    string
	params     []Param
	conditions int
	v1         bool // v1.9.7's text comparisons
	columns    bool // declared columns of the read's view may be compared
}

func (p *planner) param(v Param) string {
	p.params = append(p.params, v)
	return "$" + strconv.Itoa(len(p.params))
}

// clause is v1's WhereClause: conditions, nested clauses (parenthesised) and
// an optional NOT clause, joined with AND or OR, rendered in that order.
type clause struct {
	conds  []*condition
	nested []*clause
	not    *clause
	or     bool
}

func (c *clause) empty() bool { return len(c.conds) == 0 && len(c.nested) == 0 && c.not == nil }

type condition struct {
	path []string // JSON keys from the model, outermost first
	op   string   // v1 operator name (typed: typedOps' name)
	val  *pyjson.Value
	// Typed form only: the argument path for messages (age.gt), the field
	// as typed, and the parameter texts checked at planning.
	arg   string
	typed *typedField
	texts []string
}

// normalize follows v1's normalize_dict_where over a where object of type t
// (a generated <T>WhereInput); path is the JSON path of a nested object.
func (p *planner) normalize(obj *pyjson.Value, t *schema.Type, path []string, arg string, depth int) (*clause, error) {
	if depth > MaxFilterDepth {
		return nil, errorf("Argument 'where' is nested deeper than %d levels", MaxFilterDepth)
	}
	c := &clause{}
	for i := range obj.Members {
		m := &obj.Members[i]
		switch m.Key {
		case "OR":
			if m.Value.Kind != pyjson.Array {
				continue // v1 ignores a non-list OR
			}
			or := &clause{or: true}
			for j := range m.Value.Items {
				item, err := p.whereItem(&m.Value.Items[j], t, path, fmt.Sprintf("%s%s[%d]", arg, m.Key, j), depth)
				if err != nil {
					return nil, err
				}
				or.nested = append(or.nested, item)
			}
			if len(or.nested) > 0 {
				c.nested = append(c.nested, or)
			}
			continue
		case "AND":
			if m.Value.Kind != pyjson.Array {
				continue
			}
			for j := range m.Value.Items {
				item, err := p.whereItem(&m.Value.Items[j], t, path, fmt.Sprintf("%s%s[%d]", arg, m.Key, j), depth)
				if err != nil {
					return nil, err
				}
				if len(item.nested) > 0 || item.not != nil {
					c.nested = append(c.nested, item)
				} else {
					c.conds = append(c.conds, item.conds...)
				}
			}
			continue
		case "NOT":
			if m.Value.Kind != pyjson.Object {
				continue
			}
			not, err := p.whereItem(&m.Value, t, path, arg+"NOT", depth)
			if err != nil {
				return nil, err
			}
			c.not = not
			continue
		}
		f := lookupInput(t, m.Key)
		if f == nil {
			return nil, errorf("Unknown filter field '%s' on %s.", m.Key, t.Name)
		}
		if m.Value.Kind == pyjson.Null {
			continue
		}
		ft := p.namedInput(f.Type)
		if ft == nil {
			return nil, errorf("Field '%s' of %s cannot be filtered.", m.Key, t.Name)
		}
		fpath := append(append([]string(nil), path...), f.JSONKey)
		if ft.Generated == schema.GeneratedWhere {
			if m.Value.Kind != pyjson.Object {
				return nil, errorf("Filter on '%s' must be an object.", m.Key)
			}
			sub, err := p.normalize(&m.Value, ft, fpath, arg+m.Key+".", depth+1)
			if err != nil {
				return nil, err
			}
			c.conds = append(c.conds, sub.conds...)
			c.nested = append(c.nested, sub.nested...)
			if sub.not != nil {
				c.not = sub.not
			}
			continue
		}
		ops := &m.Value
		if ops.Kind != pyjson.Object {
			// v1 wraps a bare value as {"eq": value}.
			ops = &pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{{Key: "eq", Value: m.Value}}}
		}
		for j := range ops.Members {
			om := &ops.Members[j]
			if om.Value.Kind == pyjson.Null {
				continue
			}
			if ft.InputField(om.Key) == nil {
				return nil, errorf("Unknown operator '%s' for field '%s'.", om.Key, m.Key)
			}
			table := typedOps
			if p.v1 {
				table = operators
			}
			op, ok := table[om.Key]
			if !ok {
				return nil, errorf("Invalid operator '%s'.", snake(om.Key))
			}
			if p.conditions++; p.conditions > MaxFilterConditions {
				return nil, errorf("Argument 'where' has more than %d conditions", MaxFilterConditions)
			}
			cond := &condition{path: fpath, op: op, val: &om.Value, arg: arg + m.Key + "." + om.Key}
			if !p.v1 {
				if err := p.typeCondition(cond, f, len(fpath) == 1); err != nil {
					return nil, err
				}
			}
			c.conds = append(c.conds, cond)
		}
	}
	return c, nil
}

func (p *planner) whereItem(v *pyjson.Value, t *schema.Type, path []string, arg string, depth int) (*clause, error) {
	if v.Kind != pyjson.Object || len(v.Members) == 0 {
		return nil, errorf("WHERE clause cannot be empty dict")
	}
	c, err := p.normalize(v, t, path, arg+".", depth+1)
	if err != nil {
		return nil, err
	}
	if c.empty() {
		return nil, errorf("WhereClause must have at least one condition, nested clause, or NOT clause")
	}
	return c, nil
}

// render writes a clause as v1's WhereClause.to_sql does, numbering the
// parameters in text order.
func (p *planner) render(c *clause) string {
	var parts []string
	for _, cond := range c.conds {
		if cond.typed != nil {
			parts = append(parts, p.renderTyped(cond))
			continue
		}
		parts = append(parts, p.renderCondition(cond))
	}
	for _, n := range c.nested {
		if s := p.render(n); s != "" {
			parts = append(parts, "("+s+")")
		}
	}
	if c.not != nil {
		if s := p.render(c.not); s != "" {
			parts = append(parts, "NOT ("+s+")")
		}
	}
	sep := " AND "
	if c.or {
		sep = " OR "
	}
	return strings.Join(parts, sep)
}

// operators maps the GraphQL operator names the planner supports to v1's
// operator names. Other operators of the generated filter types are
// rejected, as v1 rejects them (or fails in PostgreSQL) on JSONB paths.
var operators = map[string]string{
	"eq": "eq", "neq": "neq", "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte",
	"in": "in", "nin": "nin", "isnull": "isnull",
	"contains": "contains", "icontains": "icontains",
	"startswith": "startswith", "istartswith": "istartswith",
	"endswith": "endswith", "iendswith": "iendswith",
	"like": "like", "ilike": "ilike",
}

var comparison = map[string]string{"eq": "=", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}

func (p *planner) renderCondition(c *condition) string {
	var b strings.Builder
	b.WriteString(p.dataCol)
	for i, k := range c.path {
		if i == len(c.path)-1 {
			b.WriteString(" ->> ")
		} else {
			b.WriteString(" -> ")
		}
		b.WriteString(quoteLiteral(k))
	}
	switch c.op {
	case "in", "nin":
		if c.op == "in" {
			b.WriteString(" IN (")
		} else {
			b.WriteString(" NOT IN (")
		}
		items := []pyjson.Value{*c.val}
		if c.val.Kind == pyjson.Array {
			items = c.val.Items
		}
		for i := range items {
			if i > 0 {
				b.WriteString(", ")
			}
			if items[i].Kind == pyjson.Null {
				b.WriteString(p.param(Param{Null: true}))
			} else {
				b.WriteString(p.param(Param{Text: ParamText(&items[i])}))
			}
		}
		if len(items) == 0 {
			b.WriteString("NULL") // IN () is a syntax error; IN (NULL) matches nothing
		}
		b.WriteByte(')')
	case "isnull":
		if truthy(c.val) {
			b.WriteString(" IS NULL")
		} else {
			b.WriteString(" IS NOT NULL")
		}
	case "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "like", "ilike":
		if c.op[0] == 'i' {
			b.WriteString(" ILIKE ")
		} else {
			b.WriteString(" LIKE ")
		}
		var pat strings.Builder
		pre, post := "", ""
		switch strings.TrimPrefix(c.op, "i") {
		case "contains":
			pre, post = "%", "%"
		case "startswith":
			post = "%"
		case "endswith":
			pre = "%"
		}
		pat.WriteString(pre)
		pat.WriteString(pyjson.StrOf(c.val))
		pat.WriteString(post)
		b.WriteString(p.param(Param{Text: pat.String()}))
	default:
		b.WriteByte(' ')
		b.WriteString(comparison[c.op])
		b.WriteByte(' ')
		b.WriteString(p.param(Param{Text: ParamText(c.val)}))
	}
	return b.String()
}

// ParamText is the text v1 binds for a comparison value: str(value), with
// booleans lower-cased.
func ParamText(v *pyjson.Value) string {
	if v.Kind == pyjson.Bool {
		if v.Bool {
			return "true"
		}
		return "false"
	}
	return pyjson.StrOf(v)
}

func truthy(v *pyjson.Value) bool {
	switch v.Kind {
	case pyjson.Null:
		return false
	case pyjson.Bool:
		return v.Bool
	case pyjson.Int, pyjson.Float:
		f, _ := strconv.ParseFloat(v.Num, 64)
		return f != 0
	case pyjson.String:
		return v.Str != ""
	case pyjson.Array:
		return len(v.Items) > 0
	}
	return len(v.Members) > 0
}

// orderBy renders v1's ORDER BY terms: data -> 'key' ASC, nested objects as
// a longer jsonb path.
func (p *planner) orderBy(v *pyjson.Value, t *schema.Type) ([]string, error) {
	if t == nil {
		return nil, errorf("field has no orderBy argument")
	}
	items := []pyjson.Value{*v}
	if v.Kind == pyjson.Array {
		items = v.Items
	}
	var terms []string
	for i := range items {
		if items[i].Kind == pyjson.Null {
			continue
		}
		if items[i].Kind != pyjson.Object {
			return nil, errorf("orderBy items must be objects")
		}
		var err error
		if terms, err = p.orderTerms(terms, &items[i], t, nil, 0); err != nil {
			return nil, err
		}
	}
	return terms, nil
}

func (p *planner) orderTerms(terms []string, obj *pyjson.Value, t *schema.Type, path []string, depth int) ([]string, error) {
	if depth > MaxFilterDepth {
		return nil, errorf("Argument 'orderBy' is nested deeper than %d levels", MaxFilterDepth)
	}
	for i := range obj.Members {
		m := &obj.Members[i]
		f := t.InputField(m.Key)
		if f == nil {
			return nil, errorf("Unknown orderBy field '%s' on %s.", m.Key, t.Name)
		}
		if m.Value.Kind == pyjson.Null {
			continue
		}
		fpath := append(append([]string(nil), path...), f.JSONKey)
		if ft := p.namedInput(f.Type); ft != nil && ft.Kind == schema.KindInputObject {
			if m.Value.Kind != pyjson.Object {
				return nil, errorf("orderBy on '%s' must be an object.", m.Key)
			}
			var err error
			if terms, err = p.orderTerms(terms, &m.Value, ft, fpath, depth+1); err != nil {
				return nil, err
			}
			continue
		}
		var dir string
		switch {
		case m.Value.Kind == pyjson.String && (m.Value.Str == "ASC" || m.Value.Str == "DESC"):
			dir = m.Value.Str
		default:
			return nil, errorf("orderBy direction of '%s' must be ASC or DESC.", m.Key)
		}
		if len(terms) >= MaxFilterConditions {
			return nil, errorf("Argument 'orderBy' has more than %d terms", MaxFilterConditions)
		}
		if !p.v1 {
			if term := p.typedOrderTerm(f, fpath, dir); term != "" {
				terms = append(terms, term)
				continue
			}
		}
		var b strings.Builder
		if p.dataCol == `"data"` {
			b.WriteString("data") // v1 writes the jsonb column unquoted here
		} else {
			b.WriteString(p.dataCol)
		}
		for _, k := range fpath {
			b.WriteString(" -> ")
			b.WriteString(quoteLiteral(k))
		}
		b.WriteByte(' ')
		b.WriteString(dir)
		terms = append(terms, b.String())
	}
	return terms, nil
}

// lookupInput finds a where field by GraphQL name, or, as v1 accepts in
// JSON filters, by its snake_case JSON key when the key has an underscore.
func lookupInput(t *schema.Type, key string) *schema.InputValue {
	if f := t.InputField(key); f != nil {
		if f.Name == "OR" || f.Name == "AND" || f.Name == "NOT" {
			return nil
		}
		return f
	}
	if strings.Contains(key, "_") {
		for _, f := range t.InputFields {
			if f.JSONKey == key && f.JSONKey != "" {
				return f
			}
		}
	}
	return nil
}

// namedInput resolves the input object type of an input field; nil for
// scalars and enums.
func (p *planner) namedInput(r *schema.TypeRef) *schema.Type {
	t := p.s.Type(r.NamedType())
	if t == nil || t.Kind != schema.KindInputObject {
		return nil
	}
	return t
}

// snake converts an operator's GraphQL name to v1's snake_case name.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// quoteQualified quotes a view name, each part of a schema-qualified one
// ("app.v_user" → "app"."v_user"); the loader allows at most one dot
// between plain identifiers.
func quoteQualified(s string) string {
	if sch, name, ok := strings.Cut(s, "."); ok {
		return quoteIdent(sch) + "." + quoteIdent(name)
	}
	return quoteIdent(s)
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
