package pyjson

import (
	"errors"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestDecodeSyntaxErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body      string
		msg       string
		pos       int
		line, col int
	}{
		{"", "Expecting value", 0, 1, 1},
		{"   ", "Expecting value", 3, 1, 4},
		{"{bad", "Expecting property name enclosed in double quotes", 1, 1, 2},
		{`{"query":"{ hello }"`, "Expecting ',' delimiter", 20, 1, 21},
		{`{"a" 1}`, "Expecting ':' delimiter", 5, 1, 6},
		{`{"a":}`, "Expecting value", 5, 1, 6},
		{"[1 2]", "Expecting ',' delimiter", 3, 1, 4},
		{"[1,]", "Illegal trailing comma before end of array", 2, 1, 3},
		{`{"a":1 , }`, "Illegal trailing comma before end of object", 7, 1, 8},
		{"[1] x", "Extra data", 4, 1, 5},
		{"1.", "Extra data", 1, 1, 2},  // "1." backtracks to the int 1
		{"1e+", "Extra data", 1, 1, 2}, // so does an exponent without digits
		{"01", "Extra data", 1, 1, 2},  // a leading zero ends the number
		{"-", "Expecting value", 0, 1, 1},
		{"-NaN", "Expecting value", 0, 1, 1},
		{"nul", "Expecting value", 0, 1, 1},
		{"\f1", "Expecting value", 0, 1, 1}, // form feed is not JSON whitespace for Python
		{"\u00a01", "Expecting value", 0, 1, 1},
		{`"abc`, "Unterminated string starting at", 0, 1, 1},
		{`["a", "b`, "Unterminated string starting at", 6, 1, 7},
		{`"\`, "Unterminated string starting at", 0, 1, 1},
		{"\"a\nb\"", "Invalid control character at", 2, 1, 3},
		{"\"a\x00", "Invalid control character at", 2, 1, 3},
		{`"\x"`, "Invalid \\escape", 1, 1, 2},
		{`"\u12x4"`, "Invalid \\uXXXX escape", 2, 1, 3},
		{`"\u1234`, "Invalid \\uXXXX escape", 2, 1, 3}, // CPython wants one more character
		{`"\ud800\udc00`, "Invalid \\uXXXX escape", 8, 1, 9},
		{`"\ud800\uzzzz"`, "Invalid \\uXXXX escape", 8, 1, 9},
		{"\"é\" é", "Extra data", 4, 1, 5},                         // positions count code points, not bytes
		{"[\"😀\", x]", "Expecting value", 6, 1, 7},                 // an astral character is one code point
		{"\n\n  {\n \"a\": x}", "Expecting value", 12, 4, 7},       // line and column as str(JSONDecodeError)
		{"\xef\xbb\xbf\xef\xbb\xbf{}", "Expecting value", 0, 1, 1}, // only one BOM is stripped
		{"[\xed\xa0\x80]", "Expecting value", 1, 1, 2},             // a UTF-8 encoded surrogate is one character
		{"\xff\xfe\xff\xfe1\x00", "Expecting value", 0, 1, 1},      // UTF-16: the second BOM is text
		{"\"\x00\x00\xd8", "Unterminated string starting at", 0, 1, 1},
		{strings.Repeat("[", 5) + "}", "Expecting value", 5, 1, 6},
	}
	for _, tt := range tests {
		_, err := Decode([]byte(tt.body))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Decode(%q) = %v, want SyntaxError %q", tt.body, err, tt.msg)
			continue
		}
		if se.Msg != tt.msg || se.Pos != tt.pos || se.Line != tt.line || se.Col != tt.col {
			t.Errorf("Decode(%q) = %q pos %d line %d col %d, want %q pos %d line %d col %d",
				tt.body, se.Msg, se.Pos, se.Line, se.Col, tt.msg, tt.pos, tt.line, tt.col)
		}
	}
}

func TestSyntaxErrorString(t *testing.T) {
	t.Parallel()
	_, err := Decode([]byte(""))
	if got, want := err.Error(), "Expecting value: line 1 column 1 (char 0)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestDecodeOtherErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want any // a pointer to the expected error type
	}{
		{"invalid start byte", "\xff", new(*EncodingError)},
		{"invalid byte after a syntax error", "[1,]\xff", new(*EncodingError)}, // the whole body is decoded first
		{"overlong", "\"\xc0\x80\"", new(*EncodingError)},
		{"beyond U+10FFFF", "\"\xf4\x90\x80\x80\"", new(*EncodingError)},
		{"truncated sequence", "\"\xe2\x82\"", new(*EncodingError)},
		{"odd UTF-16", "\"\x00\xd8\"\x00", new(*EncodingError)},
		{"UTF-32 out of range", "\"\x00\x00\x00\x00\x00\x11\x00\"\x00\x00\x00", new(*EncodingError)},
		{"truncated UTF-32", "\"\x00\x00\x00a", new(*EncodingError)},
		{"too deep array", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), new(*DepthError)},
		{"too deep object", strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1), new(*DepthError)},
		{"depth beats a later syntax error", strings.Repeat("[", MaxDepth+1) + "x", new(*DepthError)},
		{"long int", strings.Repeat("9", maxIntDigits+1), new(*IntLimitError)},
		{"long negative int", "-" + strings.Repeat("9", maxIntDigits+1), new(*IntLimitError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.body))
			if err == nil || !errors.As(err, tt.want) {
				t.Fatalf("Decode = %v (%T), want %T", err, err, tt.want)
			}
		})
	}
	// The syntax error wins when it comes before the depth bound.
	_, err := Decode([]byte(strings.Repeat("[", 50) + "x" + strings.Repeat("[", MaxDepth)))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Pos != 50 {
		t.Errorf("Decode = %v, want Expecting value at 50", err)
	}
}

func TestDecodeAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want Value
	}{
		{"nesting at the bound", "", Value{}}, // filled below
		{"BOM", "\xef\xbb\xbf [1]", Arr(Value{Kind: Int, Num: "1"})},
		{"UTF-16 LE with BOM", "\xff\xfe[\x001\x00]\x00", Arr(Value{Kind: Int, Num: "1"})},
		{"UTF-16 BE", "\x00[\x001\x00]", Arr(Value{Kind: Int, Num: "1"})},
		{"UTF-32 LE with BOM", "\xff\xfe\x00\x00\"\x00\x00\x00\x3d\xd8\x01\x00\"\x00\x00\x00", Str("\U0001D83D")},
		{"constants", "[NaN,Infinity,-Infinity,true,false,null]", Arr(
			Value{Kind: Float, Num: "NaN"}, Value{Kind: Float, Num: "Infinity"}, Value{Kind: Float, Num: "-Infinity"},
			BoolValue(true), BoolValue(false), NullValue())},
		{"numbers keep their literal", "[-0, 1E5, 123456789012345678901234567890, 1e400, 0.10]", Arr(
			Value{Kind: Int, Num: "-0"}, Value{Kind: Float, Num: "1E5"},
			Value{Kind: Int, Num: "123456789012345678901234567890"}, Value{Kind: Float, Num: "1e400"},
			Value{Kind: Float, Num: "0.10"})},
		{"duplicate keys: first position, last value", `{"a":1,"b":2,"a":3}`, Obj(
			Pair("a", Value{Kind: Int, Num: "3"}), Pair("b", Value{Kind: Int, Num: "2"}))},
		{"escapes", `"\"\\\/\b\f\n\r\t\u00e9\u00E9\ud83d\ude00"`, Str("\"\\/\b\f\n\r\téé😀")},
		{"lone surrogate escape", `"a\ud800b"`, Value{Kind: String, Str: "a\uFFFDb", LoneSurrogate: true}},
		{"high then non-low", `"\ud83d\u0041"`, Value{Kind: String, Str: "\uFFFDA", LoneSurrogate: true}},
		{"two highs and a low", `"\ud800\ud800\udc00"`, Value{Kind: String, Str: "\uFFFD\U00010000", LoneSurrogate: true}},
		{"UTF-8 encoded surrogates stay apart", "\"\xed\xa0\x80\xed\xb0\x80\"", Value{Kind: String, Str: "\uFFFD\uFFFD", LoneSurrogate: true}},
		{"lone surrogate in a key", `{"\udc00":1}`, Value{Kind: Object, Members: []Member{
			{Key: "\uFFFD", Value: Value{Kind: Int, Num: "1"}, KeyLoneSurrogate: true}}}},
		{"raw DEL and U+2028", "\"\x7f\u2028\"", Str("\x7f\u2028")},
		{"empty containers", `[[],{}]`, Arr(Arr(), Obj())},
	}
	deep := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	tests[0].body = deep
	want := Arr()
	for range MaxDepth - 1 {
		want = Arr(want)
	}
	tests[0].want = want
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.body))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !equalValues(&got, &tt.want) {
				t.Errorf("Decode = %s, want %s", dump(&got), dump(&tt.want))
			}
		})
	}
}

func TestDecodeManyDuplicateKeys(t *testing.T) {
	t.Parallel()
	// More members than linearKeys, so duplicates are found through the map.
	var b strings.Builder
	b.WriteString("{")
	for i := range 40 {
		b.WriteString(`"k` + itoa(i%25) + `":` + itoa(i) + ",")
	}
	b.WriteString(`"k0":"last"}`)
	v, err := Decode([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Members) != 25 {
		t.Fatalf("got %d members, want 25", len(v.Members))
	}
	for i, m := range v.Members {
		if m.Key != "k"+itoa(i) {
			t.Errorf("member %d is %q, want k%d", i, m.Key, i)
		}
	}
	if got := v.Get("k0"); got == nil || got.Str != "last" {
		t.Errorf(`k0 = %v, want "last"`, got)
	}
	if got := v.Get("k3"); got == nil || got.Num != "28" {
		t.Errorf("k3 = %v, want 28", got)
	}
}

func TestDecodeDoesNotKeepCallerBuffer(t *testing.T) {
	t.Parallel()
	body := []byte(`{"query":"{ hello }"}`)
	v, err := Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = 'x'
	}
	if got := v.Get("query"); got == nil || got.Str != "{ hello }" {
		t.Errorf("value changed with the caller's buffer: %v", got)
	}
}

func equalValues(a, b *Value) bool {
	if a.Kind != b.Kind || a.Bool != b.Bool || a.Str != b.Str || a.LoneSurrogate != b.LoneSurrogate ||
		a.Num != b.Num || len(a.Items) != len(b.Items) || len(a.Members) != len(b.Members) {
		return false
	}
	for i := range a.Items {
		if !equalValues(&a.Items[i], &b.Items[i]) {
			return false
		}
	}
	for i := range a.Members {
		ma, mb := &a.Members[i], &b.Members[i]
		if ma.Key != mb.Key || ma.KeyLoneSurrogate != mb.KeyLoneSurrogate || !equalValues(&ma.Value, &mb.Value) {
			return false
		}
	}
	return true
}

func dump(v *Value) string {
	b, err := AppendSpaced(nil, v)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	if len(b) > 200 {
		b = append(b[:200], "..."...)
	}
	return string(b)
}
