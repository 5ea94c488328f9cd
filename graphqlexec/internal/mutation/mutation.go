package mutation

import (
	"errors"
	"slices"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/rowjson"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// Kind is the class of a mutation status.
type Kind int

const (
	Success Kind = iota
	Noop
	Failure
)

// errorPrefixes map v1's error status prefixes to their application codes.
var errorPrefixes = []struct {
	prefix string
	code   int
}{
	{"failed:", 500},
	{"validation:", 422},
	{"unauthorized:", 401},
	{"forbidden:", 403},
	{"not_found:", 404},
	{"conflict:", 409},
	{"timeout:", 408},
}

// Classify returns the class of a status and its application code, as v1
// does: the error prefixes (case-insensitive) are failures, "noop:" is a
// noop (code 422), anything else, unknown strings included, is a success
// (code 200).
func Classify(status string) (Kind, int) {
	lower := strings.ToLower(status)
	for _, p := range errorPrefixes {
		if strings.HasPrefix(lower, p.prefix) {
			return Failure, p.code
		}
	}
	if strings.HasPrefix(lower, "noop:") {
		return Noop, 422
	}
	return Success, 200
}

// successWords are the statuses v1 names as successes; Classify also
// counts every other string a success, which Config.UnknownStatusIsError
// turns into an error result.
var successWords = []string{"success", "created", "updated", "deleted"}

// KnownStatus reports whether v1's taxonomy names the status: one of the
// success words, or an error or noop prefix (case-insensitive).
func KnownStatus(status string) bool {
	lower := strings.ToLower(status)
	if slices.Contains(successWords, lower) || strings.HasPrefix(lower, "noop:") {
		return true
	}
	for _, p := range errorPrefixes {
		if strings.HasPrefix(lower, p.prefix) {
			return true
		}
	}
	return false
}

// unknownStatusCode and unknownStatusIdentifier are the error result of a
// status outside the taxonomy when Config.UnknownStatusIsError is set: an
// internal failure of the function (500), named so a client can tell it
// from the function's own errors.
const (
	unknownStatusCode       = 500
	unknownStatusIdentifier = "unknown_status"
)

// Result is one parsed mutation_response row.
type Result struct {
	Status        string
	Message       string       // "" when NULL, as v1's parser defaults it
	EntityID      *string      // nil when NULL
	EntityType    *string      // nil when NULL and no default
	Entity        pyjson.Value // JSON null when NULL
	UpdatedFields []string
	HasUpdated    bool // updated_fields was an array (possibly empty)
	Metadata      pyjson.Value
	// NullStatus marks a mutation_response row (its status, message and
	// entity keys are there) whose status is not a string: v1 reads it in
	// the simple format, the whole row as the entity of a success.
	NullStatus bool
}

// ErrMalformed reports a row that is not a JSON object.
var ErrMalformed = errors.New("mutation: the function's result is not a JSON object")

// NoResult is the row v1 substitutes when the function returns no row or a
// NULL: an error result with status failed:no_result.
func NoResult() *Result {
	return &Result{Status: "failed:no_result", Message: "No result returned from mutation"}
}

// Parse reads the row_to_json text of a mutation_response row. A value
// without a string "status" is v1's "simple format": the whole value is the
// entity of a success. defaultEntityType is used when entity_type is NULL.
func Parse(row []byte, defaultEntityType string) (*Result, error) {
	if row == nil {
		return NoResult(), nil
	}
	v, err := pyjson.Decode(row)
	if err != nil {
		return nil, err
	}
	if v.Kind == pyjson.Null {
		return NoResult(), nil
	}
	var def *string
	if defaultEntityType != "" {
		def = &defaultEntityType
	}
	st := v.Get("status")
	if v.Kind != pyjson.Object || st == nil || st.Kind != pyjson.String {
		if v.Kind != pyjson.Object && v.Kind != pyjson.Array {
			return nil, ErrMalformed
		}
		r := &Result{Status: "success", Message: "Success", EntityType: def, Entity: v}
		r.NullStatus = v.Kind == pyjson.Object && st != nil && v.Get("message") != nil && v.Get("entity") != nil
		if id := v.Get("id"); id != nil && id.Kind == pyjson.String {
			s := id.Str
			r.EntityID = &s
		}
		return r, nil
	}
	r := &Result{Status: st.Str, EntityType: def}
	if m := v.Get("message"); m != nil && m.Kind == pyjson.String {
		r.Message = m.Str
	}
	if id := v.Get("entity_id"); id != nil && id.Kind == pyjson.String {
		s := id.Str
		r.EntityID = &s
	}
	if et := v.Get("entity_type"); et != nil && et.Kind == pyjson.String {
		s := et.Str
		r.EntityType = &s
	}
	if e := v.Get("entity"); e != nil {
		r.Entity = *e
	}
	if uf := v.Get("updated_fields"); uf != nil && uf.Kind == pyjson.Array {
		r.HasUpdated = true
		for _, it := range uf.Items {
			if it.Kind == pyjson.String {
				r.UpdatedFields = append(r.UpdatedFields, it.Str)
			}
		}
	}
	if md := v.Get("metadata"); md != nil {
		r.Metadata = *md
	}
	return r, nil
}

// Selection is the part of a GraphQL selection v1 filters an entity with:
// field names (not aliases) in selection order, and the selections of the
// fields that have sub-selections.
type Selection struct {
	Fields []string
	Nested map[string]*Selection
}

// Config describes one mutation field; built once per prepared operation.
type Config struct {
	// SuccessType and ErrorType are the result type names (__typename).
	SuccessType, ErrorType string
	// EntityKey is the success type's entity field as v1 names it (the
	// snake_case Python name, "user"); "" derives it from entity_type.
	EntityKey string
	// SuccessFields and ErrorFields are the fields selected through
	// fragments on each type; nil (no such fragment) selects everything.
	SuccessFields, ErrorFields []string
	// Entity filters the success entity; nil leaves it whole.
	Entity *Selection
	// OmitCode leaves out the error object's "code", which v1 always
	// writes, when the client selected nothing on the error type.
	OmitCode bool
	// UnknownStatusIsError makes a status outside v1's taxonomy (not a
	// success word, error prefix or noop:), and a mutation_response row
	// whose status is NULL, an error result (code 500, identifier
	// unknown_status) instead of v1's silent success: a function that
	// answers "ok" or "sucess" must not report a success it never
	// promised. Off under --quirks v1.9.7.
	UnknownStatusIsError bool
}

func selected(fields []string, name string) bool {
	return fields == nil || slices.Contains(fields, name)
}

// Object builds the result object of r, as a JSON value.
func Object(r *Result, c *Config) pyjson.Value {
	if c.UnknownStatusIsError && (r.NullStatus || !KnownStatus(r.Status)) {
		return unknownStatusObject(r, c)
	}
	kind, code := Classify(r.Status)
	if kind == Success {
		return successObject(r, c)
	}
	return errorObject(r, c, code)
}

// unknownStatusObject is the error result of a status outside the
// taxonomy. The status is shown as the function returned it (null for a
// NULL); the generated error says what went wrong, and the function's
// own metadata.errors, when given, are kept as for any error.
func unknownStatusObject(r *Result, c *Config) pyjson.Value {
	u := *r
	msg := "The mutation function returned an unknown status " + strconvQuote(r.Status)
	if r.NullStatus {
		u = Result{Message: "", Metadata: pyjson.NullValue()}
		if m := r.Entity.Get("message"); m != nil && m.Kind == pyjson.String {
			u.Message = m.Str
		}
		if md := r.Entity.Get("metadata"); md != nil {
			u.Metadata = *md
		}
		msg = "The mutation function returned a NULL status"
	}
	u.Entity = pyjson.NullValue() // never a success entity on an error result
	if u.Metadata.Get("errors") == nil {
		u.Metadata = pyjson.Obj(pyjson.Pair("errors", pyjson.Arr(pyjson.Obj(
			pyjson.Pair("code", pyjson.IntValue(unknownStatusCode)),
			pyjson.Pair("identifier", pyjson.Str(unknownStatusIdentifier)),
			pyjson.Pair("message", pyjson.Str(msg)),
			pyjson.Pair("details", pyjson.NullValue()),
		))))
	}
	obj := errorObject(&u, c, unknownStatusCode)
	if r.NullStatus && selected(c.ErrorFields, "status") {
		obj.Get("status").Kind = pyjson.Null
	}
	return obj
}

// strconvQuote quotes a status for a message the way JSON would show it.
func strconvQuote(s string) string {
	return string(rowjson.AppendString(nil, s))
}

func successObject(r *Result, c *Config) pyjson.Value {
	obj := newObject(pyjson.Pair("__typename", pyjson.Str(c.SuccessType)))
	sel := c.SuccessFields
	if selected(sel, "id") && r.EntityID != nil {
		obj.set("id", pyjson.Str(*r.EntityID))
	}
	if selected(sel, "message") {
		obj.set("message", pyjson.Str(r.Message))
	}
	if selected(sel, "status") {
		obj.set("status", pyjson.Str(r.Status))
	}
	entityType := "Entity"
	if r.EntityType != nil {
		entityType = *r.EntityType
	}
	field := c.EntityKey
	if field == "" {
		field = strings.ToLower(entityType)
	}
	field = schema.CamelCase(field)
	if selected(sel, field) {
		entity := r.Entity
		wrapper := c.EntityKey != "" && entity.Kind == pyjson.Object && entity.Get(c.EntityKey) != nil
		if wrapper {
			entity = *r.Entity.Get(c.EntityKey)
		}
		out := transformEntity(&entity, entityType)
		if c.Entity != nil {
			out = filter(&out, c.Entity)
		}
		obj.set(field, out)
		if wrapper {
			// v1 copies the wrapper's other members next to the entity.
			for i := range r.Entity.Members {
				m := &r.Entity.Members[i]
				if m.Key == c.EntityKey || m.Key == "entity" || m.Key == "cascade" {
					continue
				}
				k := schema.CamelCase(m.Key)
				if !obj.has(k) && selected(sel, k) {
					obj.set(k, transformValue(&m.Value))
				}
			}
		}
	}
	if selected(sel, "updatedFields") && r.HasUpdated {
		list := pyjson.Value{Kind: pyjson.Array, Items: make([]pyjson.Value, len(r.UpdatedFields))}
		for i, f := range r.UpdatedFields {
			list.Items[i] = pyjson.Str(schema.CamelCase(f))
		}
		obj.set("updatedFields", list)
	}
	return obj.Value
}

func errorObject(r *Result, c *Config, code int) pyjson.Value {
	obj := newObject(pyjson.Pair("__typename", pyjson.Str(c.ErrorType)))
	sel := c.ErrorFields
	if !c.OmitCode {
		obj.set("code", pyjson.IntValue(int64(code)))
	}
	if selected(sel, "status") {
		obj.set("status", pyjson.Str(r.Status))
	}
	if selected(sel, "message") {
		obj.set("message", pyjson.Str(r.Message))
	}
	if selected(sel, "errors") {
		obj.set("errors", errorsList(r, code))
	}
	if r.Entity.Kind == pyjson.Object {
		for i := range r.Entity.Members {
			m := &r.Entity.Members[i]
			if m.Key == "entity" || m.Key == "cascade" {
				continue
			}
			k := schema.CamelCase(m.Key)
			if !obj.has(k) && selected(sel, k) {
				obj.set(k, transformValue(&m.Value))
			}
		}
	}
	return obj.Value
}

// errorsList is metadata.errors when the function gave it, else one error
// generated from the status: the identifier is the part after the first
// colon ("general_error" without one).
func errorsList(r *Result, code int) pyjson.Value {
	if e := r.Metadata.Get("errors"); e != nil {
		return *e
	}
	ident := "general_error"
	if _, after, ok := strings.Cut(r.Status, ":"); ok {
		ident = after
	}
	return pyjson.Arr(pyjson.Obj(
		pyjson.Pair("code", pyjson.IntValue(int64(code))),
		pyjson.Pair("identifier", pyjson.Str(ident)),
		pyjson.Pair("message", pyjson.Str(r.Message)),
		pyjson.Pair("details", pyjson.NullValue()),
	))
}

// object is a JSON object under construction with map-insert semantics.
type object struct{ pyjson.Value }

func newObject(members ...pyjson.Member) *object {
	return &object{pyjson.Value{Kind: pyjson.Object, Members: members}}
}

func (o *object) has(k string) bool { return o.Get(k) != nil }

func (o *object) set(k string, v pyjson.Value) {
	if p := o.Get(k); p != nil {
		*p = v
		return
	}
	o.Members = append(o.Members, pyjson.Pair(k, v))
}

// transformEntity is v1's transform_entity: __typename first, keys
// camelCased all the way down; each element of a list entity is an entity.
func transformEntity(v *pyjson.Value, typename string) pyjson.Value {
	switch v.Kind {
	case pyjson.Object:
		o := newObject(pyjson.Pair("__typename", pyjson.Str(typename)))
		for i := range v.Members {
			o.set(schema.CamelCase(v.Members[i].Key), transformValue(&v.Members[i].Value))
		}
		return o.Value
	case pyjson.Array:
		out := pyjson.Value{Kind: pyjson.Array, Items: make([]pyjson.Value, len(v.Items))}
		for i := range v.Items {
			out.Items[i] = transformEntity(&v.Items[i], typename)
		}
		return out
	}
	return *v
}

// transformValue camelCases every object key, without __typename.
func transformValue(v *pyjson.Value) pyjson.Value {
	switch v.Kind {
	case pyjson.Object:
		o := newObject()
		o.Members = make([]pyjson.Member, 0, len(v.Members))
		for i := range v.Members {
			o.set(schema.CamelCase(v.Members[i].Key), transformValue(&v.Members[i].Value))
		}
		return o.Value
	case pyjson.Array:
		out := pyjson.Value{Kind: pyjson.Array, Items: make([]pyjson.Value, len(v.Items))}
		for i := range v.Items {
			out.Items[i] = transformValue(&v.Items[i])
		}
		return out
	}
	return *v
}

// filter is v1's filter_entity_fields: an object keeps only the selected
// names (recursing where the selection has a sub-selection); lists,
// scalars and empty selections are left whole.
func filter(v *pyjson.Value, s *Selection) pyjson.Value {
	if v.Kind != pyjson.Object || s == nil || len(s.Fields) == 0 {
		return *v
	}
	o := newObject()
	for _, f := range s.Fields {
		fv := v.Get(f)
		if fv == nil {
			continue
		}
		if sub := s.Nested[f]; sub != nil {
			o.set(f, filter(fv, sub))
		} else {
			o.set(f, *fv)
		}
	}
	return o.Value
}

// AppendJSON writes v as serde_json does without preserve_order: compact,
// every object's keys sorted byte-wise (a repeated key keeps its last
// value), numbers and strings in serde's forms.
func AppendJSON(dst []byte, v *pyjson.Value) []byte {
	switch v.Kind {
	case pyjson.Null:
		return append(dst, "null"...)
	case pyjson.Bool:
		if v.Bool {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case pyjson.Int, pyjson.Float:
		return rowjson.AppendNumber(dst, v.Num)
	case pyjson.String:
		return rowjson.AppendString(dst, v.Str)
	case pyjson.Array:
		dst = append(dst, '[')
		for i := range v.Items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSON(dst, &v.Items[i])
		}
		return append(dst, ']')
	}
	order := make([]int, len(v.Members))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(v.Members[a].Key, v.Members[b].Key) })
	dst = append(dst, '{')
	first := true
	for n, i := range order {
		if n+1 < len(order) && v.Members[order[n+1]].Key == v.Members[i].Key {
			continue // the later member wins, as a map insert does
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = rowjson.AppendString(dst, v.Members[i].Key)
		dst = append(dst, ':')
		dst = AppendJSON(dst, &v.Members[i].Value)
	}
	return append(dst, '}')
}

// AppendResponse writes v1's whole body for a single mutation field:
// {"data":{"<field>":<object>}}.
func AppendResponse(dst []byte, field string, obj *pyjson.Value) []byte {
	dst = append(dst, `{"data":{`...)
	dst = rowjson.AppendString(dst, field)
	dst = append(dst, ':')
	dst = AppendJSON(dst, obj)
	return append(dst, "}}"...)
}
