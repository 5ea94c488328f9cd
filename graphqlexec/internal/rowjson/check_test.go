package rowjson

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func checked(scalar Scalar, wraps ...Wrap) *Check {
	return &Check{Wraps: wraps, Scalar: scalar, Coordinate: "T.f", EnumName: "Color", EnumValues: []string{"RED", "GREEN"}, EnumStored: []string{"RED", "GREEN"}}
}

var (
	nullable = Wrap{}
	nonNull  = Wrap{NonNull: true}
	list     = Wrap{List: true}
	nnList   = Wrap{List: true, NonNull: true}
)

func errText(errs []FieldError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "%s %v %v|", e.Message, e.Path, e.Order)
	}
	return b.String()
}

// TestCompleteLeaves: each scalar's serialisation and errors, as
// graphql-core's serialize functions (3.2) give them.
func TestCompleteLeaves(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		scalar     Scalar
		value      string
		want, errs string
	}{
		{ScalarInt, `5`, `5`, ``},
		{ScalarInt, `5.0`, `5`, ``},
		{ScalarInt, `2147483647`, `2147483647`, ``},
		{ScalarInt, `-2147483648`, `-2147483648`, ``},
		{ScalarInt, `2147483648`, `null`, `Int cannot represent non 32-bit signed integer value: 2147483648 [f] [0]|`},
		{ScalarInt, `3000000000.0`, `null`, `Int cannot represent non 32-bit signed integer value: 3000000000.0 [f] [0]|`},
		{ScalarInt, `99999999999999999999999`, `null`, `Int cannot represent non 32-bit signed integer value: 99999999999999999999999 [f] [0]|`},
		{ScalarInt, `1.5`, `null`, `Int cannot represent non-integer value: 1.5 [f] [0]|`},
		{ScalarInt, `"12"`, `12`, ``},
		{ScalarInt, `"x"`, `null`, `Int cannot represent non-integer value: 'x' [f] [0]|`},
		{ScalarInt, `true`, `1`, ``},
		{ScalarInt, `[1]`, `null`, `Int cannot represent non-integer value: [1] [f] [0]|`},
		{ScalarFloat, `91`, `91`, ``},
		{ScalarFloat, `2.0`, `2.0`, ``},
		{ScalarFloat, `87.5`, `87.5`, ``},
		{ScalarFloat, `0.1000000000000000055511151231257827`, `0.1000000000000000055511151231257827`, ``},
		{ScalarFloat, `123456789012345678901234567890`, `123456789012345678901234567890`, ``},
		{ScalarFloat, `1` + strings.Repeat("0", 400), `1` + strings.Repeat("0", 400), ``},
		{ScalarFloat, `1e400`, `1e400`, ``},
		{ScalarFloat, `"2.5"`, `2.5`, ``},
		{ScalarFloat, `"abc"`, `null`, `Float cannot represent non numeric value: 'abc' [f] [0]|`},
		{ScalarString, `"a\u00e9"`, `"aé"`, ``},
		{ScalarString, `12`, `"12"`, ``},
		{ScalarString, `1.50`, `"1.5"`, ``},
		{ScalarString, `true`, `"true"`, ``},
		{ScalarString, `{"a": 1}`, `null`, `String cannot represent value: {'a': 1} [f] [0]|`},
		{ScalarBoolean, `true`, `true`, ``},
		{ScalarBoolean, `0`, `false`, ``},
		{ScalarBoolean, `"yes"`, `null`, `Boolean cannot represent a non boolean value: 'yes' [f] [0]|`},
		{ScalarID, `"abc"`, `"abc"`, ``},
		{ScalarID, `42`, `"42"`, ``},
		{ScalarID, `42.0`, `"42"`, ``},
		{ScalarID, `true`, `null`, `ID cannot represent value: True [f] [0]|`},
		{ScalarEnum, `"RED"`, `"RED"`, ``},
		{ScalarEnum, `"red"`, `null`, `Enum 'Color' cannot represent value: 'red' [f] [0]|`},
		{ScalarEnum, `3`, `null`, `Enum 'Color' cannot represent value: 3 [f] [0]|`},
		{ScalarAny, `{"b": 12345678901234567890123, "a": [1.0]}`, `{"a":[1.0],"b":12345678901234567890123}`, ``},
		{ScalarAny, `"2025-01-02"`, `"2025-01-02"`, ``},
		{ScalarAny, `12.50`, `12.5`, ``},
	} {
		n := NewCheckedNode("", []Field{{JSONKey: "f", OutKey: "f", Check: checked(c.scalar, nullable)}})
		var errs []FieldError
		got, errs, nulled, err := AppendRowChecked(nil, []byte(`{"f": `+c.value+`}`), n, errs)
		if err != nil || nulled {
			t.Fatalf("%d %s: %v %v", c.scalar, c.value, err, nulled)
		}
		if want := `{"f":` + c.want + `}`; string(got) != want || errText(errs) != c.errs {
			t.Errorf("%d %s:\ngot  %s %s\nwant %s %s", c.scalar, c.value, got, errText(errs), want, c.errs)
		}
	}
}

