package schema

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

// parseOptions are the parser's settings for declarations: "{}" is an
// empty field list (graphql-go, the loader's first parser, accepted it,
// and declarations use it for result types without fields: type X @error
// {}); nesting is held to the parser's default.
var parseOptions = language.Options{AllowEmptyBraces: true}

// LoadFile reads and loads a declaration file (see Load).
func LoadFile(path string) (*Schema, error) {
	return LoadFiles(path)
}

// LoadFiles reads and loads a declaration made of several files, e.g. the
// app's types in app.graphql and its subscriptions in subscriptions.graphql
// (--schema app.graphql,subscriptions.graphql): the files are one
// declaration, in the order given, and errors name the file they are in.
func LoadFiles(paths ...string) (*Schema, error) {
	srcs := make([]Source, 0, len(paths))
	for _, p := range paths {
		body, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, Source{Name: p, Body: body})
	}
	return LoadSources(srcs...)
}

// Source is one file of a declaration.
type Source struct {
	Name string // for error messages
	Body []byte
}

// Load parses a declaration (GraphQL SDL with fraiseql-http's directives,
// docs/schema.md) and builds the schema model: the declared types plus the
// built-ins, the generated where/orderBy inputs, and the types in the order
// graphql-core lists them. file names the source in error messages.
//
// On failure the error is an ErrorList holding every problem found.
func Load(file string, src []byte) (*Schema, error) {
	return LoadSources(Source{Name: file, Body: src})
}

