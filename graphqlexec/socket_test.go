package graphqlexec

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

const (
	postA = "22222222-2222-4222-8222-222222222201" // tenant A, published
	postB = "22222222-2222-4222-8222-222222222228" // tenant B
)

func loadBlogSubscriptions(t testing.TB) *schema.Schema {
	t.Helper()
	s, err := schema.LoadFiles("../examples/blog/app.graphql", "../examples/blog/subscriptions.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Prepare classifies documents and refuses what an HTTP request would be
// refused for, plus subscriptions that do not select one @subscribe field.
func TestPrepareKinds(t *testing.T) {
	t.Parallel()
	e, err := New(loadBlogSubscriptions(t), testDB(t), Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for q, want := range map[string]OperationKind{
		`{ posts { id } }`: OperationQuery,
		`mutation { deletePost(input: {id: "` + postA + `"}) { __typename } }`: OperationMutation,
		`subscription { postUpdated { id } }`:                                  OperationSubscription,
	} {
		op, refused, err := e.Prepare(ctx, &Request{Query: q})
		if err != nil || refused != nil || op.Kind != want {
			t.Errorf("%s: op=%v refused=%s err=%v", q, op, refused, err)
		}
	}
	for q, want := range map[string]string{
		`subscription { postUpdated { id } commentAdded { id } }`:    `[{"message":"Anonymous Subscription must select only one top level field.","locations":[{"line":1,"column":35}]}]`,
		`subscription S { __typename }`:                              `[{"message":"Subscription 'S' must not select an introspection top level field.","locations":[{"line":1,"column":18}]}]`,
		`subscription { postUpdated { nope } }`:                      `Cannot query field 'nope' on type 'Post'.`,
		`subscription { postUpdated(id: 3) { id } }`:                 `UUID cannot represent non-string literal: '3'`,
		`subscription { postUpdated { id }`:                          `Syntax Error`,
		`subscription S($id: UUID!) { postUpdated(id: $id) { id } }`: `Variable '$id' of required type 'UUID!' was not provided.`,
	} {
		op, refused, err := e.Prepare(ctx, &Request{Query: q})
		if err != nil || op != nil || !strings.Contains(string(refused), want) || !json.Valid(refused) {
			t.Errorf("%s: op=%v refused=%s err=%v, want %s", q, op, refused, err, want)
		}
	}
	// Over HTTP a subscription is refused: it is a stream.
	body := string(e.Execute(ctx, &Request{Query: `subscription { postUpdated { id } }`}).Body)
	if !strings.Contains(body, subscriptionOverHTTP) {
		t.Errorf("over HTTP: %s", body)
	}
}

// The pre-filter and the group key: the id argument in PostgreSQL's lower
// case, the tenant from the claims, a key equal exactly when the read is
// the same.
func TestPrepareSubscriptionRouting(t *testing.T) {
	t.Parallel()
	e, err := New(loadBlogSubscriptions(t), testDB(t), Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	prep := func(req *Request) *Operation {
		t.Helper()
		op, refused, err := e.Prepare(ctx, req)
		if err != nil || refused != nil {
			t.Fatalf("refused=%s err=%v", refused, err)
		}
		return op
	}
	q := `subscription($id: UUID) { postUpdated(id: $id) { id title } }`
	a := prep(&Request{Query: q, Variables: vars(t, `{"id":"`+strings.ToUpper(postA)+`"}`)})
	id, scope := a.EventFilter()
	if a.Entity() != "Post" || strings.Join(a.Operations(), ",") != "UPDATE" || id != postA || len(scope) != 1 || scope["tenant_id"] != tenantA {
		t.Fatalf("entity=%s ops=%v id=%s scope=%v", a.Entity(), a.Operations(), id, scope)
	}
	same := prep(&Request{Query: q, Variables: vars(t, `{"id":"`+strings.ToUpper(postA)+`"}`), Claims: map[string]any{"sub": "someone else", "tenant_id": tenantA}})
	if same.GroupKey() != a.GroupKey() {
		t.Error("two subscribers reading the same thing are in different groups")
	}
	for name, req := range map[string]*Request{
		"other tenant":   {Query: q, Variables: vars(t, `{"id":"`+postA+`"}`), Claims: map[string]any{"tenant_id": tenantB}},
		"other variable": {Query: q, Variables: vars(t, `{"id":"`+postB+`"}`)},
		"other document": {Query: `subscription($id: UUID) { postUpdated(id: $id) { id } }`, Variables: vars(t, `{"id":"`+postA+`"}`)},
		"session vars":   {Query: q, Variables: vars(t, `{"id":"`+strings.ToUpper(postA)+`"}`), SessionVars: []SessionVar{{Name: "app.user", Value: "u1"}}},
	} {
		if prep(req).GroupKey() == a.GroupKey() {
			t.Errorf("%s: same group key", name)
		}
	}
	c := prep(&Request{Query: `subscription { commentAdded(postId: "` + postA + `") { id content } }`})
	id, scope = c.EventFilter()
	if c.Entity() != "Comment" || id != "" || scope["post_id"] != postA || scope["tenant_id"] != tenantA {
		t.Fatalf("commentAdded: entity=%s id=%q scope=%v", c.Entity(), id, scope)
	}
}

// Read runs the subscriber's selection for one event under its own
// context: a row of another tenant, or one the where input excludes, is
// not delivered.
func TestOperationRead(t *testing.T) {
	t.Parallel()
	e, err := New(loadBlogSubscriptions(t), testDB(t), Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	read := func(req *Request, id string) (string, bool) {
		t.Helper()
		op, refused, err := e.Prepare(ctx, req)
		if err != nil || refused != nil {
			t.Fatalf("refused=%s err=%v", refused, err)
		}
		body, found, err := op.Read(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return string(body), found
	}
	q := &Request{Query: `subscription { postUpdated { id title published author { displayName } } }`}
	body, found := read(q, postA)
	if !found || body != `{"data":{"postUpdated":{"__typename":"Post","author":{"__typename":"User","displayName":"Ana Silva"},"id":"`+postA+`","published":true,"title":"Getting started with FraiseQL"}}}` {
		t.Fatalf("found=%v body=%s", found, body)
	}
	if body, found := read(q, postB); found {
		t.Errorf("tenant A read tenant B's post: %s", body)
	}
	if _, found := read(&Request{Query: q.Query, Claims: map[string]any{"tenant_id": tenantB}}, postB); !found {
		t.Error("tenant B did not read its own post")
	}
	if body, found := read(&Request{Query: `subscription { postUpdated(where: {published: {eq: false}}) { id } }`}, postA); found {
		t.Errorf("where excluded nothing: %s", body)
	}
	if body, found := read(&Request{Query: `subscription { postUpdated(id: "` + postB + `") { id } }`}, postA); found {
		t.Errorf("id argument excluded nothing: %s", body)
	}
	if _, found := read(&Request{Query: `subscription { postUpdated(where: {published: {eq: true}}) { id } }`}, postA); !found {
		t.Error("a matching where excluded the row")
	}
	op, _, _ := e.Prepare(ctx, &Request{Query: `subscription { postUpdated { id } }`})
	if body, found, err := op.Read(ctx, "not-a-uuid"); err == nil || found || body != nil {
		t.Errorf("a malformed event id: found=%v body=%s err=%v", found, body, err)
	}
}
