package tvsync

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/testdb"
)

var blog = filepath.Join("..", "..", "..", "examples", "blog")

const tenantA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"

// scratchDB creates a database loaded with schema.sql and tv.sql and returns
// a connection to it; the database is dropped when the test ends.
func scratchDB(t *testing.T) *pgx.Conn {
	conn, _ := scratchDBConfig(t)
	return conn
}

// scratchDBConfig is scratchDB that also returns the connection config, for
// tests that need a second session.
func scratchDBConfig(t *testing.T) (*pgx.Conn, *pgx.ConnConfig) {
	t.Helper()
	d := testdb.Scratch(t, "perf_tvsync", testdb.File(t, filepath.Join(blog, "schema.sql")), testdb.File(t, filepath.Join(blog, "tv.sql")))
	return d.Connect(t), d.Config.Copy()
}

// drift returns, per table, how many rows differ between the v_ view and its
// tv_ table (in either direction), and whether the generated filter columns
// disagree with the view's columns.
func drift(t *testing.T, conn *pgx.Conn) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, x := range []string{"user", "post", "comment"} {
		var n int
		q := `SELECT (SELECT count(*) FROM (SELECT id, tenant_id, data FROM v_` + x + ` EXCEPT ALL SELECT id, tenant_id, data FROM tv_` + x + `) a)
		           + (SELECT count(*) FROM (SELECT id, tenant_id, data FROM tv_` + x + ` EXCEPT ALL SELECT id, tenant_id, data FROM v_` + x + `) b)`
		if err := conn.QueryRow(context.Background(), q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			out[x] = n
		}
	}
	for name, q := range map[string]string{
		"user columns": `SELECT count(*) FROM v_user v JOIN tv_user t USING (id)
			WHERE (v.email, v.first_name, v.display_name, v.age, v.score, v.is_active, v.role)
			      IS DISTINCT FROM (t.email, t.first_name, t.display_name, t.age, t.score, t.is_active, t.role)`,
		"post columns": `SELECT count(*) FROM v_post v JOIN tv_post t USING (id)
			WHERE (v.title, v.published, v.view_count, v.rating, v.author) IS DISTINCT FROM (t.title, t.published, t.view_count, t.rating, t.author)`,
	} {
		var n int
		if err := conn.QueryRow(context.Background(), q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			out[name] = n
		}
	}
	return out
}

