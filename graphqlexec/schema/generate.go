package schema

// The generators below reproduce FraiseQL v1.9.7's generated inputs as its
// introspection shows them (development/introspection-full golden):
//
//	<T>WhereInput    one field per field of T, then OR, AND, NOT
//	<T>OrderByInput  one field per field of T
//
// Each generated type records the object type it was derived from, and
// each of its fields the JSON key of the object field, so the planner maps
// where/orderBy keys to JSON keys without guessing.

func strPtr(s string) *string { return &s }

// whereInput returns <T>WhereInput, generating it (and the nested ones of
// object fields) on first use. It returns nil after reporting a name clash.
func (l *loader) whereInput(t *Type) *Type {
	g, fresh := l.generate(t, "WhereInput", GeneratedWhere, "where input",
		"GraphQL where input type for "+t.Name+" with operator-based filtering.")
	if !fresh {
		return g
	}
	name := g.Name
	for _, f := range t.Fields {
		var filter string
		ft := l.lookup(f.Type.NamedType())
		switch {
		case ft == nil:
			continue
		case f.Type.IsList():
			// Lists of scalars and of objects alike (PostWhereInput.comments).
			filter = "ArrayFilter"
		case ft.Kind == KindObject:
			nested := l.whereInput(ft)
			if nested == nil {
				continue
			}
			filter = nested.Name
		case ft.Kind == KindScalar:
			filter = scalarFilters[ft.Name]
		case ft.Kind == KindEnum:
			// v1's where generator falls back to StringFilter for a type it
			// does not map, enums included: they are filtered by the value
			// stored in the document.
			filter = "StringFilter"
		}
		if filter == "" {
			continue // unions, ID and JSON fields: see scalarFilters
		}
		g.addInputField(&InputValue{
			Name:        f.Name,
			Description: strPtr(f.JSONKey + " operation"),
			Type:        &TypeRef{Named: filter},
			JSONKey:     f.JSONKey,
			Loc:         f.Loc,
			Source:      f,
		})
	}
	self := func() *TypeRef { return &TypeRef{List: true, OfType: &TypeRef{Named: name}} }
	g.addInputField(&InputValue{Name: "OR", Type: self(), JSONKey: "OR", Loc: t.Loc})
	g.addInputField(&InputValue{Name: "AND", Type: self(), JSONKey: "AND", Loc: t.Loc})
	g.addInputField(&InputValue{Name: "NOT", Description: strPtr("Logical NOT - negates the given condition"),
		Type: &TypeRef{Named: "JSON"}, JSONKey: "NOT", Loc: t.Loc})
	return g
}

// orderByInput returns <T>OrderByInput, generating it on first use: an
// OrderDirection per scalar, enum or list field, the nested input for an
// object field.
func (l *loader) orderByInput(t *Type) *Type {
	g, fresh := l.generate(t, "OrderByInput", GeneratedOrderBy, "order-by input",
		"GraphQL order by input type for "+t.Name+" with field-based sorting.")
	if !fresh {
		return g
	}
	for _, f := range t.Fields {
		ft := l.lookup(f.Type.NamedType())
		var typ string
		switch {
		case ft == nil:
			continue
		case f.Type.IsList(), ft.Kind == KindScalar, ft.Kind == KindEnum:
			typ = "OrderDirection"
		case ft.Kind == KindObject:
			nested := l.orderByInput(ft)
			if nested == nil {
				continue
			}
			typ = nested.Name
		default:
			continue
		}
		g.addInputField(&InputValue{Name: f.Name, Type: &TypeRef{Named: typ}, JSONKey: f.JSONKey, Loc: f.Loc, Source: f})
	}
	return g
}

// generate returns the input type <T><suffix>: the one made earlier (fresh
// false), nil when a declared type already has the name (reported), or a new
// empty one (fresh true). The new type is registered before its fields are
// made, so that cycles (Post.author: User, User.posts: [Post]) end here
// instead of recursing forever.
func (l *loader) generate(t *Type, suffix string, kind GeneratedKind, what, description string) (g *Type, fresh bool) {
	name := t.Name + suffix
	if g := l.generated[name]; g != nil {
		return g, false
	}
	if d := l.declared[name]; d != nil {
		l.errorf(d.Loc, "type %q: the name is taken by the generated %s of %q", name, what, t.Name)
		return nil, false
	}
	g = &Type{
		Name:         name,
		Kind:         KindInputObject,
		Description:  strPtr(description),
		Loc:          t.Loc,
		Generated:    kind,
		GeneratedFor: t.Name,
		inputIndex:   map[string]*InputValue{},
	}
	l.generated[name] = g
	return g, true
}

func (t *Type) addInputField(iv *InputValue) {
	t.InputFields = append(t.InputFields, iv)
	t.inputIndex[iv.Name] = iv
}
