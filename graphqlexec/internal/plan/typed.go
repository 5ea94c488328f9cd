package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// This file is the default (typed) form of where and orderBy: each
// comparison is typed by the declared type of the field it filters, where
// v1.9.7 (Read.V1) compares the text of every JSON value. See
// docs/schema.md, "Filter semantics".
//
//	Int, Float, Decimal    (data ->> 'k')::numeric  op $n::numeric
//	Boolean                (data ->> 'k')::boolean  op $n::boolean
//	UUID                   (data ->> 'k')::uuid     op $n::uuid
//	DateTime, Date, Time   (data ->> 'k')::timestamptz / date / time
//	String, ID, enums      data ->> 'k' (text)
//	lists                  data -> 'k' (jsonb: @>, <@, jsonb_array_length, …)
//	a field with @column   "column" op $n (typed by the column)

// Limits on typed filter values.
const (
	// MaxInItems bounds one in/nin list (bound as one array parameter).
	MaxInItems = 10000
	// MaxRegexBytes bounds a matches/imatches/notMatches pattern.
	MaxRegexBytes = 1000
)

// casts maps a declared scalar to the SQL type its JSON text is cast to.
// Scalars missing here compare as text.
var casts = map[string]string{
	"Int": "numeric", "Float": "numeric", "Decimal": "numeric",
	"Boolean": "boolean", "UUID": "uuid",
	"DateTime": "timestamptz", "Date": "date", "Time": "time",
}

// typedOps maps the GraphQL operator names of the generated filters to the
// typed planner's operators (aliases folded).
var typedOps = map[string]string{
	"eq": "eq", "neq": "neq", "gt": "gt", "gte": "gte", "lt": "lt", "lte": "lte",
	"in": "in", "nin": "nin", "notin": "nin", "isnull": "isnull",
	"contains": "contains", "icontains": "icontains",
	"startswith": "startswith", "istartswith": "istartswith",
	"endswith": "endswith", "iendswith": "iendswith",
	"like": "like", "ilike": "ilike",
	"matches": "matches", "imatches": "imatches", "notMatches": "notMatches",
	// ArrayFilter
	"containedBy": "containedBy", "strictlyContains": "strictlyContains", "overlaps": "overlaps",
	"lenEq": "lenEq", "lenNeq": "lenNeq", "lenGt": "lenGt", "lenGte": "lenGte", "lenLt": "lenLt", "lenLte": "lenLte",
	"anyEq": "anyEq", "allEq": "allEq", "inArray": "anyEq",
	"arrayEq": "eq", "arrayNeq": "neq", "arrayContains": "contains", "arrayContainedBy": "containedBy",
	"arrayOverlaps": "overlaps", "arrayLengthEq": "lenEq", "arrayLengthGt": "lenGt",
	"arrayLengthGte": "lenGte", "arrayLengthLt": "lenLt", "arrayAnyEq": "anyEq", "arrayAllEq": "allEq",
}

// typedField is what the typed planner knows of a filtered field.
type typedField struct {
	scalar string // declared scalar (or enum) name; the element's for lists
	list   bool
	object bool   // a list of objects
	column string // the view column to compare instead of the document
}

func argErr(arg, format string, args ...any) error {
	return &Error{Message: fmt.Sprintf("Argument 'where' has an invalid value at '%s': %s", arg, fmt.Sprintf(format, args...))}
}

