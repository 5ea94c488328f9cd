package rowjson

import (
	"encoding/json"
	"strings"
	"testing"
)

func userNode() *Node {
	profile := NewNode("Profile", []Field{{JSONKey: "bio", OutKey: "bio"}, {JSONKey: "website", OutKey: "website"}})
	return NewNode("User", []Field{
		{JSONKey: "id", OutKey: "id"},
		{JSONKey: "first_name", OutKey: "firstName"},
		{JSONKey: "age", OutKey: "age"},
		{JSONKey: "tags", OutKey: "tags"},
		{JSONKey: "profile", OutKey: "profile", Child: profile},
	})
}

func TestAppendRow(t *testing.T) {
	t.Parallel()
	author := NewNode("User", []Field{{JSONKey: "display_name", OutKey: "displayName"}})
	comment := NewNode("Comment", []Field{{JSONKey: "id", OutKey: "id"}, {JSONKey: "author", OutKey: "author", Child: author}})
	post := NewNode("Post", []Field{{JSONKey: "title", OutKey: "title"}, {JSONKey: "comments", OutKey: "comments", Child: comment}, {JSONKey: "rating", OutKey: "rating"}})
	aliased := NewNode("User", []Field{
		{JSONKey: "id", OutKey: "uid"},
		{JSONKey: "first_name", OutKey: "name"},
		{JSONKey: "profile", OutKey: "profile", Child: NewNode("Profile", []Field{{JSONKey: "bio", OutKey: "about"}})},
	})
	tests := []struct {
		name string
		node *Node
		in   string
		want string
	}{
		{"projection sorted typename", userNode(),
			`{"id": "u1", "age": 34, "bio": "x", "tags": ["a", "b"], "email": "e", "profile": {"bio": "B", "website": null}, "first_name": "Ana"}`,
			`{"__typename":"User","age":34,"firstName":"Ana","id":"u1","profile":{"__typename":"Profile","bio":"B","website":null},"tags":["a","b"]}`},
		{"missing keys omitted", userNode(), `{"id": "u2"}`, `{"__typename":"User","id":"u2"}`},
		{"null nested object", userNode(), `{"profile": null}`, `{"__typename":"User","profile":null}`},
		{"aliases", aliased, `{"id": "1", "profile": {"bio": "b", "website": "w"}, "first_name": "Ana"}`,
			`{"__typename":"User","name":"Ana","profile":{"__typename":"Profile","about":"b"},"uid":"1"}`},
		{"nested list", post,
			`{"title": "T", "rating": 2.0, "comments": [{"id": "c1", "author": {"id": "a", "display_name": "D"}, "content": "x"}, {"id": "c2", "author": null}]}`,
			`{"__typename":"Post","comments":[{"__typename":"Comment","author":{"__typename":"User","displayName":"D"},"id":"c1"},{"__typename":"Comment","author":null,"id":"c2"}],"rating":2.0,"title":"T"}`},
		{"empty list", post, `{"comments": []}`, `{"__typename":"Post","comments":[]}`},
		{"typename only", NewNode("User", nil), `{"id": "1"}`, `{"__typename":"User"}`},
		{"escapes kept serde style", NewNode("", []Field{{JSONKey: "s", OutKey: "s"}}),
			`{"s": "q\"b\\n\nt\t\u0001\u001F\/é😀\ud83d\ude00"}`,
			`{"s":"q\"b\\n\nt\t\u0001\u001f/é😀😀"}`},
		{"raw non-ascii", NewNode("", []Field{{JSONKey: "s", OutKey: "s"}}), `{"s": "田中 ☕"}`, `{"s":"田中 ☕"}`},
		{"canonical json value", NewNode("", []Field{{JSONKey: "j", OutKey: "j"}}),
			`{"j": {"b": [1, {"z": 1, "a": 2}], "a": null, "ab": 1.50}}`, `{"j":{"a":null,"ab":1.5,"b":[1,{"a":2,"z":1}]}}`},
		{"escaped key matched", NewNode("", []Field{{JSONKey: "a\"b", OutKey: "x"}}), `{"a\"b": 1}`, `{"x":1}`},
		{"same json key twice", NewNode("", []Field{{JSONKey: "id", OutKey: "a"}, {JSONKey: "id", OutKey: "b"}}), `{"id": 1}`, `{"a":1,"b":1}`},
		{"upper-case keys sort before __typename", NewNode("T", []Field{{JSONKey: "x", OutKey: "Zed"}, {JSONKey: "y", OutKey: "abc"}}),
			`{"x": 1, "y": 2}`, `{"Zed":1,"__typename":"T","abc":2}`},
		{"null row", userNode(), "", "null"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in []byte
			if tc.in != "" {
				in = []byte(tc.in)
			}
			got, err := AppendRow(nil, in, tc.node)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestAppendRowMalformed(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`{`, `{"a" 1}`, `{"a": }`, `[1,]`, `{"a": 1}x`, `"abc`, `{"a": tru}`, `01`, `1.`, `-`, "\"a\x01\"", strings.Repeat("[", 2000) + strings.Repeat("]", 2000)} {
		if _, err := AppendRow(nil, []byte(in), userNode()); err == nil {
			t.Errorf("%q: no error", in)
		}
		if _, err := AppendCanonical(nil, []byte(in)); err == nil {
			t.Errorf("%q: canonical: no error", in)
		}
	}
}

func TestNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"91", "91"}, {"-5", "-5"}, {"0", "0"}, {"-0", "-0.0"}, {"2.0", "2.0"}, {"87.50", "87.5"},
		{"9223372036854775807", "9223372036854775807"}, {"18446744073709551615", "18446744073709551615"},
		{"18446744073709551616", "1.8446744073709552e+19"}, {"1e16", "1e+16"}, {"1E2", "100.0"},
		{"1000000000000000", "1000000000000000"}, {"1000000000000000.0", "1000000000000000.0"},
		{"0.00001", "0.00001"}, {"0.000001", "1e-6"}, {"0.0000015", "1.5e-6"}, {"123.456e3", "123456.0"},
		{"1.5e300", "1.5e+300"}, {"0.0", "0.0"}, {"-0.0", "-0.0"}, {"0.1", "0.1"},
	}
	for _, tc := range tests {
		if got := string(appendNumber(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("%s: got %s want %s", tc.in, got, tc.want)
		}
	}
}