// LoadSources is Load for a declaration made of several files: they are
// read as one document (types declared in one may be used in another), and
// every error is located in its own file.
func LoadSources(srcs ...Source) (*Schema, error) {
	if len(srcs) == 0 {
		return nil, ErrorList{{Loc: Location{File: "", Line: 1, Column: 1}, Msg: "no declaration file given"}}
	}
	// A syntax error is reported in the file it is in: each file is parsed
	// alone first, so an unclosed brace in one is not blamed on the next.
	var errs ErrorList
	for _, src := range srcs {
		l := newLoader([]Source{src})
		if _, err := language.Parse(string(l.src), parseOptions); err != nil {
			l.syntaxError(err)
			errs = append(errs, l.errs...)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	l := newLoader(srcs)
	doc, err := language.Parse(string(l.src), parseOptions)
	if err != nil {
		l.syntaxError(err)
		return nil, l.errs
	}
	s := l.build(doc)
	if len(l.errs) > 0 {
		l.errs.sort()
		return nil, l.errs
	}
	return s, nil
}

// newLoader joins the sources into one text (a newline between two files)
// and remembers where each begins, so positions map back to file:line:col.
func newLoader(srcs []Source) *loader {
	l := &loader{
		declared:  map[string]*Type{},
		astOf:     map[*Type]language.Definition{},
		generated: map[string]*Type{},
	}
	names := make([]string, 0, len(srcs))
	for i, src := range srcs {
		if i > 0 {
			l.src = append(l.src, '\n')
		}
		l.files = append(l.files, fileSpan{name: src.Name, start: len(l.src)})
		l.src = append(l.src, src.Body...)
		names = append(names, src.Name)
	}
	l.file = strings.Join(names, ",")
	l.lines = lineStarts(l.src)
	for i := range l.files {
		l.files[i].firstLine = sort.Search(len(l.lines), func(j int) bool { return l.lines[j] > l.files[i].start }) - 1
	}
	return l
}

// fileSpan is where one source file begins in the joined text.
type fileSpan struct {
	name      string
	start     int // byte offset
	firstLine int // index in loader.lines of its first line
}

// loader carries the state of one Load call.
type loader struct {
	file  string // the file names joined with commas (Schema.File)
	src   []byte // the files joined (see newLoader)
	files []fileSpan
	lines []int // byte offset of each line start
	errs  ErrorList

	schemaDef *language.SchemaDefinition
	declared  map[string]*Type              // user-declared types by name
	order     []*Type                       // user-declared types in file order
	astOf     map[*Type]language.Definition // definition node of each declared type
	contexts  []*ContextValue
	// generated where/orderBy inputs by name, so each is built once.
	generated    map[string]*Type
	query        string
	mutation     string
	subscription string
	// @read / @function / @subscribe directive nodes, bound once the roots
	// are known.
	readDirs map[*Field]*language.Directive
	funcDirs map[*Field]*language.Directive
	subDirs  map[*Field]*language.Directive
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	return starts
}

// pos turns a byte offset into a location in the file that holds it;
// columns count characters.
func (l *loader) pos(offset int) Location {
	line := sort.Search(len(l.lines), func(i int) bool { return l.lines[i] > offset }) - 1
	if line < 0 {
		line = 0
	}
	start := l.lines[line]
	if offset > len(l.src) {
		offset = len(l.src)
	}
	file, first := l.file, 0
	for i := len(l.files) - 1; i >= 0; i-- {
		if l.files[i].start <= offset {
			file, first = l.files[i].name, l.files[i].firstLine
			break
		}
	}
	return Location{File: file, Line: line - first + 1, Column: utf8.RuneCount(l.src[start:offset]) + 1}
}

func (l *loader) errorf(loc Location, format string, args ...any) {
	l.errs = append(l.errs, &Error{Loc: loc, Msg: fmt.Sprintf(format, args...)})
}

// syntaxError reports a parse failure at its position with the parser's
// description (graphql-core's words: "Expected Name, found <EOF>.").
func (l *loader) syntaxError(err error) {
	loc := Location{File: l.files[0].name, Line: 1, Column: 1}
	msg := err.Error()
	if se, ok := err.(*language.SyntaxError); ok {
		loc = l.pos(se.Offset)
		msg = se.Description
	}
	l.errorf(loc, "syntax error: %s", msg)
}

// build runs the passes in order; each pass reports what it finds and later
// passes skip what an earlier one already rejected.
func (l *loader) build(doc *language.Document) *Schema {
	l.collect(doc)
	for _, t := range l.order {
		l.convert(t)
	}
	l.roots()
	for _, t := range l.order {
		l.checkRefs(t)
	}
	if len(l.errs) > 0 {
		return nil
	}
	l.contexts = l.schemaContexts()
	l.resultTypes()
	l.bindQuery()
	l.bindMutation()
	l.bindSubscription()
	if len(l.errs) > 0 {
		return nil
	}
	return l.assemble()
}

// collect registers every definition by name and rejects what the format
// does not have.
func (l *loader) collect(doc *language.Document) {
	for _, def := range doc.Definitions {
		var (
			t    *Type
			name *language.Name
		)
		if extension(def) {
			l.errorf(l.pos(def.Position()), "type extensions are not supported; declare each type once")
			continue
		}
		switch d := def.(type) {
		case *language.SchemaDefinition:
			if l.schemaDef != nil {
				l.errorf(l.pos(d.Pos), "the schema definition is given twice")
				continue
			}
			l.schemaDef = d
			continue
		case *language.ScalarTypeDefinition:
			l.scalarDecl(d)
			continue
		case *language.ObjectTypeDefinition:
			name = &d.Name
			t = &Type{Kind: KindObject}
			if len(d.Interfaces) > 0 {
				l.errorf(l.pos(d.Interfaces[0].Pos), "type %q: interfaces are not supported", d.Name.Value)
			}
		case *language.InputObjectTypeDefinition:
			name = &d.Name
			t = &Type{Kind: KindInputObject}
		case *language.UnionTypeDefinition:
			name = &d.Name
			t = &Type{Kind: KindUnion}
		case *language.EnumTypeDefinition:
			name = &d.Name
			t = &Type{Kind: KindEnum}
		case *language.InterfaceTypeDefinition:
			l.errorf(l.pos(d.Name.Pos), "interface %q: interfaces are not supported", d.Name.Value)
			continue
		case *language.DirectiveDefinition:
			l.errorf(l.pos(d.Name.Pos), "directive @%s: directives cannot be declared; fraiseql-http's directives are built in", d.Name.Value)
			continue
		case *language.OperationDefinition, *language.FragmentDefinition:
			l.errorf(l.pos(def.Position()), "operations and fragments do not belong in a declaration file")
			continue
		default:
			l.errorf(l.pos(def.Position()), "unsupported definition %T", def)
			continue
		}
		t.Name = name.Value
		t.Loc = l.pos(name.Pos)
		if _, ok := builtins().types[t.Name]; ok {
			l.errorf(t.Loc, "type %q: %s is a built-in type and cannot be declared", t.Name, t.Name)
			continue
		}
		if strings.HasPrefix(t.Name, "__") {
			l.errorf(t.Loc, "type %q: names starting with __ are reserved for introspection", t.Name)
			continue
		}
		if prev, ok := l.declared[t.Name]; ok {
			l.errorf(t.Loc, "type %q is declared twice (first at line %d)", t.Name, prev.Loc.Line)
			continue
		}
		l.declared[t.Name] = t
		l.order = append(l.order, t)
		l.astOf[t] = def
	}
}

// extension reports whether def is an "extend ..." definition.
func extension(def language.Definition) bool {
	switch d := def.(type) {
	case *language.SchemaDefinition:
		return d.Extend
	case *language.ScalarTypeDefinition:
		return d.Extend
	case *language.ObjectTypeDefinition:
		return d.Extend
	case *language.InterfaceTypeDefinition:
		return d.Extend
	case *language.UnionTypeDefinition:
		return d.Extend
	case *language.EnumTypeDefinition:
		return d.Extend
	case *language.InputObjectTypeDefinition:
		return d.Extend
	}
	return false
}

// scalarDecl accepts declarations of the built-in scalars (the demo file
// declares UUID, DateTime and JSON for readers) and rejects any other:
// fraiseql-http must know how to validate and compare a scalar's values.
func (l *loader) scalarDecl(d *language.ScalarTypeDefinition) {
	loc := l.pos(d.Name.Pos)
	bt, ok := builtins().types[d.Name.Value]
	if !ok || bt.Kind != KindScalar {
		l.errorf(loc, "scalar %q: unknown scalar; the scalars are %s", d.Name.Value, strings.Join(scalarNames(), ", "))
		return
	}
	if d.Description != nil {
		l.errorf(loc, "scalar %q: a built-in scalar keeps FraiseQL's description; remove this one", d.Name.Value)
	}
	l.directives(fmt.Sprintf("scalar %q", d.Name.Value), d.Directives, locScalar)
}

// convert fills a declared type's fields, arguments, members or values from
// its definition node and reads the type-level directives.
func (l *loader) convert(t *Type) {
	subject := fmt.Sprintf("type %q", t.Name)
	switch d := l.astOf[t].(type) {
	case *language.ObjectTypeDefinition:
		t.Description = l.desc(d.Description)
		dirs := l.directives(subject, d.Directives, locObject)
		if v := dirs["view"]; v != nil {
			t.View = l.viewArg(subject, v, "name", true)
			t.DataColumn = l.identArg(subject, v, "data", false)
			if t.DataColumn == "" {
				t.DataColumn = "data"
			}
		}
		if dirs["success"] != nil && dirs["error"] != nil {
			l.errorf(t.Loc, "%s: @success and @error exclude each other", subject)
		}
		if dirs["success"] != nil {
			t.Role = RoleSuccess
		} else if dirs["error"] != nil {
			t.Role = RoleError
		}
		t.fieldIndex = map[string]*Field{}
		for i := range d.Fields {
			f := l.field(t, &d.Fields[i])
			if _, dup := t.fieldIndex[f.Name]; dup {
				l.errorf(f.Loc, "field %q: declared twice", t.Name+"."+f.Name)
				continue
			}
			t.Fields = append(t.Fields, f)
			t.fieldIndex[f.Name] = f
		}
		if len(t.Fields) == 0 && t.Role == RoleNone {
			l.errorf(t.Loc, "%s: an object type needs at least one field", subject)
		}
	case *language.InputObjectTypeDefinition:
		t.Description = l.desc(d.Description)
		l.directives(subject, d.Directives, locInputObject)
		t.inputIndex = map[string]*InputValue{}
		for i := range d.Fields {
			fd := &d.Fields[i]
			iv := l.inputValue(t.Name+"."+fd.Name.Value, fd, locInputField)
			if _, dup := t.inputIndex[iv.Name]; dup {
				l.errorf(iv.Loc, "input field %q: declared twice", t.Name+"."+iv.Name)
				continue
			}
			t.InputFields = append(t.InputFields, iv)
			t.inputIndex[iv.Name] = iv
		}
		if len(t.InputFields) == 0 {
			l.errorf(t.Loc, "%s: an input type needs at least one field", subject)
		}
	case *language.UnionTypeDefinition:
		t.Description = l.desc(d.Description)
		l.directives(subject, d.Directives, locUnion)
		seen := map[string]bool{}
		for _, m := range d.Types {
			if seen[m.Name.Value] {
				l.errorf(l.pos(m.Pos), "%s: member %q listed twice", subject, m.Name.Value)
				continue
			}
			seen[m.Name.Value] = true
			t.PossibleTypes = append(t.PossibleTypes, m.Name.Value)
		}
		t.Loc = l.pos(d.Name.Pos)
	case *language.EnumTypeDefinition:
		t.Description = l.desc(d.Description)
		l.directives(subject, d.Directives, locEnum)
		seen := map[string]bool{}
		stored := map[string]string{} // stored value -> the enum value holding it
		for _, vd := range d.Values {
			name := vd.Name.Value
			if seen[name] {
				l.errorf(l.pos(vd.Name.Pos), "enum value %q: declared twice", t.Name+"."+name)
				continue
			}
			if name == "true" || name == "false" || name == "null" {
				l.errorf(l.pos(vd.Name.Pos), "enum value %q: true, false and null cannot be enum values", t.Name+"."+name)
			}
			seen[name] = true
			dirs := l.directives(fmt.Sprintf("enum value %q", t.Name+"."+name), vd.Directives, locEnumValue)
			ev := &EnumValue{
				Name:        name,
				Description: l.desc(vd.Description),
				Deprecation: l.deprecation(dirs),
				Stored:      name,
			}
			if d := dirs["stored"]; d != nil {
				if v, ok := strArg(d, "value"); ok {
					ev.Stored = v
				}
			}
			if other, dup := stored[ev.Stored]; dup {
				l.errorf(l.pos(vd.Name.Pos), "enum value %q: stored value %q is already %s's", t.Name+"."+name, ev.Stored, t.Name+"."+other)
			}
			stored[ev.Stored] = name
			t.EnumValues = append(t.EnumValues, ev)
		}
	}
}

func (l *loader) field(owner *Type, fd *language.FieldDefinition) *Field {
	f := &Field{
		Name:        fd.Name.Value,
		Description: l.desc(fd.Description),
		Type:        l.typeRef(fd.Type),
		Loc:         l.pos(fd.Name.Pos),
	}
	path := owner.Name + "." + f.Name
	subject := fmt.Sprintf("field %q", path)
	if strings.HasPrefix(f.Name, "__") {
		l.errorf(f.Loc, "%s: names starting with __ are reserved for introspection", subject)
	}
	f.JSONKey = SnakeCase(f.Name)
	dirs := l.directives(subject, fd.Directives, locField)
	f.Deprecation = l.deprecation(dirs)
	if d := dirs["jsonb"]; d != nil {
		if key := l.identArg(subject, d, "key", true); key != "" {
			f.JSONKey = key
		}
	}
	if !isIdent(f.JSONKey) {
		l.errorf(f.Loc, "%s: its JSON key %q is not a plain identifier; give one with @jsonb(key:)", subject, f.JSONKey)
	}
	if d := dirs["column"]; d != nil {
		f.Column = l.identArg(subject, d, "name", true)
	}
	// Bindings are checked once the roots are known; remember the nodes.
	if d := dirs["read"]; d != nil {
		f.Read = &ReadBinding{}
		l.pendingRead(f, d)
	}
	if d := dirs["function"]; d != nil {
		f.Function = &FunctionBinding{}
		l.pendingFunction(f, d)
	}
	if d := dirs["subscribe"]; d != nil {
		f.Subscribe = &SubscribeBinding{}
		l.pendingSubscribe(f, d)
	}
	seen := map[string]bool{}
	for i := range fd.Arguments {
		ad := &fd.Arguments[i]
		iv := l.inputValue(path+"("+ad.Name.Value+":)", ad, locArgument)
		if seen[iv.Name] {
			l.errorf(iv.Loc, "argument %q: declared twice", path+"("+iv.Name+":)")
			continue
		}
		seen[iv.Name] = true
		f.Args = append(f.Args, iv)
	}
	return f
}

func (l *loader) inputValue(path string, d *language.InputValueDefinition, where dirLocation) *InputValue {
	iv := &InputValue{
		Name:        d.Name.Value,
		Description: l.desc(d.Description),
		Type:        l.typeRef(d.Type),
		Loc:         l.pos(d.Name.Pos),
		JSONKey:     SnakeCase(d.Name.Value),
	}
	kind := "input field"
	if where == locArgument {
		kind = "argument"
	}
	subject := fmt.Sprintf("%s %q", kind, path)
	if strings.HasPrefix(iv.Name, "__") {
		l.errorf(iv.Loc, "%s: names starting with __ are reserved for introspection", subject)
	}
	if d.DefaultValue != nil {
		s := printDefault(d.DefaultValue)
		iv.DefaultValue, iv.DefaultLiteral = &s, d.DefaultValue
		if language.UsesVariable(d.DefaultValue) {
			l.errorf(iv.Loc, "%s: a default value cannot use a variable", subject)
		}
	}
	dirs := l.directives(subject, d.Directives, where)
	iv.Deprecation = l.deprecation(dirs)
	if dd := dirs["jsonb"]; dd != nil {
		if key := l.identArg(subject, dd, "key", true); key != "" {
			iv.JSONKey = key
		}
	}
	if dd := dirs["column"]; dd != nil {
		iv.Column = l.identArg(subject, dd, "name", true)
	}
	if where == locInputField && !isIdent(iv.JSONKey) {
		l.errorf(iv.Loc, "%s: its JSON key %q is not a plain identifier; give one with @jsonb(key:)", subject, iv.JSONKey)
	}
	return iv
}

// printDefault prints a default value as introspection shows it:
// graphql-core's print_ast(ast_from_value(…)), which writes every string
// quoted, a block string too.
func printDefault(v language.Value) string { return language.PrintValue(quoted(v)) }

// quoted returns v with its block strings made quoted strings (a copy where
// one is found; the parsed tree is never changed).
func quoted(v language.Value) language.Value {
	switch v := v.(type) {
	case *language.StringValue:
		if v.Block {
			c := *v
			c.Block = false
			return &c
		}
	case *language.ListValue:
		var out *language.ListValue
		for i, item := range v.Values {
			if q := quoted(item); q != item {
				if out == nil {
					out = &language.ListValue{Pos: v.Pos, Values: append([]language.Value(nil), v.Values...)}
				}
				out.Values[i] = q
			}
		}
		if out != nil {
			return out
		}
	case *language.ObjectValue:
		var out *language.ObjectValue
		for i := range v.Fields {
			if q := quoted(v.Fields[i].Value); q != v.Fields[i].Value {
				if out == nil {
					out = &language.ObjectValue{Pos: v.Pos, Fields: append([]language.ObjectField(nil), v.Fields...)}
				}
				out.Fields[i].Value = q
			}
		}
		if out != nil {
			return out
		}
	}
	return v
}

func (l *loader) desc(sv *language.StringValue) *string {
	if sv == nil {
		return nil
	}
	s := sv.Value
	return &s
}

func (l *loader) typeRef(t language.Type) *TypeRef {
	switch t := t.(type) {
	case *language.NamedType:
		return &TypeRef{Named: t.Name.Value}
	case *language.ListType:
		return &TypeRef{List: true, OfType: l.typeRef(t.Type)}
	case *language.NonNullType:
		return &TypeRef{NonNull: true, OfType: l.typeRef(t.Type)}
	}
	return &TypeRef{Named: "?"}
}

// lookup finds a declared or built-in type.
func (l *loader) lookup(name string) *Type {
	if t, ok := l.declared[name]; ok {
		return t
	}
	if t, ok := builtins().types[name]; ok && !strings.HasPrefix(name, "__") {
		return t
	}
	return l.generated[name]
}

// checkRefs verifies that every type a declared type names exists and has a
// kind allowed in that position.
func (l *loader) checkRefs(t *Type) {
	check := func(subject string, loc Location, r *TypeRef, input bool) {
		name := r.NamedType()
		rt := l.lookup(name)
		if rt == nil {
			l.errorf(loc, "%s: unknown type %q", subject, name)
			return
		}
		isInput := rt.Kind == KindScalar || rt.Kind == KindEnum || rt.Kind == KindInputObject
		isOutput := rt.Kind != KindInputObject
		switch {
		case input && !isInput:
			l.errorf(loc, "%s: %q is an output type; arguments and input fields need a scalar, enum or input type", subject, name)
		case !input && !isOutput:
			l.errorf(loc, "%s: %q is an input type; fields need a scalar, enum, object or union type", subject, name)
		}
	}
	switch t.Kind {
	case KindObject:
		for _, f := range t.Fields {
			path := t.Name + "." + f.Name
			check(fmt.Sprintf("field %q", path), f.Loc, f.Type, false)
			for _, a := range f.Args {
				check(fmt.Sprintf("argument %q", path+"("+a.Name+":)"), a.Loc, a.Type, true)
			}
		}
	case KindInputObject:
		for _, f := range t.InputFields {
			check(fmt.Sprintf("input field %q", t.Name+"."+f.Name), f.Loc, f.Type, true)
		}
	case KindUnion:
		for _, m := range t.PossibleTypes {
			mt := l.lookup(m)
			switch {
			case mt == nil:
				l.errorf(t.Loc, "union %q: unknown member type %q", t.Name, m)
			case mt.Kind != KindObject:
				l.errorf(t.Loc, "union %q: member %q is not an object type", t.Name, m)
			}
		}
		if len(t.PossibleTypes) == 0 {
			l.errorf(t.Loc, "union %q: a union needs at least one member", t.Name)
		}
	}
}

// roots reads the schema definition's operation types (Query and Mutation
// by default) and checks that the root types exist. The subscription root
// is the one the schema definition names or, when it names none, the type
// called Subscription if one is declared: a file of subscriptions can then
// be added to a declaration whose schema definition predates it
// (--schema app.graphql,subscriptions.graphql).
func (l *loader) roots() {
	l.query, l.mutation = "Query", "Mutation"
	if _, ok := l.declared["Subscription"]; ok {
		l.subscription = "Subscription"
	}
	queryLoc := Location{File: l.files[0].name, Line: 1, Column: 1}
	if d := l.schemaDef; d != nil {
		queryLoc = l.pos(d.Pos)
		l.mutation = ""
		seen := map[string]bool{}
		for _, op := range d.OperationTypes {
			loc := l.pos(op.Pos)
			kind := op.Operation.String()
			if seen[kind] {
				l.errorf(loc, "schema: the %s root is given twice", kind)
				continue
			}
			seen[kind] = true
			switch op.Operation {
			case language.Query:
				l.query = op.Type.Name.Value
			case language.Mutation:
				l.mutation = op.Type.Name.Value
			case language.Subscription:
				l.subscription = op.Type.Name.Value
			}
		}
		if !seen["query"] {
			l.query = ""
			l.errorf(queryLoc, "schema: a query root is required")
		}
	}
	for _, root := range []*string{&l.query, &l.mutation, &l.subscription} {
		if *root == "" {
			continue
		}
		t := l.declared[*root]
		switch {
		case t == nil && root == &l.mutation && l.schemaDef == nil:
			*root = "" // no Mutation type: a read-only schema
		case t == nil:
			l.errorf(queryLoc, "schema: root type %q is not declared", *root)
			*root = ""
		case t.Kind != KindObject:
			l.errorf(t.Loc, "type %q: a root type must be an object type", t.Name)
			*root = ""
		case t.View != "" || t.Role != RoleNone:
			l.errorf(t.Loc, "type %q: a root type takes no @view, @success or @error", t.Name)
		}
	}
	if l.query != "" && l.query == l.mutation {
		l.errorf(queryLoc, "schema: query and mutation roots must be different types")
	}
	if l.subscription != "" && (l.subscription == l.query || l.subscription == l.mutation) {
		l.errorf(queryLoc, "schema: the subscription root must be a type of its own")
		l.subscription = ""
	}
}
