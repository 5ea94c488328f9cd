package rowjson

import (
	"math"
	"slices"
	"strconv"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// This file is the typed rewrite: the same single forward scan as the
// untyped one, which also completes each value as graphql-core's executor
// does with the declared type (complete_value): a missing key is null, a
// null in a non-null position is a field error that nulls the nearest
// nullable parent, leaves are serialised by their scalar (Int's 32-bit
// range, enum names, String/Boolean/ID coercions), and numbers keep their
// exact value. Nothing is decoded on the way; a position that turns out
// null is cut back out of the output buffer, and errors (rare) are the
// only allocations.

// Wrap is one level of a field's type, outermost first: a list or the
// named type, either of them non-null. [User!]! is {List, NonNull},
// {NonNull}.
type Wrap struct {
	List, NonNull bool
}

// Scalar is how a leaf value is serialised.
type Scalar uint8

const (
	// ScalarAny copies the value as it is stored (custom scalars such as
	// UUID, DateTime, Date, Time, Decimal, JSON).
	ScalarAny Scalar = iota
	ScalarString
	ScalarInt
	ScalarFloat
	ScalarBoolean
	ScalarID
	// ScalarEnum accepts a string equal to one of Check.EnumStored and
	// writes the enum value's name.
	ScalarEnum
	// ScalarDateTime accepts an ISO 8601 date and time and writes it in
	// UTC with a Z, as v1's DateTime serialize does.
	ScalarDateTime
	// ScalarDate accepts a YYYY-MM-DD string.
	ScalarDate
	// ScalarTime accepts HH:MM or HH:MM:SS (fractional seconds kept).
	ScalarTime
	// ScalarDecimal writes a number with its stored digits (a string
	// holding a number becomes that number), never through a float.
	ScalarDecimal
)

// Check is a field's declared type as the typed rewrite reads it. It
// depends on the schema field only, so one Check is shared by every
// projection that selects the field.
type Check struct {
	Wraps      []Wrap // at least one; the last is the named type
	Scalar     Scalar
	EnumName   string
	EnumValues []string
	// EnumStored are the values the documents hold, by index of
	// EnumValues (@stored(value:); the name when not declared): a stored
	// value is served as its name.
	EnumStored []string
	// Coordinate is "Parent.field", as graphql-core's messages name it.
	Coordinate string
}

// FieldError is a value that could not be completed. Path is relative to
// the row (object keys as strings, list indexes as ints); Site is the
// Field.Site of the field that failed; order is the position of the
// failure in graphql-core's depth-first execution order.
type FieldError struct {
	Message string
	Path    []any
	Site    any
	Order   []int
}

// NewCheckedNode is NewNode for the typed rewrite: every field must carry a
// Check.
func NewCheckedNode(typename string, fields []Field) *Node {
	n := NewNode(typename, fields)
	n.checked = true
	return n
}

// AppendRowChecked appends the typed rewrite of one row document (an
// object of n's type) to dst, and what fails to errs (in graphql-core's
// execution order). When the row cannot be completed (a non-null field of
// it is null), dst is returned cut back to its length on entry and nulled
// is true: the caller writes null where the row goes, or fails the list or
// field holding it. A nil row is written as null.
func AppendRowChecked(dst, row []byte, n *Node, errs []FieldError) (out []byte, _ []FieldError, nulled bool, err error) {
	if row == nil {
		return append(dst, "null"...), errs, false, nil
	}
	t := transformer{errs: errs, exact: true}
	mark, base := len(dst), len(errs)
	i := skipWS(row, 0)
	if i < len(row) && row[i] == '{' {
		dst, i, err = t.object(dst, row, i, n)
	} else {
		dst, i, err = t.value(dst, row, i, nil)
	}
	t.release()
	errs = t.errs
	if len(errs) > base+1 {
		slices.SortStableFunc(errs[base:], func(a, b FieldError) int { return slices.Compare(a.Order, b.Order) })
	}
	if err != nil {
		return dst, errs, false, err
	}
	if skipWS(row, i) != len(row) {
		return dst, errs, false, ErrSyntax
	}
	if t.nulled {
		return dst[:mark], errs, true, nil
	}
	return dst, errs, false, nil
}

// PrefixErrors puts key (a string or an int) and its execution order in
// front of the path of every error of errs from index from on.
func PrefixErrors(errs []FieldError, from int, key any, order int) {
	for k := from; k < len(errs); k++ {
		errs[k].Path = slices.Insert(errs[k].Path, 0, key)
		errs[k].Order = slices.Insert(errs[k].Order, 0, order)
	}
}

// writeChecked writes object n from the spans the scan found.
func (t *transformer) writeChecked(dst, in []byte, spans []span, n *Node) ([]byte, error) {
	base := len(t.errs)
	failed := -1 // selection order of the first field (in that order) that nulls the object
	dst = append(dst, '{')
	for k := range n.entries {
		e := &n.entries[k]
		if k > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, e.prefix...)
		if e.typename {
			continue
		}
		mark := len(t.errs)
		var nulled bool
		var err error
		dst, nulled, err = t.complete(dst, in, spans[k], e, 0)
		if err != nil {
			return dst, err
		}
		if len(t.errs) > mark {
			PrefixErrors(t.errs, mark, e.outKey, e.order)
		}
		if nulled && (failed < 0 || e.order < failed) {
			failed = e.order
		}
	}
	if failed >= 0 {
		// graphql-core runs fields in selection order and stops at the first
		// one that nulls the object: errors of the fields after it were
		// never raised.
		errs := (t.errs)[:base]
		for _, fe := range (t.errs)[base:] {
			if fe.Order[0] <= failed {
				errs = append(errs, fe)
			}
		}
		t.errs = errs
		t.nulled = true
	}
	return append(dst, '}'), nil
}

