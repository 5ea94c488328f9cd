package schema

// assemble builds the Schema: the type list in graphql-core's order, the
// index, the directives and the contexts.
func (l *loader) assemble() *Schema {
	s := &Schema{
		File:         l.file,
		Query:        l.query,
		Mutation:     l.mutation,
		Subscription: l.subscription,
		Contexts:     l.contexts,
		Directives:   builtins().directives,
	}
	resolve := func(name string) *Type {
		if t := l.lookup(name); t != nil {
			return t
		}
		return builtins().types[name] // introspection types
	}
	// FraiseQL v1 hands graphql-core its registered object types (every
	// non-root object type, in registration order, which is file order here)
	// as the schema's explicit types.
	var explicit []*Type
	for _, t := range l.order {
		if t.Kind == KindObject && t.Name != l.query && t.Name != l.mutation && t.Name != l.subscription {
			explicit = append(explicit, t)
		}
	}
	var roots []*Type
	for _, r := range []string{l.query, l.mutation, l.subscription} {
		if r != "" {
			roots = append(roots, l.declared[r])
		}
	}
	s.Types = collectTypes(explicit, roots, s.Directives, resolve)
	s.typeIndex = make(map[string]*Type, len(s.Types))
	for _, t := range s.Types {
		s.typeIndex[t.Name] = t
	}
	return s
}

// collectTypes reproduces graphql-core 3.2's GraphQLSchema.__init__ type
// collection, which decides the order of __schema.types:
//
//  1. the explicit types are put in the set first, so that references to
//     them are skipped until their own turn; then each in turn is removed
//     and collected again, which appends it followed by every type first
//     reached through it;
//  2. then the query, mutation and subscription roots;
//  3. then the types of the directives' arguments;
//  4. then __Schema, which brings the other introspection types.
//
// Collecting a type appends it, then visits: for a union its members; for
// an object its interfaces, then per field the field type followed by the
// field's argument types; for an input object its field types. Wrappers
// (lists, non-null) are looked through.
func collectTypes(explicit, roots []*Type, dirs []*Directive, resolve func(string) *Type) []*Type {
	in := make(map[string]bool, len(explicit))
	for _, t := range explicit {
		in[t.Name] = true
	}
	var out []*Type
	var collect func(t *Type)
	collect = func(t *Type) {
		if t == nil || in[t.Name] {
			return
		}
		in[t.Name] = true
		out = append(out, t)
		switch t.Kind {
		case KindUnion:
			for _, m := range t.PossibleTypes {
				collect(resolve(m))
			}
		case KindObject, KindInterface:
			for _, f := range t.Fields {
				collect(resolve(f.Type.NamedType()))
				for _, a := range f.Args {
					collect(resolve(a.Type.NamedType()))
				}
			}
		case KindInputObject:
			for _, f := range t.InputFields {
				collect(resolve(f.Type.NamedType()))
			}
		}
	}
	for _, t := range explicit {
		delete(in, t.Name)
		collect(t)
	}
	for _, r := range roots {
		collect(r)
	}
	for _, d := range dirs {
		for _, a := range d.Args {
			collect(resolve(a.Type.NamedType()))
		}
	}
	collect(resolve("__Schema"))
	return out
}
