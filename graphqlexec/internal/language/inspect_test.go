package language

import (
	"strings"
	"testing"
)

// Walk calls leave after a node's children, and skips both the children
// and the leave of a node whose enter returns false. (The enter order is
// checked against graphql-core by the corpus.)
func TestWalk(t *testing.T) {
	t.Parallel()
	doc, err := Parse("{ a(x: 1) b { c } }", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	Walk(doc, func(n any) bool {
		got = append(got, "+"+kindOf(n))
		_, isSet := n.(*SelectionSet)
		f, isField := n.(*Field)
		return !(isSet && len(got) > 3) && !(isField && f.Name.Value == "zzz")
	}, func(n any) {
		got = append(got, "-"+kindOf(n))
	})
	want := "+document +operation_definition +selection_set +field +name -name +argument +name -name +int_value -int_value -argument -field " +
		"+field +name -name +selection_set -field -selection_set -operation_definition -document"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	if (&Field{Name: Name{Value: "n"}}).ResponseName() != "n" || (&Field{Alias: Name{Value: "a"}, Name: Name{Value: "n"}}).ResponseName() != "a" {
		t.Error("ResponseName: alias first, else name")
	}
}

func kindOf(n any) string {
	if _, ok := n.(*Document); ok {
		return "document"
	}
	return kindName(n)
}
