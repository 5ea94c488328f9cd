package rules

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/document"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/introspect"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// The differential corpora: every entry is answered by graphql-core 3.2.8
// (testdata/oracle.py, over the schema the model introspects, plus the
// corpus's extension) and by this package; messages and locations must be
// identical, in order. graphql-core's answers are checked in
// (testdata/<corpus>.oracle.json), so the test needs no Python;
//
//	go test ./internal/rules -run TestCorpus -oracle
//
// runs graphql-core again and fails when its answers differ from the
// checked-in ones, and -update rewrites them.
//
// Entries whose answer holds FraiseQL's own scalar messages (which the
// oracle does not reproduce) are compared with testdata/<corpus>.fraiseql.json,
// the answers graphql-go's front end gave when this one replaced it
// (TestFraiseQLScalarLiterals in the root package pins them too);
// -update rewrites that file from this package, for review in the diff.

var (
	oracleFlag = flag.Bool("oracle", false, "re-run graphql-core 3.2.8 (python3 testdata/oracle.py) and compare with testdata/*.oracle.json")
	updateFlag = flag.Bool("update", false, "rewrite testdata/*.oracle.json from graphql-core 3.2.8 (python3)")
)

const unjudged = "@@UNJUDGED-FRAISEQL-SCALAR@@"

type answer struct {
	Errors []answerError `json:"errors"`
	Raised bool          `json:"raised,omitempty"`
	// Introspection holds NoSchemaIntrospectionCustomRule's errors (nil
	// when the entry does not parse).
	Introspection []answerError `json:"introspection,omitempty"`
}

type answerError struct {
	Message   string  `json:"message"`
	Locations [][]int `json:"locations"`
}

func (a answer) String() string {
	var b strings.Builder
	for _, e := range a.Errors {
		fmt.Fprintf(&b, "\n    %q %v", e.Message, e.Locations)
	}
	return b.String()
}

func (a answer) same(b answer) bool { return a.String() == b.String() }

type corpus struct {
	name      string // testdata/<name>.txt, testdata/<name>.oracle.json
	extension string // SDL the oracle adds to the introspected schema
	schema    func(t testing.TB) *schema.Schema
	scalars   bool // holds FraiseQL-scalar entries (testdata/<name>.fraiseql.json)
}

var corpora = []corpus{
	{name: "corpus", schema: loadBlog, scalars: true},
	{name: "subscriptions", extension: subscriptionSDL, schema: blogWithSubscription},
}

