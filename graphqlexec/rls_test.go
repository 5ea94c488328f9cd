package graphqlexec

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// The row-level-security proof.
//
// The blog app is declared a second time with NO tenant scope on any read
// and with mutations whose tenant argument is always tenant A (a badly
// written app); the only thing that carries the real tenant is the session
// variable app.tenant_id, set from the user's tenant_id claim through
// @context(sessionVariable:). The database enables row level security on
// the three tables with the policy tenant_id = nullif(current_setting(
// 'app.tenant_id', true), <empty string>)::uuid (once a connection has
// seen the setting, current_setting returns an empty string rather than
// NULL outside the transaction that set it, and casting that to uuid would
// fail the statement instead of matching nothing), makes the views security_invoker (on
// PostgreSQL 15 a view otherwise reads its tables with its owner's rights,
// and the owner bypasses RLS), and the engine connects as a role that is
// neither superuser nor owner nor BYPASSRLS. Everything tenant B then sees
// is tenant B's, whatever the query; without a tenant nothing is visible.
const (
	tenantA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
	tenantB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
)

func rlsSchema(t *testing.T) *schema.Schema {
	t.Helper()
	src, err := os.ReadFile("../examples/blog/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	for old, repl := range map[string]string{
		`@read(scope: {tenant_id: "tenant_id"})`: `@read`,
		`@context(name: "tenant_id", claim: "tenant_id", default: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", type: "uuid")`: `@context(name: "tenant_id", default: "` + tenantA + `", type: "uuid")
  @context(name: "session_tenant", claim: "tenant_id", sessionVariable: "app.tenant_id")`,
	} {
		if !strings.Contains(text, old) {
			t.Fatalf("app.graphql no longer contains %q", old)
		}
		text = strings.ReplaceAll(text, old, repl)
	}
	s, err := schema.Load("rls.graphql", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rlsDB returns a superuser connection to a fresh blog database with the
// policies in place, and an engine connection that runs as the
// unprivileged application role.
func rlsDB(t *testing.T) (admin, app *pgx.Conn) {
	t.Helper()
	root := testDB(t)
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	role := "fraiseql_rls_app_" + hex.EncodeToString(b[:])
	if _, err := root.Exec(context.Background(), "CREATE ROLE "+role+" NOLOGIN NOSUPERUSER NOBYPASSRLS"); err != nil {
		t.Fatal(err)
	}
	// Registered before freshDB, so it runs after the database is dropped.
	t.Cleanup(func() {
		if _, err := root.Exec(context.Background(), "DROP ROLE IF EXISTS "+role); err != nil {
			t.Errorf("drop role: %v", err)
		}
	})
	setup := []string{
		"GRANT USAGE ON SCHEMA public TO " + role,
		"GRANT SELECT ON v_user, v_post, v_comment TO " + role,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON tb_user, tb_post, tb_comment TO " + role,
		"ALTER VIEW v_user SET (security_invoker = true)",
		"ALTER VIEW v_post SET (security_invoker = true)",
		"ALTER VIEW v_comment SET (security_invoker = true)",
	}
	for _, table := range []string{"tb_user", "tb_post", "tb_comment"} {
		setup = append(setup,
			"ALTER TABLE "+table+" ENABLE ROW LEVEL SECURITY",
			"CREATE POLICY tenant_isolation ON "+table+
				" USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)"+
				" WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)")
	}
	admin, cfg := freshDB(t, setup...)
	cfg = cfg.Copy()
	cfg.RuntimeParams["role"] = role // every statement of the engine runs as the app role
	app, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close(context.Background()) })
	return admin, app
}

