package schema

import (
	"fmt"
	"slices"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

// bindSubscription checks the @subscribe bindings of the subscription
// root's fields:
//
//	postUpdated(id: UUID): Post @subscribe(scope: {tenant_id: "tenant_id"}, operations: ["UPDATE"])
//
// Each field returns one object of a @view type (or names a view with
// view:); each declared argument compares a view column (the return type's
// field of that name with @column, the id column, or the argument's own
// @column(name:)); a where argument of the return type's <T>WhereInput is
// generated, as for list reads. The field gets a single-row ReadBinding that
// every event runs with the event's id added.
func (l *loader) bindSubscription() {
	st := l.declared[l.subscription]
	if l.subscription == "" || st == nil {
		return
	}
	for _, f := range st.Fields {
		if f.Subscribe == nil {
			continue
		}
		l.bindSubscribe(st, f, fmt.Sprintf("field %q", st.Name+"."+f.Name))
	}
}

// subscribeOps are the operations a subscription may follow, in the order
// they are listed by default.
var subscribeOps = []string{"INSERT", "UPDATE"}

func (l *loader) bindSubscribe(root *Type, f *Field, subject string) {
	d := l.subDirs[f]
	b := f.Subscribe
	rt := l.lookup(f.Type.NamedType())
	if rt == nil {
		return // reported by checkRefs
	}
	if f.Type.IsList() {
		l.errorf(f.Loc, "%s: a subscription returns one object per event, not a list (%s)", subject, f.Type)
		return
	}
	if rt.Kind != KindObject || rt.Role != RoleNone {
		l.errorf(f.Loc, "%s: @subscribe on a field returning %q, which is not an object type with @view", subject, rt.Name)
		return
	}
	view := rt.View
	if _, ok := strArg(d, "view"); ok {
		view = l.viewArg(subject, d, "view", false)
		if view == "" {
			return // reported by viewArg
		}
	}
	if view == "" {
		l.errorf(f.Loc, "%s: @subscribe on a field returning %q, which has no @view: give the type @view(name:) or name the view with @subscribe(view:)", subject, rt.Name)
		return
	}
	b.Entity = rt.Name
	if v, ok := strArg(d, "entity"); ok {
		if !isIdent(v) || len(v) > 63 {
			l.errorf(l.pos(d.Name.Pos), "%s: @subscribe(entity: %q): the entity is the name given to fraiseql_notify_install, a GraphQL type name of at most 63 characters", subject, v)
			return
		}
		b.Entity = v
	}
	b.IDColumn = "id"
	if _, ok := strArg(d, "idColumn"); ok {
		b.IDColumn = l.identArg(subject, d, "idColumn", false)
		if b.IDColumn == "" {
			return
		}
	}
	if lv, ok := arg(d, "operations").(*language.ListValue); ok {
		for _, item := range lv.Values {
			sv, _ := item.(*language.StringValue)
			if sv == nil {
				continue // shape reported already
			}
			switch {
			case sv.Value == "DELETE":
				l.errorf(l.pos(sv.Pos), "%s: @subscribe operations: DELETE cannot be followed: the row is gone and cannot be read back under the subscriber's context", subject)
			case !slices.Contains(subscribeOps, sv.Value):
				l.errorf(l.pos(sv.Pos), "%s: @subscribe operations: unknown operation %q (the operations are \"INSERT\" and \"UPDATE\")", subject, sv.Value)
			case slices.Contains(b.Operations, sv.Value):
				l.errorf(l.pos(sv.Pos), "%s: @subscribe operations: %q is listed twice", subject, sv.Value)
			default:
				b.Operations = append(b.Operations, sv.Value)
			}
		}
		if len(lv.Values) == 0 {
			l.errorf(l.pos(lv.Pos), "%s: @subscribe operations: the list is empty; leave it out to follow INSERT and UPDATE", subject)
		}
	} else {
		b.Operations = slices.Clone(subscribeOps)
	}
	read := &ReadBinding{View: view, DataColumn: rt.DataColumn, Single: true}
	if read.DataColumn == "" {
		read.DataColumn = "data"
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
				l.errorf(loc, "%s: @subscribe scope column %q is not a plain identifier", subject, col)
			case !l.contextDeclared(sv.Value):
				l.errorf(loc, "%s: @subscribe scope uses context %q, which is not declared (declare it with @context on the schema)", subject, sv.Value)
			default:
				read.Scopes = append(read.Scopes, Scope{Column: col, Context: sv.Value})
			}
		}
	}
	for _, a := range f.Args {
		path := root.Name + "." + f.Name + "(" + a.Name + ":)"
		if a.Name == "where" {
			l.errorf(a.Loc, "argument %q: where is generated for subscription fields and cannot be declared", path)
			continue
		}
		if a.Type.IsList() {
			l.errorf(a.Loc, "argument %q: a subscription argument compares one view column with one value, not a list", path)
			continue
		}
		if at := l.lookup(a.Type.NamedType()); at != nil && at.Kind == KindInputObject {
			l.errorf(a.Loc, "argument %q: a subscription argument compares one view column with one value, not an input object", path)
			continue
		}
		if a.Column != "" {
			continue // @column(name:) on the argument
		}
		switch of := rt.Field(a.Name); {
		case of != nil && of.Column != "":
			a.Column = of.Column
		case SnakeCase(a.Name) == b.IDColumn:
			a.Column = b.IDColumn
		default:
			l.errorf(a.Loc, "argument %q: not a column: %q has no field %q with @column(name:), and %q is not the id column %q; name the view column with @column(name:) on the argument",
				path, rt.Name, a.Name, SnakeCase(a.Name), b.IDColumn)
		}
	}
	if where := l.whereInput(rt); where != nil {
		f.Args = append(f.Args, &InputValue{Name: "where", Type: &TypeRef{Named: where.Name}, JSONKey: "where", Loc: f.Loc})
		read.HasWhere = true
	}
	f.Read = read
}
