package execute

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/plan"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/rowjson"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

var nullValue = pyjson.Value{Kind: pyjson.Null}

func (x *Execution) execute(p *prepared) Response {
	if p.op.Operation == language.Mutation {
		return x.mutation(p)
	}
	if !x.e.v1 && p.reads > 0 {
		return x.typed(p)
	}
	switch {
	case p.reads == 1:
		for _, r := range p.roots {
			if r.kind == rootRead {
				return x.single(r)
			}
		}
	case p.reads > 1:
		return x.multi(p)
	}
	return x.nonRead(p)
}

// fieldError is a resolver error of root r, as graphql-core reports it.
func (x *Execution) fieldError(r *root, msg string) *gqlerr.Error {
	return &gqlerr.Error{
		Message:   msg,
		Locations: []gqlerr.Location{gqlerr.LocationAt(x.doc.Body, r.nodes[0].Pos)},
		Path:      []any{r.key},
	}
}

// single answers a query with one root read: v1's Rust bytes, wrapped under
// the schema field name (not the alias), or the dict path on a miss.
func (x *Execution) single(r *root) Response {
	prefix := append(append(x.dst(4096), `{"data":{`...), '"')
	prefix = appendKey(prefix[:len(prefix)-1], r.field.Name)
	rows, err := x.fetchInto(prefix, r, nil)
	if err != nil {
		data := pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{{Key: r.key, Value: nullValue}}}
		return x.dict(&data, []*gqlerr.Error{x.fieldError(r, x.message(err))})
	}
	if r.field.Read.Single && rows == nil {
		data := pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{{Key: r.key, Value: nullValue}}}
		return x.dict(&data, nil)
	}
	return Response{Body: append(rows, "}}"...)}
}

func appendKey(dst []byte, k string) []byte {
	v := gqlerr.Str(k)
	dst, _ = pyjson.AppendCompact(dst, &v)
	return append(dst, ':')
}

// fetch runs a root read and returns its rewritten rows: a JSON list for a
// list read, one object for a single read (nil on a miss). proj overrides
// the root's projection.
func (x *Execution) fetch(r *root, proj *rowjson.Node) ([]byte, error) {
	return x.fetchInto(nil, r, proj)
}

// fetchInto is fetch appending to out; a single-read miss returns nil.
func (x *Execution) fetchInto(out []byte, r *root, proj *rowjson.Node) ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if proj == nil {
		proj = r.proj
	}
	args, err := x.args(r.stmt)
	if err != nil {
		return nil, err
	}
	for _, b := range r.binds {
		v := x.vars[b.variable]
		args[b.index] = plan.ParamText(&v)
	}
	rows, err := x.query(r.stmt.SQL, args)
	if err != nil {
		x.readErr = err
		return nil, err
	}
	defer rows.Close()
	single := r.field.Read.Single
	if !single {
		out = append(out, '[')
	}
	n := 0
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 1 {
			return nil, fmt.Errorf("read of %s returned %d columns", r.field.Name, len(raw))
		}
		if n > 0 {
			out = append(out, ',')
		}
		if out, err = rowjson.AppendRow(out, raw[0], proj); err != nil {
			return nil, err
		}
		if err := x.tooLarge(out); err != nil {
			return nil, err
		}
		n++
		if single {
			break
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		x.readErr = err
		return nil, err
	}
	if single {
		if n == 0 {
			x.misses++
			return nil, nil
		}
		return out, nil
	}
	return append(out, ']'), nil
}

// args resolves a statement's parameters; context values come from the
// request's claims, else their declared default.
func (x *Execution) args(st *plan.Statement) ([]any, error) {
	args := make([]any, len(st.Params))
	for i, p := range st.Params {
		switch {
		case p.Context != "":
			v, err := x.contextValue(p.Context)
			if err != nil {
				return nil, err
			}
			args[i] = v
		case p.Null:
			args[i] = nil
		default:
			args[i] = p.Text
		}
	}
	return args, nil
}

