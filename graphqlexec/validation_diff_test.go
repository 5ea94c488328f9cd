package graphqlexec

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
)

// The differential validation test: every document of
// testdata/validation-corpus.txt is parsed and validated by graphql-core
// 3.2.8 (testdata/validation_oracle.py, over the schema this engine
// introspects) and by the engine in development mode; messages and
// locations must be identical, in order. Entries listed in
// testdata/validation-corpus-known.txt are known to differ (each with its
// reason); the test fails when one of them starts to match, so the list
// stays honest.

const (
	corpusFile = "testdata/validation-corpus.txt"
	knownFile  = "testdata/validation-corpus-known.txt"
	oracleFile = "testdata/validation_oracle.py"
	// unjudged marks an entry whose result depends on FraiseQL's custom
	// scalar literal messages, which the oracle does not reproduce.
	unjudged = "@@UNJUDGED-FRAISEQL-SCALAR@@"
)

type oracleError struct {
	Message   string  `json:"message"`
	Locations [][]int `json:"locations"`
}

func (c oracleError) String() string {
	return fmt.Sprintf("%q %v", c.Message, c.Locations)
}

// splitEntries reads the corpus format: entries separated by lines that
// are exactly "---", surrounding newlines trimmed.
func splitEntries(text string) []string {
	var out []string
	var cur []string
	flush := func() {
		out = append(out, strings.Trim(strings.Join(cur, "\n"), "\n"))
		cur = cur[:0]
	}
	lines := strings.Split(text, "\n")
	for _, l := range lines {
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

// loadKnown reads the known differences: each entry's first line is
// "#! reason", the rest the corpus document.
func loadKnown(t *testing.T) map[string]string {
	known := map[string]string{}
	b, err := os.ReadFile(knownFile)
	if os.IsNotExist(err) {
		return known
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range splitEntries(string(b)) {
		reason, doc, ok := strings.Cut(e, "\n")
		if !ok || !strings.HasPrefix(reason, "#! ") {
			t.Fatalf("%s: entry without a '#! reason' line: %q", knownFile, e)
		}
		known[doc] = strings.TrimPrefix(reason, "#! ")
	}
	return known
}

func oracleAvailable(t *testing.T) {
	t.Helper()
	out, err := exec.Command("python3", "-c", "import graphql; print(graphql.__version__)").CombinedOutput()
	if err == nil && strings.TrimSpace(string(out)) == "3.2.8" {
		return
	}
	msg := fmt.Sprintf("python3 with graphql-core 3.2.8 is needed for the differential test (%v: %s)", err, bytes.TrimSpace(out))
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func TestValidationDifferential(t *testing.T) {
	oracleAvailable(t)
	e, err := New(loadBlog(t), &fakeDB{}, Config{})
	if err != nil {
		t.Fatal(err)
	}

	// The oracle's schema is the one this engine introspects.
	q, err := exec.Command("python3", oracleFile, "introspection-query").Output()
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	resp := e.Execute(context.Background(), &Request{Query: string(q)})
	schemaFile := filepath.Join(t.TempDir(), "schema.json")
	if err := os.WriteFile(schemaFile, resp.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", oracleFile, "validate", schemaFile, corpusFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	var want []struct {
		Errors []oracleError `json:"errors"`
	}
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	corpus, err := os.ReadFile(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	docs := splitEntries(string(corpus))
	if len(docs) != len(want) {
		t.Fatalf("corpus has %d entries, oracle answered %d", len(docs), len(want))
	}
	known := loadKnown(t)
	seen := map[string]bool{}
	matched, excluded := 0, 0
	for i, doc := range docs {
		if strings.Contains(string(mustJSON(t, want[i].Errors)), unjudged) {
			excluded++
			continue
		}
		got := e.validationErrorsForTest(doc)
		same := fmt.Sprint(got) == fmt.Sprint(want[i].Errors)
		reason, isKnown := known[doc]
		seen[doc] = true
		switch {
		case same && isKnown:
			t.Errorf("entry %d now matches graphql-core; remove it from %s (%s):\n%s", i+1, knownFile, reason, doc)
		case same:
			matched++
		case !isKnown:
			t.Errorf("entry %d differs:\n%s\ngot  %v\nwant %v", i+1, doc, got, want[i].Errors)
		}
	}
	for doc := range known {
		if !seen[doc] {
			t.Errorf("%s lists a document that is not in the corpus:\n%s", knownFile, doc)
		}
	}
	t.Logf("%d corpus entries: %d match graphql-core 3.2.8, %d known differences, %d left to table tests (FraiseQL scalar messages)",
		len(docs), matched, len(known), excluded)
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// validationErrorsForTest is what a development request reports before
// execution: the syntax error, or the validation errors.
func (e *Engine) validationErrorsForTest(query string) []oracleError {
	d := e.document(query)
	var errs []*gqlerr.Error
	if d.syntax != nil {
		errs = []*gqlerr.Error{d.syntax}
	} else {
		errs = e.validation(d, false)
	}
	out := []oracleError{}
	for _, ge := range errs {
		c := oracleError{Message: ge.Message, Locations: [][]int{}}
		for _, l := range ge.Locations {
			c.Locations = append(c.Locations, []int{l.Line, l.Column})
		}
		out = append(out, c)
	}
	return out
}