// TestCompleteNulls: missing keys are null; a null in a non-null position
// nulls the nearest nullable parent, with one error at the failing path.
func TestCompleteNulls(t *testing.T) {
	t.Parallel()
	leaf := func(key string, w ...Wrap) Field {
		return Field{JSONKey: key, OutKey: key, Check: &Check{Wraps: w, Scalar: ScalarString, Coordinate: "T." + key}}
	}
	obj := func(key string, child *Node, w ...Wrap) Field {
		return Field{JSONKey: key, OutKey: key, Child: child, Check: &Check{Wraps: w, Coordinate: "T." + key}}
	}
	inner := NewCheckedNode("I", []Field{leaf("b", nonNull), leaf("a", nullable)})
	for _, c := range []struct {
		name   string
		fields []Field
		row    string
		want   string
		nulled bool
		errs   string
	}{
		{"missing is null", []Field{leaf("x", nullable), leaf("y", nullable)}, `{"y": "1"}`, `{"x":null,"y":"1"}`, false, ``},
		{"non-null missing nulls the row", []Field{leaf("x", nonNull), leaf("y", nullable)}, `{"y": "1"}`, ``, true, `Cannot return null for non-nullable field T.x. [x] [0]|`},
		{"nullable parent", []Field{obj("o", inner, nullable), leaf("z", nullable)}, `{"o": {"a": "1", "b": null}, "z": "2"}`, `{"o":null,"z":"2"}`, false, `Cannot return null for non-nullable field T.b. [o b] [0 0]|`},
		{"non-null parent propagates", []Field{obj("o", inner, nonNull)}, `{"o": {"a": "1"}}`, ``, true, `Cannot return null for non-nullable field T.b. [o b] [0 0]|`},
		{"nullable items", []Field{leaf("l", list, nonNull)}, `{"l": ["a", null, "c", null]}`, `{"l":null}`, false, `Cannot return null for non-nullable field T.l. [l 1] [0 1]|`},
		{"nullable item objects", []Field{obj("l", inner, list, nullable)}, `{"l": [{"b": "x"}, {"a": "y"}, {"b": "z"}]}`, `{"l":[{"a":null,"b":"x"},null,{"a":null,"b":"z"}]}`, false, `Cannot return null for non-nullable field T.b. [l 1 b] [0 1 0]|`},
		{"non-null list", []Field{leaf("l", nnList, nonNull), leaf("m", nullable)}, `{"l": ["a", null], "m": "k"}`, ``, true, `Cannot return null for non-nullable field T.l. [l 1] [0 1]|`},
		{"first in selection order wins", []Field{leaf("z", nonNull), leaf("a", nonNull)}, `{}`, ``, true, `Cannot return null for non-nullable field T.z. [z] [0]|`},
		{"errors before the failing field stay", []Field{leaf("z", nullable), obj("o", inner, nullable), leaf("a", nonNull), obj("p", inner, nullable)}, `{"o": {}, "p": {}}`, ``, true, `Cannot return null for non-nullable field T.b. [o b] [1 0]|Cannot return null for non-nullable field T.a. [a] [2]|`},
		{"not a list", []Field{leaf("l", list, nullable)}, `{"l": "a"}`, `{"l":null}`, false, `Expected Iterable, but did not find one for field 'T.l'. [l] [0]|`},
		{"not an object", []Field{obj("o", inner, nullable)}, `{"o": 5}`, `{"o":null}`, false, `Cannot return null for non-nullable field T.b. [o b] [0 0]|`},
	} {
		n := NewCheckedNode("T", c.fields)
		var errs []FieldError
		got, errs, nulled, err := AppendRowChecked([]byte("X"), []byte(c.row), n, errs)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want := "X" + c.want
		if !c.nulled {
			want = strings.Replace(want, "{", `{"__typename":"T",`, 1)
			want = strings.ReplaceAll(want, `{"a"`, `{"__typename":"I","a"`)
		}
		if string(got) != want || nulled != c.nulled || errText(errs) != c.errs {
			t.Errorf("%s:\ngot  %s %v %s\nwant %s %v %s", c.name, got, nulled, errText(errs), want, c.nulled, c.errs)
		}
	}
}

