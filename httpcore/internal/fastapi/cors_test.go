package fastapi

import "testing"

func TestCORSOptionsValidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		o    CORSOptions
		ok   bool
	}{
		{"defaults", CORSOptions{Origins: []string{"https://a"}, Methods: []string{"GET", "POST"}, Headers: []string{"Content-Type"}}, true},
		{"stars", CORSOptions{Origins: []string{"*"}, Methods: []string{"*"}, Headers: []string{"*"}}, true},
		{"header with a space", CORSOptions{Origins: []string{"https://a"}, Methods: []string{"GET"}, Headers: []string{"X Y"}}, false},
		{"origin with CRLF", CORSOptions{Origins: []string{"https://a\r\nx: y"}, Methods: []string{"GET"}}, false},
		{"no methods", CORSOptions{Origins: []string{"https://a"}}, false},
	} {
		if err := tt.o.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v", tt.name, err)
		}
	}
}
