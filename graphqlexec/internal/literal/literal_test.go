package literal

import (
	"testing"

	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
)

// Expected values recorded with graphql-core 3.2.8 (print_block_string,
// print_string, print_ast).
func TestPrint(t *testing.T) {
	printed := []struct{ value, want string }{
		{"x", `"""x"""`},
		{"a\nb", "\"\"\"\na\nb\n\"\"\""},
		{`ends with "`, "\"\"\"\nends with \"\n\"\"\""},
		{" lead", `""" lead"""`},
		{"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "\"\"\"\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n\"\"\""},
		{`tri"""ple`, `"""tri\"""ple"""`},
		{`back\`, "\"\"\"\nback\\\n\"\"\""},
	}
	for _, tc := range printed {
		if got := printBlockString(tc.value); got != tc.want {
			t.Errorf("printBlockString(%q) = %q, want %q", tc.value, got, tc.want)
		}
	}
	if got, want := printString("a\"b\\c\td\u0007\u0085é"), `"a\"b\\c\td\u0007\u0085é"`; got != want {
		t.Errorf("printString = %q, want %q", got, want)
	}
	doc := []byte(`{ a(x: [1, 2.5, "s", """b""", true, RED, $v, {k: "v"}]) }`)
	d, err := parser.Parse(parser.ParseParams{Source: string(doc)})
	if err != nil {
		t.Fatal(err)
	}
	v := d.Definitions[0].(*ast.OperationDefinition).SelectionSet.Selections[0].(*ast.Field).Arguments[0].Value
	if got, want := Print(v, doc), `[1, 2.5, "s", """b""", true, RED, $v, {k: "v"}]`; got != want {
		t.Errorf("Print with the body = %s, want %s", got, want)
	}
	if got, want := Print(v, nil), `[1, 2.5, "s", "b", true, RED, $v, {k: "v"}]`; got != want {
		t.Errorf("Print without the body = %s, want %s", got, want)
	}
	if got := Print(nil, nil); got != "null" {
		t.Errorf("Print(nil) = %s, want null", got)
	}
	if !HasVariable(v) || HasVariable(v.(*ast.ListValue).Values[0]) {
		t.Error("HasVariable")
	}
}