func BenchmarkTransform20RowsChecked(b *testing.B) {
	str := &Check{Wraps: []Wrap{{}}, Scalar: ScalarString}
	n := NewCheckedNode("User", []Field{{JSONKey: "id", OutKey: "id", Check: &Check{Wraps: []Wrap{{}}}}, {JSONKey: "first_name", OutKey: "firstName", Check: str}, {JSONKey: "email", OutKey: "email", Check: str}})
	row := []byte(`{"id": "11111111-1111-4111-8111-111111111101", "age": 34, "bio": "Builds APIs.", "role": "admin", "tags": ["founder", "graphql"], "email": "ana@example.com", "score": 87.5, "profile": {"bio": "Builds APIs.", "website": "https://ana.example.com"}, "is_active": true, "last_name": "Silva", "created_at": "2025-01-02T09:00:00Z", "first_name": "Ana", "display_name": "Ana Silva"}`)
	var buf []byte
	var errs []FieldError
	b.ReportAllocs()
	b.SetBytes(int64(20 * len(row)))
	for b.Loop() {
		buf = append(buf[:0], `{"data":{"users":[`...)
		for i := range 20 {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, errs, _, err = AppendRowChecked(buf, row, n, errs[:0]); err != nil {
				b.Fatal(err)
			}
		}
		buf = append(buf, "]}}"...)
	}
}