func (x *Execution) contextValue(name string) (any, error) {
	c := x.e.s.Context(name)
	if c == nil {
		return nil, clientErrorf("Required context parameter '%s' not found in GraphQL context", name)
	}
	if c.Claim != "" && x.claims != nil {
		if v, ok := x.claims[c.Claim]; ok && v != nil {
			switch v := v.(type) {
			case string:
				return v, nil
			default:
				return fmt.Sprint(v), nil
			}
		}
	}
	if c.Default != nil {
		return *c.Default, nil
	}
	return nil, nil
}

// multi reproduces v1's execute_multi_field_query: every root read runs,
// a second projection pass keeps only root-level field names, keys are
// sorted; a single-object root fails with the AttributeError text and the
// whole body is then written by json.dumps with default separators.
func (x *Execution) multi(p *prepared) Response {
	type part struct {
		key  string
		data []byte
		err  *gqlerr.Error
	}
	var parts []part
	failed := false
	for _, r := range p.roots {
		if r.kind != rootRead {
			continue
		}
		names := map[string]bool{}
		for _, g := range x.collect(x.e.s.Type(r.field.Type.NamedType()).Name, selectionSets(r)) {
			names[g.nodes[0].Name.Value] = true
		}
		proj := r.proj.TypenameOnly(func(k string) bool { return names[k] })
		rows, err := x.fetch(r, proj)
		switch {
		case err != nil:
			parts = append(parts, part{key: r.key, err: x.fieldError(r, x.message(err))})
			failed = true
		case r.field.Read.Single:
			parts = append(parts, part{key: r.key, err: x.fieldError(r, "'dict' object has no attribute 'bytes'")})
			failed = true
		default:
			parts = append(parts, part{key: r.key, data: rows})
		}
	}
	slices.SortStableFunc(parts, func(a, b part) int { return strings.Compare(a.key, b.key) })
	if !failed {
		out := append(x.dst(512), `{"data":{`...)
		for i, pt := range parts {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendKey(out, pt.key)
			out = append(out, pt.data...)
		}
		return Response{Body: append(out, "}}"...)}
	}
	data := pyjson.Value{Kind: pyjson.Object}
	errs := pyjson.Value{Kind: pyjson.Array}
	for _, pt := range parts {
		v := nullValue
		if pt.err == nil {
			var err error
			if v, err = pyjson.Decode(pt.data); err != nil {
				return x.internal(fmt.Errorf("row of %s not decodable: %w", pt.key, err))
			}
		} else {
			errs.Items = append(errs.Items, pt.err.MultiFieldValue())
		}
		data.Members = append(data.Members, pyjson.Member{Key: pt.key, Value: v})
	}
	body := pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{{Key: "data", Value: data}, {Key: "errors", Value: errs}}}
	out, err := pyjson.AppendSpaced(x.dst(512), &body)
	if err != nil {
		return x.internal(fmt.Errorf("response not encodable: %w", err))
	}
	return Response{Body: out}
}

func selectionSets(r *root) []*language.SelectionSet {
	sets := make([]*language.SelectionSet, len(r.nodes))
	for i, n := range r.nodes {
		sets[i] = n.SelectionSet
	}
	return sets
}

// nonRead answers operations without a root read (__typename,
// introspection, unknown fields in production) on the dict path.
func (x *Execution) nonRead(p *prepared) Response {
	data := pyjson.Value{Kind: pyjson.Object}
	var errs []*gqlerr.Error
	vars := make(map[string]any, len(x.vars))
	for k, v := range x.vars {
		vars[k] = v
	}
	budget := x.introspectBudget(0) // shared by the roots
	for _, r := range p.roots {
		switch r.kind {
		case rootTypename:
			data.Members = append(data.Members, pyjson.Member{Key: r.key, Value: gqlerr.Str(x.e.s.Query)})
		case rootIntrospection:
			v, err := x.introspect(r, vars, budget)
			if err != nil {
				errs = append(errs, x.fieldError(r, x.message(err)))
				v = nullValue
			}
			data.Members = append(data.Members, pyjson.Member{Key: r.key, Value: v})
		}
	}
	return x.dict(&data, errs)
}
