package execute

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/plan"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/rowjson"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// This file answers queries with reads when the engine is not in v1.9.7
// mode: every root under its response key (aliases kept, single reads
// included), several roots and the same root several times each with its
// own projection, and every row completed with the declared types
// (rowjson's typed rewrite) so that the response is what graphql-core
// would execute from the same rows. The bytes keep v1's harmless forms:
// keys byte-sorted (root keys too, as v1's multi-root answers have them),
// __typename injected, number forms, a single-root miss or failure on the
// dict path.

// fieldChecks builds the rowjson check of every object field of s.
func fieldChecks(s *schema.Schema) map[*schema.Field]*rowjson.Check {
	checks := map[*schema.Field]*rowjson.Check{}
	for _, t := range s.Types {
		if t.Kind != schema.KindObject && t.Kind != schema.KindInterface {
			continue
		}
		for _, f := range t.Fields {
			checks[f] = newCheck(s, t.Name+"."+f.Name, f.Type)
		}
	}
	return checks
}

func newCheck(s *schema.Schema, coordinate string, ref *schema.TypeRef) *rowjson.Check {
	c := &rowjson.Check{Coordinate: coordinate}
	for {
		w := rowjson.Wrap{}
		if ref.NonNull {
			w.NonNull = true
			ref = ref.OfType
		}
		if ref.List {
			w.List = true
			c.Wraps = append(c.Wraps, w)
			ref = ref.OfType
			continue
		}
		c.Wraps = append(c.Wraps, w)
		break
	}
	switch ref.Named {
	case "String":
		c.Scalar = rowjson.ScalarString
	case "Int":
		c.Scalar = rowjson.ScalarInt
	case "Float":
		c.Scalar = rowjson.ScalarFloat
	case "Boolean":
		c.Scalar = rowjson.ScalarBoolean
	case "ID":
		c.Scalar = rowjson.ScalarID
	case "DateTime":
		c.Scalar = rowjson.ScalarDateTime
	case "Date":
		c.Scalar = rowjson.ScalarDate
	case "Time":
		c.Scalar = rowjson.ScalarTime
	case "Decimal":
		c.Scalar = rowjson.ScalarDecimal
	default:
		if t := s.Type(ref.Named); t != nil && t.Kind == schema.KindEnum {
			c.Scalar, c.EnumName = rowjson.ScalarEnum, t.Name
			for _, v := range t.EnumValues {
				c.EnumValues = append(c.EnumValues, v.Name)
				c.EnumStored = append(c.EnumStored, v.Stored)
			}
		}
	}
	return c
}

// anyCheck is the check of a field the table lacks (none should): a
// nullable value copied as stored.
var anyCheck = &rowjson.Check{Wraps: []rowjson.Wrap{{}}}

func (e *Engine) check(f *schema.Field) *rowjson.Check {
	if c := e.checks[f]; c != nil {
		return c
	}
	return anyCheck
}

// typed answers a query operation with at least one read.
func (x *Execution) typed(p *prepared) Response {
	// A lone root read that fails or misses is answered on the dict path,
	// as v1 answers it (null under the response key; extensions outside
	// production).
	if len(p.roots) == 1 {
		r := p.roots[0]
		if r.err != nil {
			data := pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{{Key: r.key, Value: nullValue}}}
			return x.dict(&data, []*gqlerr.Error{x.fieldError(r, x.message(r.err))})
		}
	}
	out := append(x.dst(4096), `{"data":{`...)
	start := len(out) - 1 // where "{" of data is, for a null data
	var errs []rowjson.FieldError
	var rootErrs []*gqlerr.Error // in errs order: index i+1 is stored as Site
	failedRoot := -1             // selection index of the first root that nulls the data
	n := 0
	for _, ri := range p.sorted {
		r := p.roots[ri]
		if r.kind == rootUnknown {
			continue // production without validation: v1 answers nothing for it
		}
		if n > 0 {
			out = append(out, ',')
		}
		n++
		out = appendKey(out, r.key)
		mark := len(errs)
		var nulled, miss bool
		var err error
		switch r.kind {
		case rootTypename:
			v := gqlerr.Str(x.e.s.Query)
			out, _ = pyjson.AppendCompact(out, &v)
		case rootIntrospection:
			vars := make(map[string]any, len(x.vars))
			for k, v := range x.vars {
				vars[k] = v
			}
			at := len(out)
			v, ierr := x.introspect(r, vars, x.introspectBudget(at-len(x.out)))
			if ierr == nil {
				out, _ = pyjson.AppendCompact(out, &v)
				ierr = x.tooLarge(out) // the budget is an estimate
			}
			if ierr != nil {
				// The error branch below writes the root's null.
				err, out = ierr, out[:at]
			}
		case rootRead:
			out, errs, nulled, miss, err = x.typedRead(out, r, errs)
		}
		if err != nil {
			if len(p.roots) == 1 {
				data := pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{{Key: r.key, Value: nullValue}}}
				return x.dict(&data, []*gqlerr.Error{x.fieldError(r, x.message(err))})
			}
			rootErrs = append(rootErrs, x.fieldError(r, x.message(err)))
			errs = append(errs[:mark], rowjson.FieldError{Site: len(rootErrs)})
			nulled = r.field != nil && r.field.Type.NonNull
			if !nulled {
				out = append(out, "null"...)
			}
		}
		if miss && len(p.roots) == 1 {
			data := pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{{Key: r.key, Value: nullValue}}}
			return x.dict(&data, nil)
		}
		if len(errs) > mark {
			rowjson.PrefixErrors(errs, mark, r.key, ri)
		}
		if nulled && (failedRoot < 0 || ri < failedRoot) {
			failedRoot = ri
		}
	}
	if failedRoot >= 0 {
		// A non-null root without a value nulls the whole data, and
		// graphql-core runs no root after it (in selection order).
		errs = slices.DeleteFunc(errs, func(e rowjson.FieldError) bool { return e.Order[0] > failedRoot })
		out = append(out[:start], "null"...)
	} else {
		out = append(out, '}')
	}
	if len(errs) == 0 {
		return Response{Body: append(out, '}')}
	}
	slices.SortStableFunc(errs, func(a, b rowjson.FieldError) int { return slices.Compare(a.Order, b.Order) })
	out = append(out, `,"errors":[`...)
	for i := range errs {
		if i > 0 {
			out = append(out, ',')
		}
		var ge *gqlerr.Error
		if k, ok := errs[i].Site.(int); ok {
			ge = rootErrs[k-1]
		} else {
			ge = x.completionError(&errs[i])
			if x.e.hook != nil {
				x.e.hook(x.ctx, completionClass(ge.Message), ge.Message, errors.New("stored document does not match the declared type at "+fmt.Sprint(ge.Path)+": "+ge.Message))
			}
		}
		v := ge.Value()
		var err error
		if out, err = pyjson.AppendCompact(out, &v); err != nil {
			return x.internal(fmt.Errorf("error not encodable: %w", err))
		}
	}
	return Response{Body: append(out, "]}"...)}
}

