package schema

import "fmt"

// checkFieldColumn checks @column(name:) on an object field: it names a
// real column of the type's view, so it belongs on fields of @view types
// only: a scalar or enum field (the column holds its value, and where and
// orderBy compare the column), or a nested object (the column holds the
// embedded object's document exactly as data does, a jsonb; it only lets
// reads skip data, see execute's columnsOnly). A list has no single column.
func (l *loader) checkFieldColumn(t *Type, f *Field, subject string) {
	if f.Column == "" {
		return
	}
	switch {
	case t.View == "":
		l.errorf(f.Loc, "%s: @column belongs on fields of types with @view (or on arguments of @read fields)", subject)
	case f.Type.IsList():
		l.errorf(f.Loc, "%s: @column is for scalar, enum and object fields; a list is filtered through its JSON value", subject)
	default:
		ft := l.lookup(f.Type.NamedType())
		if ft == nil || (ft.Kind != KindScalar && ft.Kind != KindEnum && ft.Kind != KindObject) {
			l.errorf(f.Loc, "%s: @column is for scalar, enum and object fields, not %s", subject, fmt.Sprint(f.Type))
			return
		}
		return
	}
	f.Column = ""
}