// complete writes the value of e at sp (start < 0: absent) for wrapper
// level lv of its type. nulled means the value is null in a non-null
// position: the error is recorded and the caller must null its own
// position.
func (t *transformer) complete(dst, in []byte, sp span, e *entry, lv int) ([]byte, bool, error) {
	w := e.check.Wraps[lv]
	if sp.start < 0 || in[sp.start] == 'n' {
		if w.NonNull {
			t.fail(e, "Cannot return null for non-nullable field "+e.check.Coordinate+".")
			return dst, true, nil
		}
		return append(dst, "null"...), false, nil
	}
	start := len(dst)
	nulled := false
	var err error
	switch {
	case w.List:
		if in[sp.start] != '[' {
			t.fail(e, "Expected Iterable, but did not find one for field '"+e.check.Coordinate+"'.")
			nulled = true
			break
		}
		dst, nulled, err = t.completeList(dst, in, sp, e, lv)
	case e.child != nil:
		if in[sp.start] != '{' {
			// A resolver reading fields of a non-mapping finds none: every
			// field is null.
			dst, _, err = t.object(dst, []byte("{}"), 0, e.child)
		} else {
			dst, _, err = t.object(dst, in[:sp.end], sp.start, e.child)
		}
		nulled, t.nulled = t.nulled, false
	default:
		var msg string
		dst, msg = t.leaf(dst, in[sp.start:sp.end], sp.flags, e.check)
		if msg != "" {
			t.fail(e, msg)
			nulled = true
		}
	}
	if err != nil || !nulled {
		return dst, false, err
	}
	dst = dst[:start]
	if w.NonNull {
		return dst, true, nil
	}
	return append(dst, "null"...), false, nil
}