func loadBlog(t testing.TB) *schema.Schema {
	t.Helper()
	s, err := schema.LoadFile("../../../examples/blog/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// subscriptionSDL and blogWithSubscription declare the same subscription
// root, for graphql-core and for the model (the loader does not accept
// subscriptions yet).
const subscriptionSDL = `extend schema { subscription: Subscription }
type Subscription {
  userChanged(id: UUID): User
  postAdded(authorId: UUID, limit: Int!): Post
  tick: Int
}
`

func blogWithSubscription(t testing.TB) *schema.Schema {
	s := loadBlog(t)
	ref := func(n string) *schema.TypeRef { return &schema.TypeRef{Named: n} }
	sub := &schema.Type{Name: "Subscription", Kind: schema.KindObject, Fields: []*schema.Field{
		{Name: "userChanged", Type: ref("User"), Args: []*schema.InputValue{{Name: "id", Type: ref("UUID")}}},
		{Name: "postAdded", Type: ref("Post"), Args: []*schema.InputValue{{Name: "authorId", Type: ref("UUID")},
			{Name: "limit", Type: &schema.TypeRef{NonNull: true, OfType: ref("Int")}}}},
		{Name: "tick", Type: ref("Int")},
	}}
	return &schema.Schema{Types: append(append([]*schema.Type(nil), s.Types...), sub), Query: s.Query,
		Mutation: s.Mutation, Subscription: "Subscription", Directives: s.Directives}
}

// splitEntries reads the corpus format: entries separated by lines that
// are exactly "---", surrounding newlines trimmed.
func splitEntries(text string) []string {
	var out, cur []string
	flush := func() {
		out = append(out, strings.Trim(strings.Join(cur, "\n"), "\n"))
		cur = cur[:0]
	}
	for _, l := range strings.Split(text, "\n") {
		if l == "---" {
			flush()
			continue
		}
		cur = append(cur, l)
	}
	if strings.TrimSpace(strings.Join(cur, "\n")) != "" {
		flush()
	}
	return out
}

func toAnswer(errs []*gqlerr.Error) answer {
	a := answer{Errors: []answerError{}}
	for _, e := range errs {
		ae := answerError{Message: e.Message, Locations: [][]int{}}
		for _, l := range e.Locations {
			ae.Locations = append(ae.Locations, []int{l.Line, l.Column})
		}
		a.Errors = append(a.Errors, ae)
	}
	return a
}

// newAnswer is this package's answer: language's syntax error, or the
// rules' errors.
func newAnswer(v *Validator, doc string) answer {
	d, err := language.Parse(doc, language.Options{})
	if err != nil {
		se := err.(*language.SyntaxError)
		return toAnswer([]*gqlerr.Error{{Message: se.Error(), Locations: []gqlerr.Location{{Line: se.Line, Column: se.Column}}}})
	}
	return toAnswer(v.Validate(d))
}

func TestCorpus(t *testing.T) {
	t.Parallel()
	for _, c := range corpora {
		t.Run(c.name, func(t *testing.T) {
			s := c.schema(t)
			text, err := os.ReadFile(filepath.Join("testdata", c.name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			docs := splitEntries(string(text))
			want := oracleAnswers(t, c)
			if len(want) != len(docs) {
				t.Fatalf("%d entries, %d oracle answers: run with -update", len(docs), len(want))
			}
			v := New(s)
			recorded := map[string]answer{}
			if c.scalars {
				recorded = scalarAnswers(t, c, v, docs, want)
			}
			newSame, judged, byRecord, introSame, introJudged := 0, 0, 0, 0, 0
			for i, doc := range docs {
				got := newAnswer(v, doc)
				if strings.Contains(want[i].String(), unjudged) {
					// FraiseQL's scalar texts: the recorded answer is the
					// reference.
					if !c.scalars {
						t.Errorf("entry %d: unjudged entries belong in the blog corpus:\n%s", i+1, doc)
						continue
					}
					byRecord++
					if rec, ok := recorded[strconv.Itoa(i+1)]; !ok || !got.same(rec) {
						t.Errorf("entry %d (FraiseQL scalar) differs from %s.fraiseql.json:\n%s\ngot%s\nrecorded%s", i+1, c.name, doc, got, rec)
					}
					continue
				}
				judged++
				if want[i].Introspection != nil {
					introJudged++
					if d, err := language.Parse(doc, language.Options{}); err != nil {
						t.Errorf("entry %d: graphql-core parses it, we do not: %v", i+1, err)
					} else if gi, wi := toAnswer(v.Introspection(d)), (answer{Errors: want[i].Introspection}); gi.same(wi) {
						introSame++
					} else {
						t.Errorf("entry %d: NoSchemaIntrospectionCustomRule differs from graphql-core:\n%s\ngot%s\nwant%s", i+1, doc, gi, wi)
					}
				}
				if got.same(want[i]) {
					newSame++
				} else {
					t.Errorf("entry %d differs from graphql-core:\n%s\ngot%s\nwant%s", i+1, doc, got, want[i])
				}
			}
			t.Logf("%s: %d entries; identical to graphql-core 3.2.8: %d/%d; %d FraiseQL-scalar entries compared with the recorded answers; NoSchemaIntrospectionCustomRule alone: %d/%d",
				c.name, len(docs), newSame, judged, byRecord, introSame, introJudged)
		})
	}
}

// scalarAnswers reads testdata/<corpus>.fraiseql.json (entry number to
// answer), or writes it from v with -update.
func scalarAnswers(t *testing.T, c corpus, v *Validator, docs []string, want []answer) map[string]answer {
	t.Helper()
	file := filepath.Join("testdata", c.name+".fraiseql.json")
	if *updateFlag {
		out := map[string]answer{}
		for i, doc := range docs {
			if strings.Contains(want[i].String(), unjudged) {
				out[strconv.Itoa(i+1)] = newAnswer(v, doc)
			}
		}
		b, err := json.MarshalIndent(out, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return out
	}
	stored, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	var out map[string]answer
	if err := json.Unmarshal(stored, &out); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return out
}

// oracleAnswers reads the checked-in answers, or runs graphql-core
// (-oracle: and compares; -update: and rewrites).
func oracleAnswers(t *testing.T, c corpus) []answer {
	file := filepath.Join("testdata", c.name+".oracle.json")
	stored, err := os.ReadFile(file)
	if err != nil && !*updateFlag {
		t.Fatalf("%v (run with -update and python3 with graphql-core 3.2.8)", err)
	}
	if *oracleFlag || *updateFlag {
		fresh := runOracle(t, c)
		if *updateFlag {
			if err := os.WriteFile(file, fresh, 0o644); err != nil {
				t.Fatal(err)
			}
			stored = fresh
		} else if !bytes.Equal(bytes.TrimSpace(fresh), bytes.TrimSpace(stored)) {
			t.Errorf("graphql-core's answers differ from %s: run with -update and review the diff", file)
		}
	}
	var out []answer
	if err := json.Unmarshal(stored, &out); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return out
}

func runOracle(t *testing.T, c corpus) []byte {
	t.Helper()
	const script = "testdata/oracle.py"
	q, err := exec.Command("python3", script, "introspection-query").Output()
	if err != nil {
		t.Fatalf("python3 with graphql-core 3.2.8 is needed for -oracle/-update: %v", err)
	}
	dir := t.TempDir()
	schemaFile := filepath.Join(dir, "schema.json")
	// The model is introspected without the extension (the oracle adds it):
	// a test-built *schema.Schema has no index for introspect.
	if err := os.WriteFile(schemaFile, introspectionJSON(t, loadBlog(t), q), 0o600); err != nil {
		t.Fatal(err)
	}
	extFile := filepath.Join(dir, "extension.graphql")
	if err := os.WriteFile(extFile, []byte(c.extension), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", script, "validate", schemaFile, extFile, filepath.Join("testdata", c.name+".txt"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	return append(bytes.TrimSpace(out), '\n')
}

// introspectionJSON answers graphql-core's introspection query from the
// model (the schema the server publishes), as {"__schema": …}.
func introspectionJSON(t *testing.T, s *schema.Schema, query []byte) []byte {
	t.Helper()
	l, err := document.NewLimits(0, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	d, gerr := document.Parse(string(query), &l)
	if gerr != nil {
		t.Fatal(gerr.Message)
	}
	var root *language.Field
	for _, def := range d.AST.Definitions {
		if op, ok := def.(*language.OperationDefinition); ok {
			root = op.SelectionSet.Selections[0].(*language.Field)
		}
	}
	val, err := introspect.Resolve(s, root, d.Fragments, map[string]any{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	obj := pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{{Key: "__schema", Value: val}}}
	out, err := pyjson.AppendCompact(nil, &obj)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