func TestTypenameOnly(t *testing.T) {
	t.Parallel()
	n := userNode().TypenameOnly(func(k string) bool { return k == "id" || k == "profile" })
	got, err := AppendRow(nil, []byte(`{"id": "1", "first_name": "A", "profile": {"bio": "b"}}`), n)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"__typename":"User","id":"1","profile":{"__typename":"Profile"}}`; string(got) != want {
		t.Errorf("got %s want %s", got, want)
	}
}

// diffNodes are the projections the differential tests run every input
// through: nil is the canonical copy.
func diffNodes() []*Node {
	post := NewNode("Post", []Field{
		{JSONKey: "title", OutKey: "title"},
		{JSONKey: "comments", OutKey: "comments", Child: NewNode("Comment", []Field{{JSONKey: "id", OutKey: "id"}})},
		{JSONKey: "", OutKey: "empty"},
		{JSONKey: "a\"b", OutKey: "quoted"},
	})
	wide := make([]Field, 0, inlineSpans+4)
	for i := range inlineSpans + 4 {
		k := string(rune('a' + i))
		wide = append(wide, Field{JSONKey: k, OutKey: k, Child: userNode()})
	}
	return []*Node{nil, userNode(), post, NewNode("Wide", wide), userNode().TypenameOnly(func(k string) bool { return k == "profile" })}
}

// diffInputs exercise the word-at-a-time string scan at every offset of an
// 8-byte word: escapes, quotes, control and non-ASCII bytes before, on and
// after word boundaries, and truncated documents.
func diffInputs() []string {
	in := []string{
		`{"id": "1", "profile": {"bio": "x"}}`, `[1, 2.5e3, "a\u0000"]`, `{"tags": ["a"], "age": null}`, `"\ud800"`,
		`{"a\"b": "v", "": 1, "title": "T", "comments": [{"id": 1, "x": [true, false, null]}]}`,
		`{"s": "ab\u00e9cd", "first_name": "\/\n", "id": -0, "age": 18446744073709551616}`,
		`{"a": {"id": "1", "age": 3}, "t": {"first_name": "é"}, "s": [{"tags": [1]}, null]}`,
	}
	bodies := []string{`\"`, `\\`, "\x01", "\x1f", "é", "\xff", "\xc3", `\u0041`, `\`, `"`}
	for pad := range 17 {
		p := strings.Repeat("x", pad)
		for _, b := range bodies {
			in = append(in,
				`{"id": "`+p+b+p+`", "email": "`+b+p+`"}`,
				`{"first_name": "`+p+b+`"}`,
				`{"tags": ["`+p+b,
				`"`+p+b+`"`)
		}
	}
	return in
}

// checkAgainstReference fails when AppendRow and the reference
// implementation disagree on in: the same bytes on success, an error from
// both otherwise.
func checkAgainstReference(t *testing.T, in []byte, n *Node) {
	t.Helper()
	got, err := AppendRow(nil, in, n)
	want, refErr := refAppendRow(nil, in, n)
	if (err == nil) != (refErr == nil) {
		t.Fatalf("%q: error %v, reference error %v", in, err, refErr)
	}
	if err == nil && string(got) != string(want) {
		t.Fatalf("%q:\ngot  %s\nwant %s", in, got, want)
	}
}

