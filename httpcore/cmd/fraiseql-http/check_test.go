package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/testdb"
)

// TestCheckCommand runs `fraiseql-http check` as a user would: each exit
// code, the mismatches on stdout at their declaration's place.
func TestCheckCommand(t *testing.T) {
	t.Parallel()
	url := testdb.URL(t)
	dir := t.TempDir()
	wrong := filepath.Join(dir, "wrong.graphql")
	os.WriteFile(wrong, []byte(`type User @view(name: "v_user") {
  id: UUID @column(name: "id")
  age: String @column(name: "age")
  email: Int
}
type Gone @view(name: "v_gone") { id: UUID }
type Query { users: [User] @read gone: [Gone] @read }
`), 0o600)
	broken := filepath.Join(dir, "broken.graphql")
	os.WriteFile(broken, []byte(`type Query { users: [User] @read }`), 0o600)
	blog := "../../../examples/blog/app.graphql"
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	none := env(nil)
	age := wrong + `:3:3: field "User.age": column "age" of v_user is integer, which does not hold String values (expected text or varchar)` + "\n"
	email := wrong + `:4:3: field "User.email": declared Int, but the documents sampled from v_user hold a JSON string for "email" (e.g. "ana@example.com")` + "\n"
	gone := wrong + `:6:6: type "Gone": view "v_gone" does not exist (looked up through search_path "\"$user\", public"; qualify it as "schema.v_gone" if it lives elsewhere)` + "\n"
	sampled, catalog := age+email+gone, age+gone
	tests := []struct {
		name      string
		args      []string
		getenv    func(string) string
		code      int
		stdout    string
		stderrHas string
	}{
		{"matches", []string{"check", "--schema", blog, "--database-url", url}, none, 0, "", "matches the database"},
		{"from the environment", []string{"check"}, env(map[string]string{"FRAISEQL_SCHEMA": blog, "FRAISEQL_DATABASE_URL": url}), 0, "", "matches the database"},
		{"mismatches", []string{"check", "--schema", wrong, "--database-url", url}, none, 1, sampled, "3 mismatches between"},
		{"catalog only", []string{"check", "--sample", "0", "--schema", wrong, "--database-url", url}, none, 1, catalog, "2 mismatches between"},
		{"catalog only from the environment", []string{"check", "--schema", wrong, "--database-url", url}, env(map[string]string{"FRAISEQL_CHECK_SAMPLE": "0"}), 1, catalog, "2 mismatches between"},
		{"flag over the environment", []string{"check", "--sample", "20", "--schema", wrong, "--database-url", url}, env(map[string]string{"FRAISEQL_CHECK_SAMPLE": "0"}), 1, sampled, "3 mismatches between"},
		{"timeout from the environment", []string{"check", "--schema", blog, "--database-url", url}, env(map[string]string{"FRAISEQL_CHECK_TIMEOUT": "1ns"}), 3, "", "cannot connect"},
		{"bad timeout in the environment", []string{"check", "--schema", blog, "--database-url", url}, env(map[string]string{"FRAISEQL_CHECK_TIMEOUT": "soon"}), 2, "", `FRAISEQL_CHECK_TIMEOUT="soon": parse error`},
		{"zero timeout", []string{"check", "--timeout", "0s", "--schema", blog, "--database-url", url}, none, 2, "", "--timeout must be positive"},
		{"negative sample", []string{"check", "--sample", "-1", "--schema", blog, "--database-url", url}, none, 2, "", "--sample at least 0"},
		{"missing flags", []string{"check", "--schema", blog}, none, 2, "", "--schema and --database-url are required"},
		{"unknown flag", []string{"check", "--nope"}, none, 2, "", "flag provided but not defined"},
		{"declaration does not load", []string{"check", "--schema", broken, "--database-url", url}, none, 2, "", `unknown type "User"`},
		{"cannot connect", []string{"check", "--schema", blog, "--database-url", "postgres://nobody@127.0.0.1:1/x?connect_timeout=2"}, none, 3, "", "cannot connect"},
		{"help", []string{"check", "-h"}, none, 0, "", "Exit status: 0 the declaration matches"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := run(tt.args, tt.getenv, &stdout, &stderr)
			if code != tt.code || stdout.String() != tt.stdout || !strings.Contains(stderr.String(), tt.stderrHas) {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s\nwant it to contain %q", code, tt.code, stdout.String(), tt.stdout, stderr.String(), tt.stderrHas)
			}
		})
	}
}

// TestCheckFlagsEnvDocs: every flag of `check` has an environment variable
// (checkEnvVars) and a row in docs/configuration.md's check table giving
// that variable, as TestFlagsEnvDocs requires of serve's flags.
func TestCheckFlagsEnvDocs(t *testing.T) {
	t.Parallel()
	var stdout, stderr strings.Builder
	if code := run([]string{"check", "-h"}, func(string) string { return "" }, &stdout, &stderr); code != 0 {
		t.Fatalf("check -h: exit %d", code)
	}
	var flags []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(stderr.String(), -1) {
		flags = append(flags, m[1])
	}
	if len(flags) < 4 {
		t.Fatalf("only %d flags in the help text:\n%s", len(flags), stderr.String())
	}
	doc, err := os.ReadFile("../../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `check --([a-z0-9-]+)` \\| `([A-Z0-9_]+)` \\|").FindAllStringSubmatch(string(doc), -1) {
		rows[m[1]] = m[2]
	}
	if len(rows) != len(flags) || len(checkEnvVars) != len(flags) {
		t.Errorf("check has %d flags, docs/configuration.md %d rows, checkEnvVars %d entries", len(flags), len(rows), len(checkEnvVars))
	}
	for _, f := range flags {
		v := checkEnvVars[f]
		if !strings.HasPrefix(v, "FRAISEQL_") {
			t.Errorf("check --%s has no FRAISEQL_ variable in checkEnvVars", f)
		}
		if rows[f] != v {
			t.Errorf("docs/configuration.md gives check --%s the variable %q, check.go %q", f, rows[f], v)
		}
		if !strings.Contains(stderr.String(), "(env "+v+")") {
			t.Errorf("check -h does not name %s for --%s", v, f)
		}
	}
}