// ids returns the "id" of every object in the body's data.<field> (a list,
// an object or null).
func ids(t *testing.T, body []byte, field string) []string {
	t.Helper()
	var resp struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []json.RawMessage          `json:"errors"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %s", body)
	}
	raw := resp.Data[field]
	var list []struct{ ID string }
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatal(err)
		}
	} else if string(raw) != "null" {
		var one struct{ ID string }
		if err := json.Unmarshal(raw, &one); err != nil {
			t.Fatal(err)
		}
		list = append(list, one)
	}
	out := make([]string, len(list))
	for i, o := range list {
		out[i] = o.ID
	}
	slices.Sort(out)
	return out
}

// ownedIDs lists a tenant's row ids, read as the superuser (no RLS).
func ownedIDs(t *testing.T, admin *pgx.Conn, table, tenant string) []string {
	t.Helper()
	rows, err := admin.Query(context.Background(), "SELECT id::text FROM "+table+" WHERE tenant_id = $1 ORDER BY 1", tenant)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("tenant %s owns no %s rows: the proof would prove nothing", tenant, table)
	}
	return out
}

func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	admin, app := rlsDB(t)
	s := rlsSchema(t)
	e, err := New(s, app, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	as := func(tenant string) map[string]any {
		if tenant == "" {
			return nil
		}
		return map[string]any{"tenant_id": tenant}
	}
	run := func(tenant, query string) []byte {
		t.Helper()
		resp := e.Execute(ctx, &Request{Query: query, Claims: as(tenant)})
		if resp.InternalError {
			t.Fatalf("internal error for %s", query)
		}
		return resp.Body
	}

	usersA, usersB := ownedIDs(t, admin, "tb_user", tenantA), ownedIDs(t, admin, "tb_user", tenantB)
	postsA, postsB := ownedIDs(t, admin, "tb_post", tenantA), ownedIDs(t, admin, "tb_post", tenantB)
	commentsB := ownedIDs(t, admin, "tb_comment", tenantB)

	t.Run("the declaration has no tenant scope: the superuser sees both tenants", func(t *testing.T) {
		// The same engine over the superuser connection: only RLS stands
		// between tenants in this app.
		open, err := New(s, admin, Config{Environment: Production})
		if err != nil {
			t.Fatal(err)
		}
		body := open.Execute(ctx, &Request{Query: `{ users { id } }`, Claims: as(tenantB)}).Body
		if got := ids(t, body, "users"); len(got) != len(usersA)+len(usersB) {
			t.Fatalf("superuser sees %d users, want %d", len(got), len(usersA)+len(usersB))
		}
	})

	t.Run("lists show only the session's tenant", func(t *testing.T) {
		for _, c := range []struct {
			tenant, query, field string
			want                 []string
		}{
			{tenantB, `{ users { id } }`, "users", usersB},
			{tenantB, `{ posts { id } }`, "posts", postsB},
			{tenantB, `{ comments { id } }`, "comments", commentsB},
			{tenantA, `{ users { id } }`, "users", usersA},
			{tenantA, `{ posts { id } }`, "posts", postsA},
		} {
			if got := ids(t, run(c.tenant, c.query), c.field); !slices.Equal(got, c.want) {
				t.Errorf("%s as %s\ngot  %v\nwant %v", c.query, c.tenant, got, c.want)
			}
		}
	})

	t.Run("without a tenant nothing is visible", func(t *testing.T) {
		for _, q := range []string{`{ users { id } }`, `{ posts { id } }`, `{ comments { id } }`} {
			if got := run("", q); string(got) != `{"data":{"`+q[2:strings.Index(q, " {")]+`":[]}}` {
				t.Errorf("%s anonymous: %s", q, got)
			}
		}
	})

	t.Run("single reads of the other tenant's rows are null", func(t *testing.T) {
		for _, c := range []struct{ query, field string }{
			{`{ user(id: "` + usersA[0] + `") { id email } }`, "user"},
			{`{ post(id: "` + postsA[0] + `") { id title } }`, "post"},
		} {
			if got := run(tenantB, c.query); string(got) != `{"data":{"`+c.field+`":null}}` {
				t.Errorf("%s as B: %s", c.query, got)
			}
		}
		if got := ids(t, run(tenantB, `{ user(id: "`+usersB[0]+`") { id } }`), "user"); !slices.Equal(got, usersB[:1]) {
			t.Errorf("B's own user: %v", got)
		}
	})

	t.Run("filters, ordering and paging cannot reach the other tenant", func(t *testing.T) {
		for _, c := range []struct {
			query, field string
			want         []string
		}{
			// Ana is tenant A's first user: a filter that names her finds nothing.
			{`{ users(where: {email: {eq: "ana@example.com"}}) { id } }`, "users", nil},
			{`{ users(where: {OR: [{email: {eq: "ana@example.com"}}, {id: {isnull: false}}]}) { id } }`, "users", usersB},
			{`{ users(where: {OR: [{id: {in: ["` + strings.Join(usersA, `", "`) + `"]}}, {id: {eq: "` + usersA[0] + `"}}]}) { id } }`, "users", nil},
			{`{ users(where: {AND: [{id: {isnull: false}}]}, orderBy: [{email: DESC}], limit: 1000, offset: 0) { id } }`, "users", usersB},
			{`{ posts(where: {author: {email: {eq: "ana@example.com"}}}) { id } }`, "posts", nil},
			{`{ posts(where: {OR: [{title: {like: "%"}}, {title: {isnull: true}}]}, orderBy: [{viewCount: ASC}]) { id } }`, "posts", postsB},
			{`{ comments(where: {id: {neq: "00000000-0000-4000-8000-000000000000"}}, limit: 500) { id } }`, "comments", commentsB},
		} {
			if got := ids(t, run(tenantB, c.query), c.field); !slices.Equal(got, c.want) {
				t.Errorf("%s as B\ngot  %v\nwant %v", c.query, got, c.want)
			}
		}
	})

	t.Run("embedded documents only show the tenant's rows", func(t *testing.T) {
		body := run(tenantB, `{ posts { id author { id } comments { id } } }`)
		for _, id := range append(append([]string{}, usersA...), postsA...) {
			if strings.Contains(string(body), id) {
				t.Errorf("tenant A id %s in %s", id, body)
			}
		}
	})

	t.Run("mutations on the other tenant's rows find nothing", func(t *testing.T) {
		// The app passes tenant A as the function's tenant argument; the
		// function's own check would let the change through. RLS does not.
		target := postsA[0]
		var before string
		if err := admin.QueryRow(ctx, "SELECT title FROM tb_post WHERE id = $1", target).Scan(&before); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`mutation { updatePost(input: {id: "` + target + `", title: "stolen"}) { ... on UpdatePostError { code status } } }`,
			`mutation { deletePost(input: {id: "` + target + `"}) { ... on DeletePostError { code status } } }`,
		} {
			got := string(run(tenantB, q))
			if !strings.Contains(got, `"code":404`) || !strings.Contains(got, `"status":"not_found:post_not_found"`) {
				t.Errorf("%s as B: %s", q, got)
			}
		}
		var after string
		if err := admin.QueryRow(ctx, "SELECT title FROM tb_post WHERE id = $1", target).Scan(&after); err != nil {
			t.Fatalf("tenant A's post is gone: %v", err)
		}
		if after != before {
			t.Errorf("tenant A's post changed: %q → %q", before, after)
		}
		// Creating a row for tenant A from B's session violates the policy.
		got := string(run(tenantB, `mutation { createUser(input: {email: "mallory@example.com", firstName: "M"}) { __typename } }`))
		if !strings.Contains(got, `"message":"new row violates row-level security policy for table \"tb_user\""`) {
			t.Errorf("create as B for A: %s", got)
		}
		var n int
		if err := admin.QueryRow(ctx, "SELECT count(*) FROM tb_user WHERE email = 'mallory@example.com'").Scan(&n); err != nil || n != 0 {
			t.Errorf("mallory rows = %d, %v", n, err)
		}
	})

	t.Run("the session's own tenant can still change its rows", func(t *testing.T) {
		// Positive control: a mutation that RLS allows goes through when
		// the function's tenant matches (tenant A's session, A's post).
		got := string(run(tenantA, `mutation { updatePost(input: {id: "`+postsA[1]+`", title: "renamed"}) { ... on UpdatePostSuccess { status post { title } } } }`))
		if got != `{"data":{"updatePost":{"__typename":"UpdatePostSuccess","post":{"__typename":"Post","title":"renamed"},"status":"updated"}}}` {
			t.Errorf("A updates its post: %s", got)
		}
	})

	t.Run("settings do not outlive the statement", func(t *testing.T) {
		run(tenantB, `{ users { id } }`)
		var v *string
		if err := app.QueryRow(ctx, "SELECT nullif(current_setting('app.tenant_id', true), '')").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != nil {
			t.Errorf("app.tenant_id still set on the connection: %q", *v)
		}
	})
}