// FuzzAppendRowChecked: the typed rewrite of any input never panics, writes
// valid JSON when it succeeds, cuts back to the prefix exactly when the row
// is nulled, and gives every error a path inside the selection.
func FuzzAppendRowChecked(f *testing.F) {
	for _, s := range diffInputs() {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"n": null, "i": 3000000000, "f": 1e400, "e": "red", "l": ["a", null], "o": {"m": null}, "s": {"x": 1}, "b": "yes", "d": 12.5}`))
	f.Add([]byte(`{"i": "12", "l": "x", "o": 5, "ol": [{"m": "a"}, null, {}]}`))
	inner := NewCheckedNode("O", []Field{
		{JSONKey: "m", OutKey: "m", Check: &Check{Wraps: []Wrap{{NonNull: true}}, Scalar: ScalarString, Coordinate: "O.m"}},
		{JSONKey: "k", OutKey: "k", Check: &Check{Wraps: []Wrap{{List: true}, {NonNull: true}}, Scalar: ScalarInt, Coordinate: "O.k"}},
	})
	n := NewCheckedNode("T", []Field{
		{JSONKey: "n", OutKey: "n", Check: &Check{Wraps: []Wrap{{}}, Scalar: ScalarString, Coordinate: "T.n"}},
		{JSONKey: "i", OutKey: "i", Check: &Check{Wraps: []Wrap{{}}, Scalar: ScalarInt, Coordinate: "T.i"}},
		{JSONKey: "f", OutKey: "f", Check: &Check{Wraps: []Wrap{{}}, Scalar: ScalarFloat, Coordinate: "T.f"}},
		{JSONKey: "e", OutKey: "e", Check: &Check{Wraps: []Wrap{{}}, Scalar: ScalarEnum, EnumName: "E", EnumValues: []string{"RED"}, EnumStored: []string{"RED"}, Coordinate: "T.e"}},
		{JSONKey: "l", OutKey: "l", Check: &Check{Wraps: []Wrap{{List: true}, {NonNull: true}}, Scalar: ScalarString, Coordinate: "T.l"}},
		{JSONKey: "o", OutKey: "o", Child: inner, Check: &Check{Wraps: []Wrap{{}}, Coordinate: "T.o"}},
		{JSONKey: "ol", OutKey: "ol", Child: inner, Check: &Check{Wraps: []Wrap{{List: true, NonNull: true}, {}}, Coordinate: "T.ol"}},
		{JSONKey: "s", OutKey: "s", Check: &Check{Wraps: []Wrap{{}}, Coordinate: "T.s"}},
		{JSONKey: "b", OutKey: "b", Check: &Check{Wraps: []Wrap{{NonNull: true}}, Scalar: ScalarBoolean, Coordinate: "T.b"}},
		{JSONKey: "d", OutKey: "d", Check: &Check{Wraps: []Wrap{{}}, Scalar: ScalarID, Coordinate: "T.d"}},
	})
	keys := map[string]bool{"n": true, "i": true, "f": true, "e": true, "l": true, "o": true, "ol": true, "s": true, "b": true, "d": true}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, errs, nulled, err := AppendRowChecked([]byte("P"), in, n, nil)
		if err != nil {
			return
		}
		if string(out[:1]) != "P" {
			t.Fatalf("prefix lost: %q", out)
		}
		if nulled != (len(out) == 1) {
			t.Fatalf("nulled %v with output %q for %q", nulled, out, in)
		}
		if !nulled && !json.Valid(out[1:]) {
			t.Fatalf("invalid output %q for %q", out, in)
		}
		for _, e := range errs {
			if len(e.Path) == 0 || len(e.Path) != len(e.Order) || e.Message == "" {
				t.Fatalf("error %+v for %q", e, in)
			}
			if k, ok := e.Path[0].(string); !ok || !keys[k] {
				t.Fatalf("error path %v outside the selection for %q", e.Path, in)
			}
		}
	})
}

// BenchmarkTransform20RowsDates: the checked rewrite of rows holding a
// DateTime, a Date and a Time (each value validated, the DateTime written
// in UTC with a Z).
func BenchmarkTransform20RowsDates(b *testing.B) {
	leafOf := func(key, out string, s Scalar) Field {
		return Field{JSONKey: key, OutKey: out, Check: &Check{Wraps: []Wrap{{}}, Scalar: s}}
	}
	n := NewCheckedNode("Event", []Field{leafOf("created_at", "createdAt", ScalarDateTime), leafOf("day", "day", ScalarDate), leafOf("starts", "starts", ScalarTime)})
	row := []byte(`{"id": 1, "day": "2025-01-02", "starts": "09:15:00", "created_at": "2025-01-02T09:00:00Z"}`)
	var buf []byte
	var errs []FieldError
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for range 20 {
			var err error
			if buf, errs, _, err = AppendRowChecked(buf, row, n, errs[:0]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestDateLeaves(t *testing.T) {
	leafOf := func(s Scalar) *Node {
		return NewCheckedNode("E", []Field{{JSONKey: "v", OutKey: "v", Check: &Check{Wraps: []Wrap{{}}, Scalar: s, Coordinate: "E.v"}}})
	}
	for _, c := range []struct {
		s        Scalar
		in, want string
	}{
		{ScalarDateTime, `"2025-01-02T09:00:00Z"`, `"2025-01-02T09:00:00Z"`},
		{ScalarDateTime, `"2025-01-02T09:00:00.123456Z"`, `"2025-01-02T09:00:00.123456Z"`},
		{ScalarDateTime, `"2024-02-29T23:59:59Z"`, `"2024-02-29T23:59:59Z"`},
		{ScalarDateTime, `"2025-02-29T09:00:00Z"`, `null`},
		{ScalarDateTime, `"2025-01-02T24:00:00Z"`, `null`},
		{ScalarDateTime, `"2025-01-02T09:00:00+00:00"`, `"2025-01-02T09:00:00Z"`},
		{ScalarDateTime, `"2025-01-02T09:00:00.5-01:30"`, `"2025-01-02T10:30:00.500000Z"`},
		{ScalarDateTime, `"2025-01-02 09:00:00"`, `"2025-01-02T09:00:00Z"`},
		{ScalarDateTime, `"2025-01-02T09:00:00.1Z"`, `"2025-01-02T09:00:00.100000Z"`},
		{ScalarDate, `"2025-01-02"`, `"2025-01-02"`},
		{ScalarDate, `"2025-02-29"`, `null`},
		{ScalarTime, `"09:15"`, `"09:15"`},
		{ScalarTime, `"09:15:00.25"`, `"09:15:00.25"`},
		{ScalarTime, `"24:00"`, `null`},
	} {
		got, _, _, err := AppendRowChecked(nil, []byte(`{"v": `+c.in+`}`), leafOf(c.s), nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"__typename":"E","v":` + c.want + `}`; string(got) != want {
			t.Errorf("%v %s: got %s, want %s", c.s, c.in, got, want)
		}
	}
}
