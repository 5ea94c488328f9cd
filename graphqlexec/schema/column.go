package schema

import "fmt"

// checkFieldColumn checks @column(name:) on an object field: it names a
// real column of the type's view, so it belongs on scalar fields of @view
// types only (a nested object or a list has no single column to compare).
func (l *loader) checkFieldColumn(t *Type, f *Field, subject string) {
	if f.Column == "" {
		return
	}
	switch {
	case t.View == "":
		l.errorf(f.Loc, "%s: @column belongs on fields of types with @view (or on arguments of @read fields)", subject)
	case f.Type.IsList():
		l.errorf(f.Loc, "%s: @column is for scalar fields; a list is filtered through its JSON value", subject)
	default:
		ft := l.lookup(f.Type.NamedType())
		if ft == nil || (ft.Kind != KindScalar && ft.Kind != KindEnum) {
			l.errorf(f.Loc, "%s: @column is for scalar and enum fields, not %s", subject, fmt.Sprint(f.Type))
			return
		}
		return
	}
	f.Column = ""
}
