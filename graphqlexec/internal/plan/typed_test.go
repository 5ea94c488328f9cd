package plan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTypedPlanGolden records the default (typed) statements: the demo's
// @column fields compared as columns, other fields cast by their declared
// type, lists as jsonb. Run with -update to rewrite testdata/typed.golden.
func TestTypedPlanGolden(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	cases := []readCase{
		{name: "column comparisons", field: "users", where: `{"age":{"gt":30,"lte":60},"role":{"in":["admin","editor"]},"isActive":{"eq":true},"score":{"neq":1.5}}`},
		{name: "document casts", field: "users", where: `{"createdAt":{"gte":"2025-01-01T00:00:00+02:00"},"lastName":{"isnull":true},"profile":{"bio":{"icontains":"50%_"}}}`},
		{name: "nested object never uses the column of its own view", field: "posts", where: `{"author":{"age":{"gt":30},"id":{"eq":"11111111-1111-4111-8111-111111111101"}}}`},
		{name: "regular expressions", field: "users", where: `{"email":{"matches":"^a","imatches":"B$","notMatches":"x"}}`},
		{name: "string operators on a column", field: "users", where: `{"email":{"contains":"a","startswith":"b","endswith":"c","like":"d%","ilike":"e_","nin":["f"]}}`},
		{name: "array operators", field: "users", where: `{"tags":{"contains":["go"],"containedBy":["go","rust"],"strictlyContains":["go"],"overlaps":["sql"],"eq":["a"],"neq":["b"],"lenGte":1,"anyEq":"go","allEq":"go"}}`},
		{name: "list of objects", field: "posts", where: `{"comments":{"anyEq":"{\"author\": {\"display_name\": \"Ana\"}}","lenGt":0}}`},
		{name: "not and or", field: "users", where: `{"OR":[{"age":{"lt":20}},{"NOT":{"isActive":{"eq":true}}}]}`},
		{name: "typed order", field: "posts", order: `[{"createdAt":"DESC"},{"rating":"ASC"},{"title":"DESC"},{"author":{"age":"ASC"}}]`},
		{name: "users-filtered", field: "users", where: `{"role":{"eq":"author"}}`, order: `[{"score":"DESC"}]`, limit: i64(10)},
	}
	var out strings.Builder
	for _, c := range cases {
		c.typed = true
		st, err := buildCase(t, s, c)
		fmt.Fprintf(&out, "== %s\n", c.name)
		if err != nil {
			fmt.Fprintf(&out, "error: %v\n\n", err)
			continue
		}
		fmt.Fprintf(&out, "%s\n\n", render(st))
	}
	path := filepath.Join("testdata", "typed.golden")
	if *update {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if out.String() != string(want) {
		t.Errorf("plans differ from %s (run with -update and review the diff):\n%s", path, out.String())
	}
}

func TestTypedPlanErrors(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	big := `{"age":{"in":[` + strings.Repeat("1,", MaxInItems) + `1]}}`
	tests := []struct {
		where, wants string
	}{
		{`{"NOT":{"age":{"gt":"30"}}}`, "at 'NOT.age.gt': Int cannot represent non-integer value: '30'"},
		{`{"NOT":{"age":{"gt":2147483648}}}`, "non 32-bit"},
		{`{"NOT":{"id":{"eq":"nope"}}}`, "at 'NOT.id.eq': Invalid UUID string provided"},
		{`{"NOT":{"createdAt":{"eq":"2025-02-30"}}}`, "at 'NOT.createdAt.eq'"},
		{`{"NOT":{"isActive":{"eq":"true"}}}`, "Boolean cannot represent"},
		{`{"NOT":{"isActive":{"isnull":1}}}`, "isnull takes a Boolean"},
		{`{"NOT":{"email":{"contains":5}}}`, "contains takes a String"},
		{`{"NOT":{"email":{"matches":"` + strings.Repeat("x", MaxRegexBytes+1) + `"}}}`, "longer than 1000 bytes"},
		{`{"NOT":{"email":{"gt":"a"}}}`, "Unknown operator 'gt'"},
		{`{"NOT":{"tags":{"lenEq":"1"}}}`, "at 'NOT.tags.lenEq'"},
		{`{"NOT":{"tags":{"contains":[["go"]]}}}`, "at 'NOT.tags.contains[0]'"},
		{`{"OR":[{"age":{"gt":1}},{"NOT":{"age":{"in":[1,"x"]}}}]}`, "at 'OR[1].NOT.age.in[1]'"},
		{big, "longer than 10000"},
	}
	for _, tc := range tests {
		_, err := buildCase(t, s, readCase{field: "users", where: tc.where, typed: true})
		if err == nil || !strings.Contains(err.Error(), tc.wants) || !errors.Is(err, ErrInvalidFilter) {
			name := tc.where
			if len(name) > 60 {
				name = name[:60]
			}
			t.Errorf("%s: got %v, want error containing %q", name, err, tc.wants)
		}
	}
}
