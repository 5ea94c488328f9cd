package fastapi

import "testing"

func TestQueryParam(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, key, want string
		ok             bool
	}{
		{"query=%7B%20a%20%7D", "query", "{ a }", true},
		{"query=a+b", "query", "a b", true},
		{"query", "query", "", true},
		{"a=1&&query=x", "query", "x", true},
		{"q%75ery=x", "query", "x", true},
		{"query=%zz%4", "query", "%zz%4", true},
		{"query=%C3%A9", "query", "é", true},
		{"query=%C3", "query", "\uFFFD", true},
		{"query=%E2%82", "query", "\uFFFD", true},
		{"query=%FF%FE", "query", "\uFFFD\uFFFD", true},
		{"query=\xc3\xa9", "query", "Ã©", true}, // raw bytes are latin-1
		{"other=1", "query", "", false},
		{"query=a;b", "query", "a;b", true},
	}
	for _, tt := range tests {
		got, ok := QueryParam(tt.raw, tt.key)
		if got != tt.want || ok != tt.ok {
			t.Errorf("QueryParam(%q, %q) = %q, %v; want %q, %v", tt.raw, tt.key, got, ok, tt.want, tt.ok)
		}
	}
}