// completeList writes the list at sp, item by item (wrapper level lv+1).
// An item that nulls the list ends it: graphql-core completes no further
// item.
func (t *transformer) completeList(dst, in []byte, sp span, e *entry, lv int) ([]byte, bool, error) {
	if err := t.enter(); err != nil {
		return dst, false, err
	}
	dst = append(dst, '[')
	i := skipWS(in, sp.start+1)
	if i < len(in) && in[i] == ']' {
		t.depth--
		return append(dst, ']'), false, nil
	}
	for idx := 0; ; idx++ {
		end, flags, err := skipValue(in, i, t.depth)
		if err != nil {
			return dst, false, err
		}
		if idx > 0 {
			dst = append(dst, ',')
		}
		mark := len(t.errs)
		var nulled bool
		dst, nulled, err = t.complete(dst, in, span{i, end, flags}, e, lv+1)
		if err != nil {
			return dst, false, err
		}
		if len(t.errs) > mark {
			PrefixErrors(t.errs, mark, idx, idx)
		}
		if nulled {
			t.depth--
			return dst, true, nil
		}
		i = skipWS(in, end)
		if i >= len(in) {
			return dst, false, ErrSyntax
		}
		switch in[i] {
		case ',':
			i = skipWS(in, i+1)
		case ']':
			t.depth--
			return append(dst, ']'), false, nil
		default:
			return dst, false, ErrSyntax
		}
	}
}

func (t *transformer) fail(e *entry, msg string) {
	t.errs = append(t.errs, FieldError{Message: msg, Site: e.site})
}

// leaf serialises a scalar or enum value v as graphql-core's serialize
// functions do; a value the type cannot represent returns their message.
func (t *transformer) leaf(dst, v []byte, flags uint8, c *Check) ([]byte, string) {
	switch c.Scalar {
	case ScalarAny:
		switch v[0] {
		case '"':
			return appendStringToken(dst, v, flags), ""
		case 't', 'f':
			return append(dst, v...), ""
		case '{', '[':
			out, _, err := t.value(dst, v, 0, nil)
			if err != nil {
				return dst, "Internal server error"
			}
			return out, ""
		}
		return appendNumberExact(dst, v), ""
	case ScalarString:
		switch v[0] {
		case '"':
			return appendStringToken(dst, v, flags), ""
		case 't', 'f':
			return appendString(dst, string(v)), ""
		case '{', '[':
			return dst, "String cannot represent value: " + inspect(v)
		}
		// str() of a number: Python's repr of the int or float json.loads made.
		return appendString(dst, inspect(v)), ""
	case ScalarBoolean:
		switch v[0] {
		case 't', 'f':
			return append(dst, v...), ""
		case '"', '{', '[':
			return dst, "Boolean cannot represent a non boolean value: " + inspect(v)
		}
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil || math.IsInf(f, 0) {
			return dst, "Boolean cannot represent a non boolean value: " + inspect(v)
		}
		if f == 0 {
			return append(dst, "false"...), ""
		}
		return append(dst, "true"...), ""
	case ScalarInt:
		return serializeInt(dst, v)
	case ScalarFloat:
		switch v[0] {
		case 't':
			return append(dst, '1'), ""
		case 'f':
			return append(dst, '0'), ""
		case '"':
			s := unquote(v)
			f, err := strconv.ParseFloat(s, 64)
			if s == "" || err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return dst, "Float cannot represent non numeric value: " + inspect(v)
			}
			return AppendSerdeFloat(dst, f), ""
		case '{', '[':
			return dst, "Float cannot represent non numeric value: " + inspect(v)
		}
		return appendNumberExact(dst, v), ""
	case ScalarID:
		switch v[0] {
		case '"':
			return appendStringToken(dst, v, flags), ""
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			if isIntLiteral(v) {
				return appendString(dst, inspect(v)), ""
			}
			if f, err := strconv.ParseFloat(string(v), 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<63 {
				return appendString(dst, strconv.FormatInt(int64(f), 10)), ""
			}
		}
		return dst, "ID cannot represent value: " + inspect(v)
	case ScalarDateTime:
		if v[0] != '"' {
			return dst, "DateTime cannot represent non-datetime value: " + inspect(v)
		}
		if b, ok := plainString(v); ok && canonicalDateTime(b) {
			return appendStringToken(dst, v, flags), "" // already UTC with a Z
		}
		out, ok := schema.ServeDateTime(unquote(v))
		if !ok {
			return dst, "DateTime cannot represent invalid ISO datetime string: " + inspect(v)
		}
		return appendString(dst, out), ""
	case ScalarDate:
		if v[0] != '"' {
			return dst, "Date cannot represent non-date value: " + inspect(v)
		}
		if b, ok := plainString(v); ok && validDate(b) {
			return appendStringToken(dst, v, flags), ""
		}
		if s := unquote(v); !schema.ValidDate(s) {
			return dst, "Date cannot represent invalid ISO date string: " + inspect(v)
		}
		return appendStringToken(dst, v, flags), ""
	case ScalarTime:
		if b, ok := plainString(v); ok && validTime(b) {
			return appendStringToken(dst, v, flags), ""
		}
		if v[0] != '"' || !schema.ValidTime(unquote(v), true) {
			s := string(v)
			if v[0] == '"' {
				s = unquote(v)
			}
			return dst, "Invalid time: " + s + ". Must be HH:MM or HH:MM:SS format (e.g., '14:30', '09:15:30', '23:59')"
		}
		return appendStringToken(dst, v, flags), ""
	case ScalarDecimal:
		switch v[0] {
		case '"':
			if s := unquote(v); schema.DecimalText(s) {
				return append(dst, s...), ""
			}
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			return append(dst, v...), ""
		}
		return dst, "Decimal cannot represent non numeric value: " + inspect(v)
	case ScalarEnum:
		if v[0] == '"' {
			s := unquote(v)
			if i := slices.Index(c.EnumStored, s); i >= 0 {
				return appendString(dst, c.EnumValues[i]), ""
			}
		}
		return dst, "Enum '" + c.EnumName + "' cannot represent value: " + inspect(v)
	}
	return dst, "Internal server error"
}