func TestTVTablesStayInSync(t *testing.T) {
	conn := scratchDB(t)
	ctx := context.Background()
	if d := drift(t, conn); len(d) > 0 {
		t.Fatalf("out of sync right after loading tv.sql: %v", d)
	}
	var counts [3]int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM tv_user), (SELECT count(*) FROM tv_post), (SELECT count(*) FROM tv_comment)`).Scan(&counts[0], &counts[1], &counts[2]); err != nil {
		t.Fatal(err)
	}
	if counts != [3]int{12, 30, 60} {
		t.Fatalf("tv_ row counts %v, want the demo's 12 users, 30 posts, 60 comments", counts)
	}

	// mutation calls the way fraiseql-http makes them: fn(tenant, input jsonb)
	mutation := func(fn, input string) string {
		var status string
		if err := conn.QueryRow(ctx, `SELECT status FROM public.`+fn+`($1, $2::jsonb)`, tenantA, input).Scan(&status); err != nil {
			t.Fatalf("%s(%s): %v", fn, input, err)
		}
		return status
	}
	exec := func(sql string, args ...any) {
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// tvText reads one key of a tv_ document, to show the write reached it.
	tvText := func(table, id, key string) string {
		var s *string
		if err := conn.QueryRow(ctx, `SELECT data #>> $2::text[] FROM `+table+` WHERE id = $1`, id, "{"+key+"}").Scan(&s); err != nil {
			if err == pgx.ErrNoRows {
				return "<no row>"
			}
			t.Fatal(err)
		}
		if s == nil {
			return "<null>"
		}
		return *s
	}
	const (
		post1  = "22222222-2222-4222-8222-222222222201"
		post2  = "22222222-2222-4222-8222-222222222202"
		user1  = "11111111-1111-4111-8111-111111111101"
		cmt3   = "33333333-3333-4333-8333-333333333303"
		newCmt = "33333333-3333-4333-8333-333333333399"
	)
	steps := []struct {
		name  string
		write func()
		check func() (got, want string)
	}{
		{"createUser (success)", func() {
			if s := mutation("create_user", `{"email":"new@example.com","first_name":"New","tags":["x"]}`); s != "created" {
				t.Fatalf("create_user: %s", s)
			}
		}, func() (string, string) {
			var n int
			conn.QueryRow(ctx, `SELECT count(*) FROM tv_user WHERE email = 'new@example.com'`).Scan(&n)
			return strings.Repeat("x", n), "x"
		}},
		{"createUser (conflict: no write)", func() {
			if s := mutation("create_user", `{"email":"ana@example.com","first_name":"Ana"}`); s != "conflict:duplicate_email" {
				t.Fatalf("create_user conflict: %s", s)
			}
		}, nil},
		{"updatePost title", func() {
			if s := mutation("update_post", `{"id":"`+post1+`","title":"Synced title"}`); s != "updated" {
				t.Fatalf("update_post: %s", s)
			}
		}, func() (string, string) { return tvText("tv_post", post1, "title"), "Synced title" }},
		{"updatePost (noop)", func() {
			if s := mutation("update_post", `{"id":"`+post1+`","title":"Synced title"}`); s != "noop:no_changes" {
				t.Fatalf("update_post noop: %s", s)
			}
		}, nil},
		{"user display name (embedded in posts and comments)", func() {
			exec(`UPDATE tb_user SET display_name = 'Ana Renamed' WHERE id = $1`, user1)
		}, func() (string, string) { return tvText("tv_post", post1, "author,display_name"), "Ana Renamed" }},
		{"user email (not embedded elsewhere)", func() {
			exec(`UPDATE tb_user SET email = 'ana2@example.com' WHERE id = $1`, user1)
		}, func() (string, string) { return tvText("tv_user", user1, "email"), "ana2@example.com" }},
		{"new comment (embedded in its post)", func() {
			exec(`INSERT INTO tb_comment (id, tenant_id, post_id, author_id, content, created_at)
			      VALUES ($1, $2, $3, $4, 'fresh', '2026-01-01 00:00:00+00')`, newCmt, tenantA, post2, user1)
		}, func() (string, string) { return tvText("tv_post", post2, "comments,2,content"), "fresh" }},
		{"comment moved to another post", func() {
			exec(`UPDATE tb_comment SET post_id = $2 WHERE id = $1`, cmt3, post1)
		}, func() (string, string) { return tvText("tv_comment", cmt3, "post_id"), post1 }},
		{"comment deleted", func() {
			exec(`DELETE FROM tb_comment WHERE id = $1`, newCmt)
		}, func() (string, string) { return tvText("tv_comment", newCmt, "id"), "<no row>" }},
		{"deletePost (cascades to its comments)", func() {
			if s := mutation("delete_post", `{"id":"`+post2+`"}`); s != "deleted" {
				t.Fatalf("delete_post: %s", s)
			}
		}, func() (string, string) { return tvText("tv_post", post2, "id"), "<no row>" }},
		{"user deleted", func() {
			exec(`DELETE FROM tb_user WHERE email = 'new@example.com'`)
		}, func() (string, string) {
			var n int
			conn.QueryRow(ctx, `SELECT count(*) FROM tv_user WHERE email = 'new@example.com'`).Scan(&n)
			return strings.Repeat("x", n), ""
		}},
	}
	for _, s := range steps {
		s.write()
		if d := drift(t, conn); len(d) > 0 {
			t.Errorf("after %s: tv_ differs from v_: %v", s.name, d)
		}
		if s.check != nil {
			if got, want := s.check(); got != want {
				t.Errorf("after %s: tv_ holds %q, want %q", s.name, got, want)
			}
		}
	}

	// The comparison itself can fail: a write the triggers do not see is drift.
	exec(`ALTER TABLE tb_post DISABLE TRIGGER tv_sync`)
	exec(`UPDATE tb_post SET title = 'unsynced' WHERE id = $1`, post1)
	if d := drift(t, conn); d["post"] != 2 || d["post columns"] != 1 {
		t.Errorf("an unsynced write must show as drift (one row each way, one column): %v", d)
	}
	exec(`ALTER TABLE tb_post ENABLE TRIGGER tv_sync`)
	exec(`SELECT tv_post_refresh(ARRAY[$1::uuid])`, post1)
	if d := drift(t, conn); len(d) > 0 {
		t.Errorf("tv_post_refresh did not repair the drift: %v", d)
	}
}

