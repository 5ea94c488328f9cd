package graphqlexec

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestAliasesAndMultiRoot: aliases at every level, several roots, the same
// root twice with different arguments, fragments; by default each root
// keeps its whole selection under its response key, and under --quirks
// v1.9.7 v1's recorded losses come back.
func TestAliasesAndMultiRoot(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	s := loadBlog(t)
	const ana, bruno = "11111111-1111-4111-8111-111111111101", "11111111-1111-4111-8111-111111111102"
	cases := []struct {
		name, query, want, wantV1 string
	}{
		{"same single root twice",
			`{ a: user(id: "` + ana + `") { id } b: user(id: "` + bruno + `") { id } }`,
			`{"data":{"a":{"__typename":"User","id":"` + ana + `"},"b":{"__typename":"User","id":"` + bruno + `"}}}`,
			`{"data": {"a": null, "b": null}, "errors": [{"message": "'dict' object has no attribute 'bytes'", "path": ["a"], "locations": [{"line": 1, "column": 3}]}, {"message": "'dict' object has no attribute 'bytes'", "path": ["b"], "locations": [{"line": 1, "column": 62}]}]}`},
		{"root alias on a single read",
			`{ me: user(id: "` + ana + `") { fn: firstName } }`,
			`{"data":{"me":{"__typename":"User","fn":"Ana"}}}`,
			`{"data":{"user":{"__typename":"User","fn":"Ana"}}}`},
		{"aliases at every level (the embedded author has no profile: null, v1 omits it)",
			`{ p: post(id: "22222222-2222-4222-8222-222222222201") { t: title writer: author { name: displayName p: profile { b: bio } } } }`,
			`{"data":{"p":{"__typename":"Post","t":"Getting started with FraiseQL","writer":{"__typename":"User","name":"Ana Silva","p":null}}}}`,
			`{"data":{"post":{"__typename":"Post","t":"Getting started with FraiseQL","writer":{"__typename":"User","name":"Ana Silva"}}}}`},
		{"same list root twice with different arguments and nested fields",
			`{ few: users(limit: 1) { id profile { bio } } more: users(limit: 2, offset: 1) { firstName } }`,
			`{"data":{"few":[{"__typename":"User","id":"` + ana + `","profile":{"__typename":"Profile","bio":"Builds APIs."}}],"more":[{"__typename":"User","firstName":"Bruno"},{"__typename":"User","firstName":"Chloé"}]}}`,
			`{"data":{"few":[{"__typename":"User","id":"` + ana + `","profile":{"__typename":"Profile"}}],"more":[{"__typename":"User","firstName":"Bruno"},{"__typename":"User","firstName":"Chloé"}]}}`},
		{"fragments, inline fragments and merged fields",
			`query { u: user(id: "` + bruno + `") { ...F ... on User { e: email profile { website } } profile { bio } } __typename } fragment F on User { id profile { bio } }`,
			`{"data":{"__typename":"Query","u":{"__typename":"User","e":"bruno@example.com","id":"` + bruno + `","profile":{"__typename":"Profile","bio":"Café addict ☕ and SQL fan.","website":null}}}}`,
			`{"data":{"user":{"__typename":"User","e":"bruno@example.com","id":"` + bruno + `","profile":{"__typename":"Profile","bio":"Café addict ☕ and SQL fan.","website":null}}}}`},
		{"a miss among several roots is null without an error",
			`{ nobody: user(id: "00000000-0000-4000-8000-000000000000") { id } one: users(limit: 1) { id } }`,
			`{"data":{"nobody":null,"one":[{"__typename":"User","id":"` + ana + `"}]}}`,
			`{"data": {"nobody": null, "one": [{"__typename": "User", "id": "` + ana + `"}]}, "errors": [{"message": "'dict' object has no attribute 'bytes'", "path": ["nobody"], "locations": [{"line": 1, "column": 3}]}]}`},
	}
	for _, q := range []Quirks{QuirksNone, QuirksV197} {
		e, err := New(s, conn, Config{Environment: Production, Quirks: q})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(string(q)+"/"+c.name, func(t *testing.T) {
				want := c.want
				if q.V1() {
					want = c.wantV1
				}
				got := executeAppend(t, e, context.Background(), &Request{Query: c.query})
				if string(got.Body) != want {
					t.Errorf("got  %s\nwant %s", got.Body, want)
				}
			})
		}
	}
}

