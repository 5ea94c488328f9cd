package graphqlexec

import (
	"context"
	"fmt"
	"testing"
)

// TestBlockStringArgument: the value a filter receives is the spec's.
func TestBlockStringArgument(t *testing.T) {
	t.Parallel()
	db := &fakeDB{}
	e, err := New(loadBlog(t), db, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	e.Execute(context.Background(), &Request{Query: "{ users(where: {firstName: {eq: \"\"\"multi\n  line\"\"\"}}) { id } }"})
	if len(db.args) != 1 || fmt.Sprint(db.args[0][0]) != "multi\nline" {
		t.Fatalf("args %q, want the block string value \"multi\\nline\"", db.args)
	}
}
