package mutation

import (
	"encoding/json"
	"testing"
)

// FuzzObject feeds arbitrary row text through Parse, Object and AppendJSON:
// never a panic, and whatever Parse accepts comes out as valid JSON.
func FuzzObject(f *testing.F) {
	f.Add([]byte(`{"status": "created", "message": "m", "entity_id": "1", "entity_type": "Post", "entity": {"a_b": [1, {"c_d": 2.50}]}, "updated_fields": ["a_b"], "cascade": null, "metadata": null}`))
	f.Add([]byte(`{"status": "noop:x", "entity": {"post": {"id": 1}}, "metadata": {"errors": "not a list"}}`))
	f.Add([]byte(`[{"id": "x"}]`))
	f.Fuzz(func(t *testing.T, row []byte) {
		r, err := Parse(row, "Post")
		if err != nil {
			return
		}
		cfgs := []*Config{
			{SuccessType: "S", ErrorType: "E", EntityKey: "post"},
			{SuccessType: "S", ErrorType: "E", SuccessFields: []string{"post", "id"}, ErrorFields: []string{"errors"},
				Entity: &Selection{Fields: []string{"id", "a"}, Nested: map[string]*Selection{"a": {Fields: []string{"b"}}}}},
		}
		for _, c := range cfgs {
			obj := Object(r, c)
			out := AppendJSON(nil, &obj)
			if !json.Valid(out) {
				t.Fatalf("invalid JSON %q from %q", out, row)
			}
		}
	})
}
