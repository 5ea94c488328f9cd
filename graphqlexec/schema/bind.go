package schema

import (
	"fmt"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

// schemaContexts reads the @context directives of the schema definition.
func (l *loader) schemaContexts() []*ContextValue {
	if l.schemaDef == nil {
		return nil
	}
	l.directives("schema", l.schemaDef.Directives, locSchema)
	var out []*ContextValue
	seen := map[string]bool{}
	for i := range l.schemaDef.Directives {
		d := &l.schemaDef.Directives[i]
		if d.Name.Value != "context" {
			continue
		}
		loc := l.pos(d.Name.Pos)
		c := &ContextValue{Loc: loc, PgType: "text"}
		c.Name = l.identArg("schema", d, "name", true)
		if c.Name == "" {
			continue
		}
		if seen[c.Name] {
			l.errorf(loc, "schema: context %q is declared twice", c.Name)
			continue
		}
		seen[c.Name] = true
		c.Claim, _ = strArg(d, "claim")
		if v, ok := strArg(d, "default"); ok {
			c.Default = &v
		}
		if _, ok := strArg(d, "type"); ok {
			c.PgType = l.identArg("schema", d, "type", false)
		}
		if v, ok := strArg(d, "sessionVariable"); ok {
			if !ValidSessionVarName(v) {
				l.errorf(loc, "schema: context %q: sessionVariable %q must be a custom setting name like \"app.tenant_id\" (two parts of [a-z_][a-z0-9_]*)", c.Name, v)
			} else {
				c.SessionVariable = v
			}
		}
		out = append(out, c)
	}
	return out
}

func (l *loader) contextDeclared(name string) bool {
	for _, c := range l.contexts {
		if c.Name == name {
			return true
		}
	}
	return false
}

// resultTypes appends the fields FraiseQL v1's @success and @error
// decorators add after the declared ones. A field the user declared under
// the same name stays where it was declared and is not added again.
func (l *loader) resultTypes() {
	str := func() *TypeRef { return &TypeRef{Named: "String"} }
	auto := map[ResultRole][]*Field{
		RoleSuccess: {
			{Name: "status", Type: str()},
			{Name: "message", Type: str()},
			{Name: "updatedFields", Type: &TypeRef{List: true, OfType: str()}},
			{Name: "id", Type: str()},
		},
		RoleError: {
			{Name: "status", Type: str()},
			{Name: "message", Type: str()},
			{Name: "errors", Type: &TypeRef{List: true, OfType: &TypeRef{Named: "Error"}}},
			{Name: "code", Type: &TypeRef{Named: "Int"}},
		},
	}
	for _, t := range l.order {
		for _, tmpl := range auto[t.Role] {
			if t.fieldIndex[tmpl.Name] != nil {
				continue
			}
			f := &Field{Name: tmpl.Name, Type: tmpl.Type, JSONKey: SnakeCase(tmpl.Name), Auto: true, Loc: t.Loc}
			t.Fields = append(t.Fields, f)
			t.fieldIndex[f.Name] = f
		}
	}
}

// bindQuery checks the @read bindings and gives list reads their generated
// where/orderBy/limit/offset arguments.
func (l *loader) bindQuery() {
	for _, t := range l.order {
		if t.Kind != KindObject {
			continue
		}
		for _, f := range t.Fields {
			path := t.Name + "." + f.Name
			subject := fmt.Sprintf("field %q", path)
			switch {
			case f.Read != nil && t.Name != l.query:
				l.errorf(f.Loc, "%s: @read belongs on fields of the query root %q", subject, l.query)
				f.Read = nil
			case f.Function != nil && t.Name != l.mutation:
				l.errorf(f.Loc, "%s: @function belongs on fields of the mutation root", subject)
				f.Function = nil
			case t.Name == l.query && f.Read == nil:
				l.errorf(f.Loc, "%s: a query field needs @read (every root query field reads a view)", subject)
			case f.Subscribe != nil && t.Name != l.subscription:
				l.errorf(f.Loc, "%s: @subscribe belongs on fields of the subscription root (a type named Subscription)", subject)
				f.Subscribe = nil
			case t.Name == l.mutation && f.Function == nil:
				l.errorf(f.Loc, "%s: a mutation field needs @function (every mutation calls a PostgreSQL function)", subject)
			case t.Name == l.subscription && f.Subscribe == nil:
				l.errorf(f.Loc, "%s: a subscription field needs @subscribe (every subscription follows the change events of a view's rows)", subject)
			case t.Name != l.query && t.Name != l.mutation && t.Name != l.subscription && len(f.Args) > 0:
				l.errorf(f.Args[0].Loc, "%s: only root fields take arguments", subject)
			}
			l.checkFieldColumn(t, f, subject)
			if t.Name != l.query && t.Name != l.subscription {
				for _, a := range f.Args {
					if a.Column != "" {
						l.errorf(a.Loc, "argument %q: @column belongs on arguments of @read and @subscribe fields", path+"("+a.Name+":)")
					}
				}
			}
			if f.Read != nil {
				l.bindRead(t, f, subject)
			}
		}
	}
}

func (l *loader) bindRead(root *Type, f *Field, subject string) {
	d := l.readDirs[f]
	rt := l.lookup(f.Type.NamedType())
	if rt == nil {
		return // reported by checkRefs
	}
	if rt.Kind != KindObject || rt.View == "" {
		l.errorf(f.Loc, "%s: @read on a field returning %q, which has no @view", subject, rt.Name)
		return
	}
	list := f.Type.IsList()
	if list && listDepth(f.Type) > 1 {
		l.errorf(f.Loc, "%s: @read returns a list of lists; a read returns one object or a list of them", subject)
		return
	}
	b := f.Read
	b.View, b.DataColumn, b.Single = rt.View, rt.DataColumn, !list
	if _, ok := strArg(d, "view"); ok {
		if id := l.viewArg(subject, d, "view", false); id != "" {
			b.View = id
		}
	}
	if ov, ok := arg(d, "scope").(*language.ObjectValue); ok {
		for _, of := range ov.Fields {
			col := of.Name.Value
			loc := l.pos(of.Name.Pos)
			sv, _ := of.Value.(*language.StringValue)
			if sv == nil {
				continue // shape reported already
			}
			switch {
			case !isIdent(col):
				l.errorf(loc, "%s: @read scope column %q is not a plain identifier", subject, col)
			case !l.contextDeclared(sv.Value):
				l.errorf(loc, "%s: @read scope uses context %q, which is not declared (declare it with @context on the schema)", subject, sv.Value)
			default:
				b.Scopes = append(b.Scopes, Scope{Column: col, Context: sv.Value})
			}
		}
	}
	for _, a := range f.Args {
		if a.Column == "" {
			a.Column = SnakeCase(a.Name)
			if !isIdent(a.Column) {
				l.errorf(a.Loc, "argument %q: its column %q is not a plain identifier; name one with @column(name:)", root.Name+"."+f.Name+"("+a.Name+":)", a.Column)
			}
		}
		if list {
			switch a.Name {
			case "where", "orderBy", "limit", "offset":
				l.errorf(a.Loc, "argument %q: %s is generated for list reads and cannot be declared", root.Name+"."+f.Name+"("+a.Name+":)", a.Name)
			}
		}
	}
	if !list {
		return
	}
	where := l.whereInput(rt)
	order := l.orderByInput(rt)
	if where == nil || order == nil {
		return
	}
	named := func(n string) *TypeRef { return &TypeRef{Named: n} }
	f.Args = append(f.Args,
		&InputValue{Name: "where", Type: named(where.Name), JSONKey: "where", Loc: f.Loc},
		&InputValue{Name: "orderBy", Type: &TypeRef{List: true, OfType: named(order.Name)}, JSONKey: "order_by", Loc: f.Loc},
		&InputValue{Name: "limit", Type: named("Int"), JSONKey: "limit", Loc: f.Loc},
		&InputValue{Name: "offset", Type: named("Int"), JSONKey: "offset", Loc: f.Loc},
	)
	b.HasWhere, b.HasOrderBy, b.HasLimit, b.HasOffset = true, true, true, true
}

func listDepth(r *TypeRef) int {
	n := 0
	for ; r != nil; r = r.OfType {
		if r.List {
			n++
		}
	}
	return n
}

// bindMutation checks the @function bindings: a PostgreSQL function, the
// context values passed before the input, one input-object argument, and a
// result union of one @success and one @error type.
func (l *loader) bindMutation() {
	mt := l.declared[l.mutation]
	if l.mutation == "" || mt == nil {
		return
	}
	for _, f := range mt.Fields {
		if f.Function == nil {
			continue
		}
		subject := fmt.Sprintf("field %q", mt.Name+"."+f.Name)
		d := l.funcDirs[f]
		b := f.Function
		b.Name = l.identArg(subject, d, "name", true)
		b.Schema = "public"
		if _, ok := strArg(d, "schema"); ok {
			b.Schema = l.identArg(subject, d, "schema", false)
		}
		if lv, ok := arg(d, "context").(*language.ListValue); ok {
			for _, item := range lv.Values {
				sv, _ := item.(*language.StringValue)
				if sv == nil {
					continue
				}
				if !l.contextDeclared(sv.Value) {
					l.errorf(l.pos(sv.Pos), "%s: @function context %q is not declared (declare it with @context on the schema)", subject, sv.Value)
					continue
				}
				b.ContextArgs = append(b.ContextArgs, sv.Value)
			}
		}
		if len(f.Args) != 1 {
			l.errorf(f.Loc, "%s: a @function field takes exactly one argument, an input object (input: XInput!)", subject)
		} else if at := l.lookup(f.Args[0].Type.NamedType()); at != nil && (at.Kind != KindInputObject || f.Args[0].Type.IsList()) {
			l.errorf(f.Args[0].Loc, "%s: the argument %q must be an input object type", subject, f.Args[0].Name)
		} else {
			b.InputArg = f.Args[0].Name
		}
		rt := l.lookup(f.Type.NamedType())
		if rt == nil {
			continue
		}
		if rt.Kind != KindUnion || f.Type.IsList() {
			l.errorf(f.Loc, "%s: @function needs a return type that is a union of one @success and one @error type; %q is not a union", subject, f.Type.String())
			continue
		}
		var succ, errs []string
		for _, m := range rt.PossibleTypes {
			if mtp := l.lookup(m); mtp != nil && mtp.Role == RoleSuccess {
				succ = append(succ, m)
			} else if mtp != nil && mtp.Role == RoleError {
				errs = append(errs, m)
			}
		}
		if len(rt.PossibleTypes) == 2 && len(succ) == 1 && len(errs) == 1 {
			b.Success, b.Error = succ[0], errs[0]
		} else {
			l.errorf(f.Loc, "%s: @function needs a return type that is a union of one @success and one @error type; union %q is not", subject, rt.Name)
			b.Success, b.Error = "", ""
		}
	}
}

// validSessionVariable accepts custom setting names "prefix.name" with
// each part [a-z_][a-z0-9_]*: never a built-in setting (those have no dot),
// never text that needs quoting.
// ValidSessionVarName reports whether name can be set as a session
// variable: a custom setting "prefix.name", each part [a-z_][a-z0-9_]* of at
// most 63 bytes (PostgreSQL's NAMEDATALEN-1). Built-in settings
// (search_path, role, statement_timeout…) have no dot, so neither a
// declaration nor a request can change them this way; lower case only,
// because PostgreSQL folds setting names and two spellings of one name
// would be confusing. It is the one rule for every session variable: the
// declaration's @context(sessionVariable:), the server's claim mappings and
// a request's SessionVars.
func ValidSessionVarName(name string) bool {
	prefix, rest, ok := strings.Cut(name, ".")
	return ok && sessionNamePart(prefix) && sessionNamePart(rest)
}

func sessionNamePart(s string) bool {
	return len(s) <= 63 && lowerIdent(s)
}

func lowerIdent(s string) bool {
	return isIdent(s) && strings.ToLower(s) == s
}