// Two transactions change one document at once: the one that commits second
// must rebuild it with the first one's change, not overwrite it with a
// document read before the first committed (READ COMMITTED, the default).
func TestTVConcurrentWriters(t *testing.T) {
	const (
		cmt1  = "33333333-3333-4333-8333-333333333301" // both on post 1
		cmt2  = "33333333-3333-4333-8333-333333333302"
		post3 = "22222222-2222-4222-8222-222222222203" // neither written nor commented by user 9
		user9 = "11111111-1111-4111-8111-111111111109"
	)
	rename := []any{`UPDATE tb_user SET display_name = 'Renamed' WHERE id = $1`, user9}
	comment := []any{`INSERT INTO tb_comment (id, tenant_id, post_id, author_id, content, created_at)
		VALUES ('33333333-3333-4333-8333-333333333398', $1, $2, $3, 'new', '2026-01-01 00:00:00+00')`, tenantA, post3, user9}
	for _, tc := range []struct {
		name          string
		first, second []any
	}{
		// the same post rebuilt by both (both comments are in it)
		{"two comments of one post",
			[]any{`UPDATE tb_comment SET content = 'first writer' WHERE id = $1`, cmt1},
			[]any{`UPDATE tb_comment SET content = 'second writer' WHERE id = $1`, cmt2}},
		// the rename cannot see the uncommitted comment, the comment must wait for it
		{"rename, then a comment by that user", rename, comment},
		{"a comment, then a rename of its author", comment, rename},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, cfg := scratchDBConfig(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			other, err := pgx.ConnectConfig(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close(context.Background())
			tx, err := conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(context.Background())
			if _, err := tx.Exec(ctx, tc.first[0].(string), tc.first[1:]...); err != nil {
				t.Fatal(err)
			}
			var otherPID uint32
			if err := other.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&otherPID); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := other.Exec(ctx, tc.second[0].(string), tc.second[1:]...)
				done <- err
			}()
			// wait until the second writer blocks on the first one's lock
			for waiting := false; !waiting; {
				select {
				case err := <-done:
					t.Fatalf("the second writer finished while the first was open: %v", err)
				case <-time.After(20 * time.Millisecond):
				}
				if err := conn.QueryRow(ctx, `SELECT count(*) > 0 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, otherPID).Scan(&waiting); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if d := drift(t, conn); len(d) > 0 {
				t.Errorf("tv_ differs from v_ after two concurrent writers: %v", d)
			}
		})
	}
}

// app-tv.graphql declares the same API as app.graphql: only the views differ.
func TestTVSchemaMatchesApp(t *testing.T) {
	app, err := os.ReadFile(filepath.Join(blog, "app.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	tv, err := os.ReadFile(filepath.Join(blog, "app-tv.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	// drop app-tv's own header comment (the lines before app.graphql's first line)
	first, _, _ := strings.Cut(string(app), "\n")
	i := strings.Index(string(tv), first+"\n")
	if i < 0 {
		t.Fatal("app-tv.graphql does not contain app.graphql's first line")
	}
	body := string(tv[i:])
	if n := strings.Count(body, `@view(name: "tv_`); n != 3 {
		t.Errorf("%d @view declarations name a tv_ table, want 3 (User, Post, Comment)", n)
	}
	if strings.Contains(body, `@view(name: "v_`) {
		t.Error("app-tv.graphql still reads a v_ view")
	}
	if got := strings.ReplaceAll(body, `@view(name: "tv_`, `@view(name: "v_`); got != string(app) {
		t.Error("app-tv.graphql differs from app.graphql beyond the view names: regenerate it (see its header)")
	}
}