// typeCondition checks a condition's value against the declared type of
// its field and computes its bound parameter texts. It runs at planning
// time, so no value reaches SQL unchecked.
func (p *planner) typeCondition(c *condition, f *schema.InputValue, top bool) error {
	src := f.Source
	if src == nil {
		return errorf("Field '%s' cannot be filtered.", f.Name)
	}
	tf := typedField{scalar: src.Type.NamedType(), list: src.Type.IsList()}
	if nt := p.s.Type(tf.scalar); nt != nil && nt.Kind == schema.KindObject {
		tf.object = true
	}
	// An object's column (its embedded document, for reads) is never
	// compared: a missing object is SQL NULL there but JSON null in data.
	if top && p.columns && src.Column != "" && !tf.list && !tf.object {
		tf.column = src.Column
	}
	c.typed = &tf
	arg := c.arg
	v := c.val
	switch op := c.op; {
	case op == "isnull":
		if v.Kind != pyjson.Bool {
			return argErr(arg, "isnull takes a Boolean, not %s", pyjson.Repr(v))
		}
		return nil
	case tf.list:
		return p.typeArray(c, &tf, arg)
	case op == "in" || op == "nin":
		items := []pyjson.Value{*v}
		if v.Kind == pyjson.Array {
			items = v.Items
		}
		if len(items) > MaxInItems {
			return argErr(arg, "a list of %d values is longer than %d", len(items), MaxInItems)
		}
		var b strings.Builder
		b.WriteByte('{')
		for i := range items {
			if i > 0 {
				b.WriteByte(',')
			}
			if items[i].Kind == pyjson.Null {
				b.WriteString("NULL")
				continue
			}
			t, err := scalarText(&items[i], tf.scalar, p.s)
			if err != nil {
				return argErr(fmt.Sprintf("%s[%d]", arg, i), "%s", err)
			}
			arrayElem(&b, t)
		}
		b.WriteByte('}')
		c.texts = []string{b.String()}
		return nil
	case op == "contains" || op == "icontains" || op == "startswith" || op == "istartswith" ||
		op == "endswith" || op == "iendswith" || op == "like" || op == "ilike":
		if v.Kind != pyjson.String {
			return argErr(arg, "%s takes a String, not %s", op, pyjson.Repr(v))
		}
		s := v.Str
		if op != "like" && op != "ilike" {
			s = escapeLike(s)
		} else if n := len(s) - len(strings.TrimRight(s, `\`)); n%2 == 1 {
			// PostgreSQL refuses it, but only on a row that reaches the
			// escape: the client's error on every row.
			return argErr(arg, "the %s pattern ends with the escape character \\", op)
		}
		switch strings.TrimPrefix(op, "i") {
		case "contains":
			s = "%" + s + "%"
		case "startswith":
			s += "%"
		case "endswith":
			s = "%" + s
		}
		c.texts = []string{s}
		return nil
	case op == "matches" || op == "imatches" || op == "notMatches":
		if v.Kind != pyjson.String {
			return argErr(arg, "%s takes a String, not %s", op, pyjson.Repr(v))
		}
		if len(v.Str) > MaxRegexBytes {
			return argErr(arg, "the regular expression is longer than %d bytes", MaxRegexBytes)
		}
		c.texts = []string{v.Str}
		return nil
	default: // eq neq gt gte lt lte
		t, err := scalarText(v, tf.scalar, p.s)
		if err != nil {
			return argErr(arg, "%s", err)
		}
		c.texts = []string{t}
		return nil
	}
}

// instant reads a DateTime the scalar accepted and returns it in UTC, in a
// form PostgreSQL's timestamptz always reads: the scalar's ISO 8601 forms
// include years and offsets PostgreSQL refuses, which must be the client's
// error, not a failed statement.
func instant(s string) (string, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15Z07:00"} {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		_, off := t.Zone()
		if off < 0 {
			off = -off
		}
		if t.Year() < 1 || t.Year() > 9999 || off >= 16*3600 {
			return "", graphqlMessage(fmt.Sprintf("DateTime out of range: %q", s))
		}
		return t.UTC().Format(time.RFC3339Nano), nil
	}
	return "", graphqlMessage(fmt.Sprintf("Invalid ISO 8601 DateTime: %q", s))
}

// graphqlMessage is an error in graphql-core's words (capitalised, with
// its punctuation), shown to the client as it is.
type graphqlMessage string

func (m graphqlMessage) Error() string { return string(m) }

// scalarText checks one value against a scalar or enum and returns the
// text it is bound as.
func scalarText(v *pyjson.Value, scalar string, s *schema.Schema) (string, error) {
	if t := s.Type(scalar); t != nil && t.Kind == schema.KindEnum {
		// An enum field has v1's StringFilter: its stored value, as text.
		scalar = "String"
	}
	if err := schema.ParseScalarValue(scalar, v); err != nil {
		return "", err
	}
	switch v.Kind {
	case pyjson.Bool:
		if v.Bool {
			return "true", nil
		}
		return "false", nil
	case pyjson.Int, pyjson.Float:
		if scalar == "String" || scalar == "ID" || scalar == "Decimal" {
			// Decimal: the digits as given, never through a binary float.
			return v.Num, nil
		}
		f, err := strconv.ParseFloat(v.Num, 64)
		if err != nil {
			return "", fmt.Errorf("%s cannot represent value: %s", scalar, pyjson.Repr(v))
		}
		if v.Kind == pyjson.Int {
			return v.Num, nil
		}
		return strconv.FormatFloat(f, 'g', -1, 64), nil
	case pyjson.String:
		switch scalar {
		case "UUID":
			return canonicalUUID(v.Str), nil
		case "DateTime":
			return instant(v.Str)
		}
		return v.Str, nil
	}
	return "", fmt.Errorf("%s cannot represent value: %s", scalar, pyjson.Repr(v))
}

// typeArray checks the value of an ArrayFilter operator. Elements are
// given as strings (ArrayFilter's [String]) and converted to the list's
// element type: numbers for [Int] and [Float], booleans for [Boolean], a
// JSON document for a list of objects.
func (p *planner) typeArray(c *condition, tf *typedField, arg string) error {
	v := c.val
	switch c.op {
	case "lenEq", "lenNeq", "lenGt", "lenGte", "lenLt", "lenLte":
		if err := schema.ParseScalarValue("Int", v); err != nil {
			return argErr(arg, "%s", err)
		}
		f, _ := strconv.ParseFloat(v.Num, 64)
		c.texts = []string{strconv.FormatInt(int64(f), 10)}
		return nil
	case "anyEq", "allEq":
		if v.Kind != pyjson.String {
			return argErr(arg, "%s takes a String, not %s", c.op, pyjson.Repr(v))
		}
		e, err := p.element(v.Str, tf)
		if err != nil {
			return argErr(arg, "%s", err)
		}
		c.texts = []string{string(e)}
		return nil
	case "eq", "neq", "contains", "containedBy", "strictlyContains", "overlaps":
		items := []pyjson.Value{*v}
		if v.Kind == pyjson.Array {
			items = v.Items
		}
		if len(items) > MaxInItems {
			return argErr(arg, "a list of %d values is longer than %d", len(items), MaxInItems)
		}
		out := []byte{'['}
		for i := range items {
			if items[i].Kind != pyjson.String {
				return argErr(fmt.Sprintf("%s[%d]", arg, i), "list elements are given as Strings, not %s", pyjson.Repr(&items[i]))
			}
			e, err := p.element(items[i].Str, tf)
			if err != nil {
				return argErr(fmt.Sprintf("%s[%d]", arg, i), "%s", err)
			}
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, e...)
		}
		out = append(out, ']')
		c.texts = []string{string(out)}
		return nil
	}
	return argErr(arg, "%s does not apply to a list", c.op)
}

// element converts one ArrayFilter string to the JSON of a list element.
func (p *planner) element(s string, tf *typedField) ([]byte, error) {
	if tf.object {
		v, err := pyjson.Decode([]byte(s))
		if err != nil || v.Kind != pyjson.Object {
			return nil, fmt.Errorf("an element of a list of %s is a JSON object in a String, not %q", tf.scalar, s)
		}
		return pyjson.AppendCompact(nil, &v)
	}
	switch tf.scalar {
	case "Int":
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%q is not an Int", s)
		}
		return strconv.AppendInt(nil, n, 10), nil
	case "Decimal":
		// The digits as given (a JSON number jsonb compares as numeric).
		if !schema.DecimalText(s) {
			return nil, fmt.Errorf("%q is not a Decimal", s)
		}
		return []byte(s), nil
	case "Float":
		v, err := pyjson.Decode([]byte(s))
		if err != nil || (v.Kind != pyjson.Int && v.Kind != pyjson.Float) {
			return nil, fmt.Errorf("%q is not a %s", s, tf.scalar)
		}
		if err := schema.ParseScalarValue("Float", &v); err != nil {
			return nil, err
		}
		return []byte(v.Num), nil
	case "Boolean":
		if s != "true" && s != "false" {
			return nil, fmt.Errorf("%q is not a Boolean (true or false)", s)
		}
		return []byte(s), nil
	case "UUID":
		sv := pyjson.Str(s)
		if err := schema.ParseScalarValue("UUID", &sv); err != nil {
			return nil, err
		}
		s = canonicalUUID(s)
	case "DateTime", "Date", "Time":
		// Checked as the scalar checks a filter value; compared by
		// renderTemporalArray as instants, days and times of day.
		sv := pyjson.Str(s)
		t, err := scalarText(&sv, tf.scalar, p.s)
		if err != nil {
			return nil, err
		}
		s = t
	}
	return pyjson.AppendString(nil, s, false), nil
}

// renderTyped writes a typed condition.
func (p *planner) renderTyped(c *condition) string {
	tf := c.typed
	if c.op == "isnull" {
		lhs := p.textExpr(c)
		if c.val.Bool {
			return lhs + " IS NULL"
		}
		return lhs + " IS NOT NULL"
	}
	if tf.list {
		return p.renderArray(c)
	}
	cast := casts[tf.scalar]
	lhs := p.textExpr(c)
	rhsCast := ""
	if tf.column == "" && cast != "" {
		lhs = "(" + lhs + ")::" + cast
		rhsCast = "::" + cast
	}
	switch c.op {
	case "in", "nin":
		arr := "::text[]"
		if cast != "" {
			arr = "::" + cast + "[]"
		}
		if tf.column != "" {
			arr = "" // typed by the column
		}
		s := lhs + " = ANY(" + p.param(Param{Text: c.texts[0]}) + arr + ")"
		if c.op == "nin" {
			return "NOT (" + s + ")"
		}
		return s
	case "contains", "startswith", "endswith", "like":
		return lhs + " LIKE " + p.param(Param{Text: c.texts[0]})
	case "icontains", "istartswith", "iendswith", "ilike":
		return lhs + " ILIKE " + p.param(Param{Text: c.texts[0]})
	case "matches":
		return lhs + " ~ " + p.param(Param{Text: c.texts[0]})
	case "imatches":
		return lhs + " ~* " + p.param(Param{Text: c.texts[0]})
	case "notMatches":
		return lhs + " !~ " + p.param(Param{Text: c.texts[0]})
	}
	return lhs + " " + comparison[c.op] + " " + p.param(Param{Text: c.texts[0]}) + rhsCast
}

// renderArray writes an ArrayFilter condition over the jsonb value.
func (p *planner) renderArray(c *condition) string {
	x := p.jsonExpr(c.path)
	arr := "CASE WHEN jsonb_typeof(" + x + ") = 'array' THEN " + x + " END"
	switch cast := casts[c.typed.scalar]; cast {
	case "timestamptz", "date", "time":
		if !strings.HasPrefix(c.op, "len") {
			return p.renderTemporalArray(c, x, arr, cast)
		}
	}
	switch c.op {
	case "eq":
		return "(jsonb_typeof(" + x + ") = 'array' AND " + x + " = " + p.param(Param{Text: c.texts[0]}) + "::jsonb)"
	case "neq":
		return "(jsonb_typeof(" + x + ") = 'array' AND " + x + " != " + p.param(Param{Text: c.texts[0]}) + "::jsonb)"
	case "contains":
		return "(jsonb_typeof(" + x + ") = 'array' AND " + x + " @> " + p.param(Param{Text: c.texts[0]}) + "::jsonb)"
	case "containedBy":
		return "(jsonb_typeof(" + x + ") = 'array' AND " + x + " <@ " + p.param(Param{Text: c.texts[0]}) + "::jsonb)"
	case "strictlyContains":
		n := p.param(Param{Text: c.texts[0]})
		return "(jsonb_typeof(" + x + ") = 'array' AND " + x + " @> " + n + "::jsonb AND NOT (" + x + " <@ " + n + "::jsonb))"
	case "overlaps":
		return "EXISTS (SELECT 1 FROM jsonb_array_elements(" + arr + ") AS a(v), jsonb_array_elements(" +
			p.param(Param{Text: c.texts[0]}) + "::jsonb) AS b(v) WHERE a.v @> b.v)"
	case "anyEq":
		return "EXISTS (SELECT 1 FROM jsonb_array_elements(" + arr + ") AS a(v) WHERE a.v @> " +
			p.param(Param{Text: c.texts[0]}) + "::jsonb)"
	case "allEq":
		return "(jsonb_typeof(" + x + ") = 'array' AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(" + arr +
			") AS a(v) WHERE NOT a.v @> " + p.param(Param{Text: c.texts[0]}) + "::jsonb))"
	}
	op := map[string]string{"lenEq": "=", "lenNeq": "!=", "lenGt": ">", "lenGte": ">=", "lenLt": "<", "lenLte": "<="}[c.op]
	return "jsonb_array_length(" + arr + ") " + op + " " + p.param(Param{Text: c.texts[0]}) + "::integer"
}

// renderTemporalArray writes an ArrayFilter condition over a list of
// DateTime, Date or Time: the stored strings and the given ones are cast
// and compared as instants, days and times of day (so
// "2025-01-01T02:00:00+02:00" equals a stored "2025-01-01T00:00:00Z" and
// "14:30" a stored "14:30:00"), where jsonb's containment would compare
// their text.
func (p *planner) renderTemporalArray(c *condition, x, arr, cast string) string {
	isArray := "jsonb_typeof(" + x + ") = 'array'"
	stored := func(alias string) string {
		return "jsonb_array_elements_text(" + arr + ") AS " + alias + "(v)"
	}
	given := func(param, alias string) string {
		return "jsonb_array_elements_text(" + param + "::jsonb) AS " + alias + "(v)"
	}
	ordered := func(src, alias string) string {
		return "ARRAY(SELECT " + alias + ".v::" + cast + " FROM jsonb_array_elements_text(" + src + ") WITH ORDINALITY AS " +
			alias + "(v, i) ORDER BY " + alias + ".i)"
	}
	// subset: every element of the first set equals one of the second.
	subset := func(from1, a1, from2, a2 string) string {
		return "NOT EXISTS (SELECT 1 FROM " + from1 + " WHERE NOT EXISTS (SELECT 1 FROM " + from2 +
			" WHERE " + a1 + ".v::" + cast + " = " + a2 + ".v::" + cast + "))"
	}
	switch c.op {
	case "eq", "neq":
		n := p.param(Param{Text: c.texts[0]})
		eq := ordered(arr, "a") + " = " + ordered(n+"::jsonb", "b")
		if c.op == "neq" {
			eq = "NOT (" + eq + ")"
		}
		return "(" + isArray + " AND " + eq + ")"
	case "contains":
		n := p.param(Param{Text: c.texts[0]})
		return "(" + isArray + " AND " + subset(given(n, "b"), "b", stored("a"), "a") + ")"
	case "containedBy":
		n := p.param(Param{Text: c.texts[0]})
		return "(" + isArray + " AND " + subset(stored("a"), "a", given(n, "b"), "b") + ")"
	case "strictlyContains":
		n := p.param(Param{Text: c.texts[0]})
		return "(" + isArray + " AND " + subset(given(n, "b"), "b", stored("a"), "a") +
			" AND NOT " + subset(stored("a"), "a", given(n, "b"), "b") + ")"
	case "overlaps":
		n := p.param(Param{Text: c.texts[0]})
		return "EXISTS (SELECT 1 FROM " + stored("a") + ", " + given(n, "b") + " WHERE a.v::" + cast + " = b.v::" + cast + ")"
	case "anyEq":
		return "EXISTS (SELECT 1 FROM " + stored("a") + " WHERE a.v::" + cast + " = (" + p.param(Param{Text: c.texts[0]}) + "::jsonb #>> '{}')::" + cast + ")"
	case "allEq":
		return "(" + isArray + " AND NOT EXISTS (SELECT 1 FROM " + stored("a") + " WHERE a.v::" + cast +
			" IS DISTINCT FROM (" + p.param(Param{Text: c.texts[0]}) + "::jsonb #>> '{}')::" + cast + "))"
	}
	return "false"
}

// textExpr is the field's value as text: its column, or data ->> 'k'.
func (p *planner) textExpr(c *condition) string {
	if c.typed != nil && c.typed.column != "" {
		return quoteIdent(c.typed.column)
	}
	var b strings.Builder
	b.WriteString(p.dataCol)
	for i, k := range c.path {
		if i == len(c.path)-1 {
			b.WriteString(" ->> ")
		} else {
			b.WriteString(" -> ")
		}
		b.WriteString(quoteLiteral(k))
	}
	return b.String()
}

// jsonExpr is the field's jsonb value: data -> 'a' -> 'k'.
func (p *planner) jsonExpr(path []string) string {
	var b strings.Builder
	b.WriteString(p.dataCol)
	for _, k := range path {
		b.WriteString(" -> ")
		b.WriteString(quoteLiteral(k))
	}
	return b.String()
}

// typedOrderTerm is the default form of an orderBy term: a declared
// column, or a date/time cast, with nulls ordered as the smallest value
// (jsonb's order, v1's); nil when v1's jsonb term stands.
func (p *planner) typedOrderTerm(f *schema.InputValue, fpath []string, dir string) string {
	src := f.Source
	if src == nil || src.Type.IsList() {
		return ""
	}
	nulls := " NULLS FIRST"
	if dir == "DESC" {
		nulls = " NULLS LAST"
	}
	if nt := p.s.Type(src.Type.NamedType()); nt != nil && nt.Kind == schema.KindObject {
		return "" // an object's column holds its document for reads only
	}
	if len(fpath) == 1 && p.columns && src.Column != "" {
		return quoteIdent(src.Column) + " " + dir + nulls
	}
	switch cast := casts[src.Type.NamedType()]; cast {
	case "timestamptz", "date", "time":
		c := &condition{path: fpath}
		return "(" + p.textExpr(c) + ")::" + cast + " " + dir + nulls
	}
	return ""
}

// escapeLike escapes LIKE's wildcards so contains/startswith/endswith match
// the text literally (v1 does not: "50%" matched anything starting with 50).
func escapeLike(s string) string {
	if !strings.ContainsAny(s, `%_\`) {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// arrayElem writes one element of a PostgreSQL array literal, quoted.
func arrayElem(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}

// canonicalUUID renders a UUID lower-case and hyphenated (the scalar has
// already accepted it).
func canonicalUUID(s string) string {
	h := strings.ToLower(s)
	h = strings.TrimPrefix(strings.TrimPrefix(h, "urn:"), "uuid:")
	h = strings.Trim(strings.ReplaceAll(h, "-", ""), "{}")
	if len(h) != 32 {
		return s
	}
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