// completionError is a rowjson error as graphql-core reports it: the
// locations of the field's nodes, the path from the root key.
func (x *Execution) completionError(fe *rowjson.FieldError) *gqlerr.Error {
	ge := &gqlerr.Error{Message: fe.Message, Path: fe.Path}
	if g, ok := fe.Site.(*fieldGroup); ok {
		for _, n := range g.nodes {
			ge.Locations = append(ge.Locations, gqlerr.LocationAt(x.doc.Body, n.Pos))
		}
	}
	return ge
}

// typedRead appends root r's value: a list of completed rows, or one row
// (miss: null). nulled means the value is null where the root's type is
// non-null.
func (x *Execution) typedRead(out []byte, r *root, errs []rowjson.FieldError) (_ []byte, _ []rowjson.FieldError, nulled, miss bool, err error) {
	if r.err != nil {
		return out, errs, false, false, r.err
	}
	args, err := x.args(r.stmt)
	if err != nil {
		return out, errs, false, false, err
	}
	for _, b := range r.binds {
		v := x.vars[b.variable]
		args[b.index] = plan.ParamText(&v)
	}
	rows, err := x.query(r.stmt.SQL, args)
	if err != nil {
		x.readErr = err
		return out, errs, false, false, err
	}
	defer rows.Close()
	wraps := x.e.check(r.field).Wraps
	start := len(out)
	single := r.field.Read.Single
	if !single {
		out = append(out, '[')
	}
	n := 0
	failed := false // a non-null item was null: the list is null
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 1 {
			return out, errs, false, false, fmt.Errorf("read of %s returned %d columns", r.field.Name, len(raw))
		}
		if single && n > 0 {
			break
		}
		if n > 0 {
			out = append(out, ',')
		}
		if failed {
			n++
			continue // drain: graphql-core completes no item after it
		}
		mark := len(errs)
		var rowNulled bool
		if out, errs, rowNulled, err = rowjson.AppendRowChecked(out, raw[0], r.proj, errs); err != nil {
			return out, errs, false, false, err
		}
		if err := x.tooLarge(out); err != nil {
			return out, errs, false, false, err
		}
		if !single && len(errs) > mark {
			rowjson.PrefixErrors(errs, mark, n, n)
		}
		if rowNulled {
			itemNonNull := (single && wraps[0].NonNull) || (!single && len(wraps) > 1 && wraps[1].NonNull)
			if itemNonNull {
				failed = true
			} else {
				out = append(out, "null"...)
			}
		}
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		x.readErr = err
		return out, errs, false, false, err
	}
	if single && n == 0 {
		x.misses++
		miss = true
		failed = wraps[0].NonNull
		if failed {
			errs = append(errs, rowjson.FieldError{Message: "Cannot return null for non-nullable field " + x.e.check(r.field).Coordinate + ".", Site: &fieldGroup{key: r.key, nodes: r.nodes}})
		}
	}
	if failed {
		out = out[:start]
		if wraps[0].NonNull {
			return out, errs, true, false, nil
		}
		return append(out, "null"...), errs, false, false, nil
	}
	if single {
		if n == 0 {
			return append(out, "null"...), errs, false, true, nil
		}
		return out, errs, false, false, nil
	}
	return append(out, ']'), errs, false, false, nil
}

// sortedRoots is the order of p's roots in the response: keys byte-sorted.
func sortedRoots(roots []*root) []int {
	idx := make([]int, len(roots))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(roots[a].key, roots[b].key) })
	return idx
}
