package schema

import (
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

// dirLocation is where in a declaration a directive is written.
type dirLocation int

const (
	locSchema dirLocation = iota
	locScalar
	locObject
	locField
	locArgument
	locInputObject
	locInputField
	locUnion
	locEnum
	locEnumValue
)

var locNames = [...]string{"the schema", "a scalar", "an object type", "a field", "an argument", "an input type", "an input field", "a union", "an enum", "an enum value"}

// argKind is the literal shape a directive argument takes.
type argKind int

const (
	argString     argKind = iota // "text"
	argStringList                // ["a", "b"]
	argStringMap                 // {column: "name"}
)

type argSpec struct {
	name     string
	kind     argKind
	required bool
}

// dirSpec describes one of the directives the declaration format knows. The
// declaration never defines them; they are fixed here.
type dirSpec struct {
	args       []argSpec
	where      []dirLocation
	repeatable bool
}

var dirSpecs = map[string]dirSpec{
	"view":    {args: []argSpec{{"name", argString, true}, {"data", argString, false}}, where: []dirLocation{locObject}},
	"success": {where: []dirLocation{locObject}},
	"error":   {where: []dirLocation{locObject}},
	"read":    {args: []argSpec{{"scope", argStringMap, false}, {"view", argString, false}}, where: []dirLocation{locField}},
	"subscribe": {args: []argSpec{{"entity", argString, false}, {"scope", argStringMap, false}, {"operations", argStringList, false}, {"idColumn", argString, false}, {"view", argString, false}},
		where: []dirLocation{locField}},
	"function": {args: []argSpec{{"name", argString, true}, {"schema", argString, false}, {"context", argStringList, false}}, where: []dirLocation{locField}},
	"context": {args: []argSpec{{"name", argString, true}, {"claim", argString, false}, {"default", argString, false}, {"type", argString, false}, {"sessionVariable", argString, false}},
		where: []dirLocation{locSchema}, repeatable: true},
	"jsonb":      {args: []argSpec{{"key", argString, true}}, where: []dirLocation{locField, locInputField}},
	"column":     {args: []argSpec{{"name", argString, true}}, where: []dirLocation{locArgument, locField}},
	"deprecated": {args: []argSpec{{"reason", argString, false}}, where: []dirLocation{locField, locArgument, locInputField, locEnumValue}},
	"stored":     {args: []argSpec{{"value", argString, true}}, where: []dirLocation{locEnumValue}},
}

func dirNames() string {
	return "@view, @success, @error, @read, @function, @subscribe, @context, @jsonb, @column, @stored, @deprecated"
}

// directives checks the directives written at one place and returns them by
// name (for repeatable ones, the last; use allDirectives for every one).
// Unknown directives, unknown or mistyped arguments, missing required
// arguments, misplaced and repeated directives are reported here.
func (l *loader) directives(subject string, dirs []language.Directive, where dirLocation) map[string]*language.Directive {
	out := map[string]*language.Directive{}
	for i := range dirs {
		d := &dirs[i]
		name := d.Name.Value
		loc := l.pos(d.Name.Pos)
		spec, ok := dirSpecs[name]
		if !ok {
			l.errorf(loc, "%s: unknown directive @%s (the directives are %s)", subject, name, dirNames())
			continue
		}
		allowed := false
		for _, w := range spec.where {
			allowed = allowed || w == where
		}
		if !allowed {
			l.errorf(loc, "%s: @%s does not belong on %s", subject, name, locNames[where])
			continue
		}
		if _, dup := out[name]; dup && !spec.repeatable {
			l.errorf(loc, "%s: @%s is given twice", subject, name)
			continue
		}
		out[name] = d
		seen := map[string]bool{}
		for _, a := range d.Arguments {
			var as *argSpec
			for i := range spec.args {
				if spec.args[i].name == a.Name.Value {
					as = &spec.args[i]
				}
			}
			aloc := l.pos(a.Name.Pos)
			switch {
			case as == nil:
				l.errorf(aloc, "%s: @%s has no argument %q", subject, name, a.Name.Value)
				continue
			case seen[a.Name.Value]:
				l.errorf(aloc, "%s: @%s argument %q is given twice", subject, name, a.Name.Value)
				continue
			}
			seen[a.Name.Value] = true
			if !argShapeOK(as.kind, a.Value) {
				l.errorf(aloc, "%s: @%s argument %q must be %s", subject, name, a.Name.Value, argKindText(as.kind))
			}
		}
		for _, as := range spec.args {
			if as.required && !seen[as.name] {
				l.errorf(loc, "%s: @%s needs the argument %q", subject, name, as.name)
			}
		}
	}
	return out
}

func argKindText(k argKind) string {
	switch k {
	case argStringList:
		return `a list of strings, like ["a", "b"]`
	case argStringMap:
		return `an object of strings, like {column: "name"}`
	}
	return `a string, like "name"`
}

func argShapeOK(k argKind, v language.Value) bool {
	switch k {
	case argString:
		_, ok := v.(*language.StringValue)
		return ok
	case argStringList:
		lv, ok := v.(*language.ListValue)
		if !ok {
			return false
		}
		for _, item := range lv.Values {
			if _, ok := item.(*language.StringValue); !ok {
				return false
			}
		}
		return true
	case argStringMap:
		ov, ok := v.(*language.ObjectValue)
		if !ok {
			return false
		}
		for _, f := range ov.Fields {
			if _, ok := f.Value.(*language.StringValue); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// arg returns a directive argument's value node, or nil.
func arg(d *language.Directive, name string) language.Value {
	for _, a := range d.Arguments {
		if a.Name.Value == name {
			return a.Value
		}
	}
	return nil
}

// strArg returns a string argument ("" and false when absent or not a
// string; the shape was reported already).
func strArg(d *language.Directive, name string) (string, bool) {
	sv, ok := arg(d, name).(*language.StringValue)
	if !ok {
		return "", false
	}
	return sv.Value, true
}

// identArg returns a string argument that is put into SQL, checking that it
// is a plain identifier.
func (l *loader) identArg(subject string, d *language.Directive, name string, required bool) string {
	v, ok := strArg(d, name)
	if !ok {
		return ""
	}
	if !isIdent(v) {
		l.errorf(l.pos(d.Name.Pos), "%s: @%s(%s: %q): not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)", subject, d.Name.Value, name, v)
		return ""
	}
	return v
}

// viewArg is identArg for a view name, which may be schema-qualified
// ("app.v_user": two plain identifiers, the planner quotes each).
func (l *loader) viewArg(subject string, d *language.Directive, name string, required bool) string {
	v, ok := strArg(d, name)
	if !ok {
		return ""
	}
	if sch, view, qualified := strings.Cut(v, "."); qualified && isIdent(sch) && isIdent(view) {
		return v
	}
	return l.identArg(subject, d, name, required)
}

// deprecation returns the @deprecated reason; graphql-core's default reason
// applies when none is given.
func (l *loader) deprecation(dirs map[string]*language.Directive) *string {
	d := dirs["deprecated"]
	if d == nil {
		return nil
	}
	reason := "No longer supported"
	if v, ok := strArg(d, "reason"); ok {
		reason = v
	}
	return &reason
}

// pendingRead and pendingFunction keep the directive nodes of root field
// bindings until the roots are known.
func (l *loader) pendingRead(f *Field, d *language.Directive) {
	if l.readDirs == nil {
		l.readDirs = map[*Field]*language.Directive{}
	}
	l.readDirs[f] = d
}

func (l *loader) pendingSubscribe(f *Field, d *language.Directive) {
	if l.subDirs == nil {
		l.subDirs = map[*Field]*language.Directive{}
	}
	l.subDirs[f] = d
}

func (l *loader) pendingFunction(f *Field, d *language.Directive) {
	if l.funcDirs == nil {
		l.funcDirs = map[*Field]*language.Directive{}
	}
	l.funcDirs[f] = d
}
