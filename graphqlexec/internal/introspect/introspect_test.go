package introspect

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// The goldens live in the compat module, copied byte-exact from shared/compat-goldens.
const goldenDir = "../../../compat/testdata/goldens/fraiseql-1.9.7/development"

// goldenExchange returns the request body and response body of a recorded
// exchange.
func goldenExchange(t *testing.T, name string) (req, resp []byte) {
	t.Helper()
	body := func(file string) []byte {
		raw, err := os.ReadFile(filepath.Join(goldenDir, file))
		if err != nil {
			t.Fatalf("golden %s: %v", file, err)
		}
		i := bytes.Index(raw, []byte("\r\n\r\n"))
		if i < 0 {
			t.Fatalf("golden %s: no header end", file)
		}
		return raw[i+4:]
	}
	return body(name + ".request"), body(name + ".response")
}

func loadDemo(t testing.TB) *schema.Schema {
	t.Helper()
	s, err := schema.LoadFile("../../../examples/blog/app.graphql")
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	return s
}

// runIntrospection executes the operation of a request body whose root
// fields are all introspection fields and returns {"data":{…}} bytes.
func runIntrospection(t *testing.T, s *schema.Schema, reqBody []byte, vars map[string]any) []byte {
	t.Helper()
	req, err := pyjson.Decode(reqBody)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := language.Parse(req.Get("query").Str, language.Options{})
	if err != nil {
		t.Fatal(err)
	}
	frags := map[string]*language.FragmentDefinition{}
	var op *language.OperationDefinition
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *language.FragmentDefinition:
			frags[d.Name.Value] = d
		case *language.OperationDefinition:
			op = d
		}
	}
	data := pyjson.Value{Kind: pyjson.Object}
	for _, sel := range op.SelectionSet.Selections {
		f := sel.(*language.Field)
		v, err := Resolve(s, f, frags, vars, nil)
		if err != nil {
			t.Fatal(err)
		}
		key := f.Name.Value
		if f.Alias.Value != "" {
			key = f.Alias.Value
		}
		data.Members = append(data.Members, pyjson.Member{Key: key, Value: v})
	}
	out := []byte(`{"data":`)
	out, err = pyjson.AppendCompact(out, &data)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestIntrospectionGolden checks that the data FraiseQL v1.9.7 answered to
// the recorded introspection queries is reproduced byte for byte.
func TestIntrospectionGolden(t *testing.T) {
	t.Parallel()
	s := loadDemo(t)
	for _, name := range []string{"introspection-full", "introspection-type"} {
		t.Run(name, func(t *testing.T) {
			req, resp := goldenExchange(t, name)
			got := runIntrospection(t, s, req, nil)
			want := append(append([]byte(nil), got...), `,"extensions":`...)
			if !bytes.HasPrefix(resp, want) {
				n := 0
				for n < len(got) && n < len(resp) && got[n] == resp[n] {
					n++
				}
				lo := max(0, n-120)
				t.Fatalf("differs at byte %d:\n got: …%s\nwant: …%s", n, got[lo:min(len(got), n+120)], resp[lo:min(len(resp), n+120)])
			}
		})
	}
}
