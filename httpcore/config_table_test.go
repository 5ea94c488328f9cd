package httpcore

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestFlagsEnvDocs holds the three descriptions of serve's settings to one
// another: every flag ParseFlags defines has an environment variable in
// envVars (and every envVars entry names a defined flag, its variable a
// FRAISEQL_ name of its own), and docs/configuration.md has exactly one
// row per flag, naming the same variable. A flag added without its
// variable or its documentation row fails here.
func TestFlagsEnvDocs(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	var help bytes.Buffer
	if err := ParseFlags(&cfg, []string{"-h"}, func(string) string { return "" }, &help); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("ParseFlags -h: %v", err)
	}
	// flag.PrintDefaults starts each flag's entry with "  -name".
	var flags []string
	defined := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(help.String(), -1) {
		flags = append(flags, m[1])
		defined[m[1]] = true
	}
	if len(flags) < 40 {
		t.Fatalf("only %d flags found in the help text:\n%s", len(flags), help.String())
	}

	vars := map[string]string{}
	for _, fe := range envVars {
		if !defined[fe[0]] {
			t.Errorf("envVars names --%s, which serve does not define", fe[0])
		}
		if !strings.HasPrefix(fe[1], "FRAISEQL_") {
			t.Errorf("--%s: variable %s is not a FRAISEQL_ name", fe[0], fe[1])
		}
		if other, dup := vars[fe[1]]; dup {
			t.Errorf("%s is the variable of both --%s and --%s", fe[1], other, fe[0])
		}
		vars[fe[1]] = fe[0]
	}
	for _, f := range flags {
		if envName(f) == "" {
			t.Errorf("--%s has no environment variable (envVars in config.go)", f)
		}
	}

	doc, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `--([a-z0-9-]+)` \\| `([A-Z0-9_]+)` \\|").FindAllStringSubmatch(string(doc), -1) {
		if _, dup := rows[m[1]]; dup {
			t.Errorf("docs/configuration.md has two rows for --%s", m[1])
		}
		rows[m[1]] = m[2]
		if !defined[m[1]] {
			t.Errorf("docs/configuration.md documents --%s, which serve does not define", m[1])
		}
	}
	for _, f := range flags {
		switch v, ok := rows[f]; {
		case !ok:
			t.Errorf("--%s has no row in docs/configuration.md (| `--%s` | `%s` | default | meaning |)", f, f, envName(f))
		case v != envName(f):
			t.Errorf("docs/configuration.md gives --%s the variable %s, config.go %s", f, v, envName(f))
		}
	}
}