// serializeInt is graphql-core's serialize_int.
func serializeInt(dst, v []byte) ([]byte, string) {
	var n int64
	switch v[0] {
	case 't':
		return append(dst, '1'), ""
	case 'f':
		return append(dst, '0'), ""
	case '{', '[':
		return dst, "Int cannot represent non-integer value: " + inspect(v)
	case '"':
		// int(str) then float(str) must agree: only plain integer text.
		s := trimSpace(unquote(v))
		var err error
		if s == "" || !isIntLiteral([]byte(s)) {
			return dst, "Int cannot represent non-integer value: " + inspect(v)
		}
		if n, err = strconv.ParseInt(s, 10, 64); err != nil || n > math.MaxInt32 || n < math.MinInt32 {
			return dst, "Int cannot represent non 32-bit signed integer value: " + inspect(v)
		}
		return strconv.AppendInt(dst, n, 10), ""
	}
	if isIntLiteral(v) {
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || n > math.MaxInt32 || n < math.MinInt32 {
			return dst, "Int cannot represent non 32-bit signed integer value: " + inspect(v)
		}
		return strconv.AppendInt(dst, n, 10), ""
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if (err != nil && !math.IsInf(f, 0)) || math.IsInf(f, 0) || f != math.Trunc(f) {
		return dst, "Int cannot represent non-integer value: " + inspect(v)
	}
	if f > math.MaxInt32 || f < math.MinInt32 {
		return dst, "Int cannot represent non 32-bit signed integer value: " + inspect(v)
	}
	return strconv.AppendInt(dst, int64(f), 10), ""
}

func isIntLiteral(v []byte) bool {
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		v = v[1:]
	}
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// unquote decodes a scanned string token.
func unquote(tok []byte) string {
	return string(appendUnescaped(nil, tok[1:len(tok)-1]))
}

// inspect is graphql-core's inspect() of the Python value json.loads makes
// of v (error messages only).
func inspect(v []byte) string {
	pv, err := pyjson.Decode(v)
	if err != nil {
		return string(v)
	}
	return pyjson.Repr(&pv)
}

// appendNumberExact writes a number in serde_json's form (v1's) when that
// form has the same value, and as stored otherwise: integers beyond 64 bits,
// decimals with more significant digits than a float64 keeps, and values
// beyond its range (1e400) are not rounded or turned into null.
func appendNumberExact(dst, lit []byte) []byte {
	var sigBuf [32]byte
	sig, ok := significant(sigBuf[:0], lit)
	if ok && len(sig) <= 15 && !slices.ContainsFunc(lit, func(c byte) bool { return c == 'e' || c == 'E' }) {
		return appendNumber(dst, lit)
	}
	if isIntLiteral(lit) {
		if _, err := strconv.ParseInt(string(lit), 10, 64); err == nil {
			return append(dst, lit...)
		}
		if _, err := strconv.ParseUint(string(lit), 10, 64); err == nil {
			return append(dst, lit...)
		}
		return append(dst, lit...)
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil || math.IsInf(f, 0) || !ok {
		return append(dst, lit...)
	}
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], math.Abs(f), 'e', -1, 64)
	var shortBuf [32]byte
	short, _ := significant(shortBuf[:0], e)
	if string(short) == string(sig) {
		return appendNumber(dst, lit)
	}
	return append(dst, lit...)
}