// TestMultiRootReference generates random queries over the demo schema
// (several roots, the same root with different arguments, aliases at every
// level, named and inline fragments, repeated fields whose selections
// merge) and checks, against the demo database, that each response is the
// merge of the responses to its roots asked one at a time.
func TestMultiRootReference(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	s := loadBlog(t)
	e, err := New(s, conn, Config{Environment: Development})
	if err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, q string) (map[string]json.RawMessage, json.RawMessage, []byte) {
		t.Helper()
		resp := e.Execute(context.Background(), &Request{Query: q})
		var body struct {
			Data   map[string]json.RawMessage
			Errors json.RawMessage
		}
		if err := json.Unmarshal(resp.Body, &body); err != nil || body.Data == nil {
			t.Fatalf("%s\nanswered %s (%v)", q, resp.Body, err)
		}
		return body.Data, body.Errors, resp.Body
	}
	rng := rand.New(rand.NewPCG(10, 4))
	for i := range 300 {
		g := &queryGen{rng: rng, fragments: map[string]string{}}
		roots := g.roots()
		full := g.document(roots)
		data, errs, body := run(t, full)
		if errs != nil {
			t.Fatalf("%s\nanswered errors %s", full, errs)
		}
		merged := map[string]json.RawMessage{}
		for _, r := range roots {
			one, oneErrs, _ := run(t, g.document([]genRoot{r}))
			if oneErrs != nil {
				t.Fatalf("%s\nanswered errors %s", r.text, oneErrs)
			}
			for k, v := range one {
				merged[k] = v
			}
		}
		keys := make([]string, 0, len(merged))
		for k := range merged {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := []byte(`{"data":{`)
		for n, k := range keys {
			if n > 0 {
				want = append(want, ',')
			}
			want = fmt.Appendf(want, "%q:%s", k, merged[k])
		}
		want = append(want, "}}"...)
		if len(roots) > 1 || !bytes.Contains(body, []byte(`"extensions"`)) {
			if !bytes.Equal(body, want) {
				t.Fatalf("query %d: %s\ngot  %s\nwant %s", i, full, body, want)
			}
		} else if len(data) != 1 {
			t.Fatalf("query %d: %s\nanswered %s", i, full, body)
		}
	}
}

type genRoot struct {
	key, text string
	fragments []string // names of the fragments the root's text uses
}

// queryGen writes random valid queries over examples/blog/app.graphql.
type queryGen struct {
	rng       *rand.Rand
	fragments map[string]string // name → definition
	used      []string
	n         int
}

var genFields = map[string][]string{
	"User":    {"id", "email", "firstName", "lastName", "displayName", "age", "score", "isActive", "role", "tags", "createdAt", "profile"},
	"Post":    {"id", "title", "body", "published", "viewCount", "rating", "createdAt", "author", "comments"},
	"Comment": {"id", "content", "postId", "createdAt", "author"},
	"Profile": {"bio", "website"},
}

var genObjects = map[string]string{"profile": "Profile", "author": "User", "comments": "Comment"}

func (g *queryGen) roots() []genRoot {
	ids := []string{"11111111-1111-4111-8111-111111111101", "11111111-1111-4111-8111-111111111104", "00000000-0000-4000-8000-000000000000"}
	posts := []string{"22222222-2222-4222-8222-222222222201", "22222222-2222-4222-8222-222222222203"}
	var roots []genRoot
	seen := map[string]bool{}
	for range 1 + g.rng.IntN(4) {
		var field, typ, args string
		switch g.rng.IntN(5) {
		case 0:
			field, typ = "users", "User"
			args = fmt.Sprintf("(limit: %d, offset: %d)", 1+g.rng.IntN(4), g.rng.IntN(8))
		case 1:
			field, typ = "user", "User"
			args = fmt.Sprintf("(id: %q)", ids[g.rng.IntN(len(ids))])
		case 2:
			field, typ = "posts", "Post"
			args = fmt.Sprintf("(limit: %d)", 1+g.rng.IntN(3))
		case 3:
			field, typ = "post", "Post"
			args = fmt.Sprintf("(id: %q)", posts[g.rng.IntN(len(posts))])
		default:
			field, typ = "comments", "Comment"
			args = fmt.Sprintf("(limit: %d, offset: %d)", 1+g.rng.IntN(3), g.rng.IntN(50))
		}
		key := field
		if seen[key] || g.rng.IntN(2) == 0 {
			key = fmt.Sprintf("r%d_%s", len(roots), field)
		}
		seen[key] = true
		g.used = nil
		sel := g.selection(typ, 0)
		text := key + ": " + field + args + " " + sel
		if key == field && g.rng.IntN(2) == 0 {
			text = field + args + " " + sel
		}
		roots = append(roots, genRoot{key: key, text: text, fragments: g.used})
	}
	return roots
}

// selection writes a selection set of typ; every response key is either
// the field's name or an alias unique to that field, so repeated keys
// always merge.
func (g *queryGen) selection(typ string, depth int) string {
	fields := genFields[typ]
	var parts []string
	for range 1 + g.rng.IntN(4) {
		f := fields[g.rng.IntN(len(fields))]
		key := ""
		if g.rng.IntN(3) == 0 {
			key = "a_" + f + ": "
		}
		text := key + f
		if ct, ok := genObjects[f]; ok {
			if depth >= 2 {
				continue
			}
			text += " " + g.selection(ct, depth+1)
		}
		switch g.rng.IntN(6) {
		case 0:
			text = "... on " + typ + " { " + text + " }"
		case 1:
			g.n++
			name := fmt.Sprintf("F%d", g.n)
			g.fragments[name] = "fragment " + name + " on " + typ + " { " + text + " }"
			g.used = append(g.used, name)
			text = "..." + name
		case 2:
			text += " __typename"
		}
		parts = append(parts, text)
	}
	if len(parts) == 0 {
		parts = append(parts, "__typename")
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

// document is a query of the given roots with the fragments they use.
func (g *queryGen) document(roots []genRoot) string {
	var b strings.Builder
	b.WriteString("{")
	var frags []string
	for _, r := range roots {
		b.WriteString(" " + r.text)
		for _, f := range r.fragments {
			if !slices.Contains(frags, f) {
				frags = append(frags, f)
			}
		}
	}
	b.WriteString(" }")
	for _, f := range frags {
		b.WriteString(" " + g.fragments[f])
	}
	return b.String()
}