func TestAgainstReference(t *testing.T) {
	t.Parallel()
	for _, in := range diffInputs() {
		for _, n := range diffNodes() {
			checkAgainstReference(t, []byte(in), n)
		}
	}
}

func TestScanString(t *testing.T) {
	t.Parallel()
	for _, in := range diffInputs() {
		for i := range len(in) {
			if in[i] != '"' {
				continue
			}
			end, flags, err := scanString([]byte(in), i)
			refEnd, refEsc, refErr := refScanString([]byte(in), i)
			if (err == nil) != (refErr == nil) || err == nil && (end != refEnd || (flags&strEscaped != 0) != refEsc) {
				t.Fatalf("%q at %d: (%d, %b, %v), reference (%d, %v, %v)", in, i, end, flags, err, refEnd, refEsc, refErr)
			}
			if err == nil && !refEsc {
				nonASCII := strings.ContainsFunc(in[i:end], func(r rune) bool { return r >= 0x80 })
				if (flags&strNonASCII != 0) != nonASCII {
					t.Fatalf("%q at %d: non-ASCII flag %v, want %v", in, i, flags&strNonASCII != 0, nonASCII)
				}
			}
		}
	}
}

func FuzzAppendRow(f *testing.F) {
	for _, s := range diffInputs() {
		f.Add([]byte(s))
	}
	nodes := diffNodes()
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, n := range nodes {
			checkAgainstReference(t, in, n)
		}
		out, err := AppendRow(nil, in, userNode())
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid output %q for %q", out, in)
		}
		if json.Valid(in) {
			c, err := AppendCanonical(nil, in)
			if err != nil || !json.Valid(c) {
				t.Fatalf("canonical %q: %v", c, err)
			}
		}
	})
}

// BenchmarkNewNode is the per-request projection cost of an operation with
// variables (user(id: $id) { id email displayName age }).
func BenchmarkNewNode(b *testing.B) {
	fields := []Field{{JSONKey: "id", OutKey: "id"}, {JSONKey: "email", OutKey: "email"}, {JSONKey: "display_name", OutKey: "displayName"}, {JSONKey: "age", OutKey: "age"}}
	b.ReportAllocs()
	for b.Loop() {
		NewNode("User", fields)
	}
}

func BenchmarkTransform20Rows(b *testing.B) {
	n := NewNode("User", []Field{{JSONKey: "id", OutKey: "id"}, {JSONKey: "first_name", OutKey: "firstName"}, {JSONKey: "email", OutKey: "email"}})
	row := []byte(`{"id": "11111111-1111-4111-8111-111111111101", "age": 34, "bio": "Builds APIs.", "role": "admin", "tags": ["founder", "graphql"], "email": "ana@example.com", "score": 87.5, "profile": {"bio": "Builds APIs.", "website": "https://ana.example.com"}, "is_active": true, "last_name": "Silva", "created_at": "2025-01-02T09:00:00Z", "first_name": "Ana", "display_name": "Ana Silva"}`)
	var buf []byte
	b.ReportAllocs()
	b.SetBytes(int64(20 * len(row)))
	for b.Loop() {
		buf = append(buf[:0], `{"data":{"users":[`...)
		for i := range 20 {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = AppendRow(buf, row, n); err != nil {
				b.Fatal(err)
			}
		}
		buf = append(buf, "]}}"...)
	}
}

func TestNewNodeKeys(t *testing.T) {
	t.Parallel()
	many := make([]Field, 0, 40)
	for i := range 40 {
		many = append(many, Field{JSONKey: "k", OutKey: string(rune('A' + i%20))})
	}
	tests := []struct {
		name   string
		fields []Field
		want   string
	}{
		{"later duplicate wins", []Field{{JSONKey: "a", OutKey: "x"}, {JSONKey: "b", OutKey: "y"}, {JSONKey: "c", OutKey: "x"}}, `{"__typename":"T","x":3,"y":2}`},
		{"typename field ignored", []Field{{JSONKey: "a", OutKey: "__typename"}, {JSONKey: "a", OutKey: "a"}}, `{"__typename":"T","a":1}`},
		{"escaped out key", []Field{{JSONKey: "a", OutKey: "q\"k"}}, `{"__typename":"T","q\"k":1}`},
		{"duplicates past the map threshold", many, `{"A":9,"B":9,"C":9,"D":9,"E":9,"F":9,"G":9,"H":9,"I":9,"J":9,"K":9,"L":9,"M":9,"N":9,"O":9,"P":9,"Q":9,"R":9,"S":9,"T":9,"__typename":"T"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AppendRow(nil, []byte(`{"a": 1, "b": 2, "c": 3, "k": 9}`), NewNode("T", tc.fields))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