// significant appends the significant digits of a number literal (no
// sign, point, exponent, leading or trailing zeros) to dst; ok is false
// when there are more than fit in dst's capacity.
func significant(dst, lit []byte) ([]byte, bool) {
	for _, c := range lit {
		if c == 'e' || c == 'E' {
			break
		}
		if c < '0' || c > '9' || (c == '0' && len(dst) == 0) {
			continue
		}
		if len(dst) == cap(dst) {
			return dst, false
		}
		dst = append(dst, c)
	}
	for len(dst) > 0 && dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
	}
	return dst, true
}

// The leaves' fast paths: a stored value already in its served form is
// checked on its bytes and copied, without unquoting or parsing it.

// plainString returns the contents of a JSON string token without escapes.
func plainString(v []byte) ([]byte, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' || slices.Contains(v[1:len(v)-1], '\\') {
		return nil, false
	}
	return v[1 : len(v)-1], true
}

// num reads the decimal digits b[i:j] (false when one is not a digit).
func num(b []byte, i, j int) (int, bool) {
	n := 0
	for ; i < j; i++ {
		if b[i] < '0' || b[i] > '9' {
			return 0, false
		}
		n = n*10 + int(b[i]-'0')
	}
	return n, true
}

// validDate reports whether b is a calendar date YYYY-MM-DD (year 1 to 9999).
func validDate(b []byte) bool {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return false
	}
	y, ok1 := num(b, 0, 4)
	m, ok2 := num(b, 5, 7)
	d, ok3 := num(b, 8, 10)
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// validClock reports whether b is HH:MM:SS (00:00:00 to 23:59:59).
func validClock(b []byte) bool {
	if len(b) != 8 || b[2] != ':' || b[5] != ':' {
		return false
	}
	h, ok1 := num(b, 0, 2)
	m, ok2 := num(b, 3, 5)
	s, ok3 := num(b, 6, 8)
	return ok1 && ok2 && ok3 && h < 24 && m < 60 && s < 60
}

// canonicalDateTime reports whether b is a date and time as v1's DateTime
// serializes it: YYYY-MM-DDTHH:MM:SS, six fraction digits or none, Z.
func canonicalDateTime(b []byte) bool {
	if (len(b) != 20 && len(b) != 27) || b[10] != 'T' || b[len(b)-1] != 'Z' || !validDate(b[:10]) || !validClock(b[11:19]) {
		return false
	}
	if len(b) == 27 {
		_, ok := num(b, 20, 26)
		return b[19] == '.' && ok
	}
	return true
}

// validTime reports whether b is HH:MM, HH:MM:SS or HH:MM:SS.f (one to
// six fraction digits).
func validTime(b []byte) bool {
	if len(b) == 5 {
		h, ok1 := num(b, 0, 2)
		m, ok2 := num(b, 3, 5)
		return b[2] == ':' && ok1 && ok2 && h < 24 && m < 60
	}
	if len(b) < 8 || !validClock(b[:8]) {
		return false
	}
	if len(b) == 8 {
		return true
	}
	_, ok := num(b, 9, len(b))
	return b[8] == '.' && len(b) >= 10 && len(b) <= 15 && ok
}
