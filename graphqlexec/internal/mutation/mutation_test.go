package mutation

import (
	"testing"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status string
		kind   Kind
		code   int
	}{
		{"created", Success, 200},
		{"success", Success, 200},
		{"whatever-unknown", Success, 200}, // v1: unknown strings are successes
		{"", Success, 200},
		{"noop:no_changes", Noop, 422},
		{"NOOP:x", Noop, 422},
		{"failed:boom", Failure, 500},
		{"validation:invalid_email", Failure, 422},
		{"unauthorized:token", Failure, 401},
		{"forbidden:role", Failure, 403},
		{"Not_Found:post", Failure, 404},
		{"conflict:dup", Failure, 409},
		{"timeout:db", Failure, 408},
		{"failed", Success, 200}, // a prefix needs its colon
	}
	for _, tt := range tests {
		kind, code := Classify(tt.status)
		if kind != tt.kind || code != tt.code {
			t.Errorf("Classify(%q) = %v, %d; want %v, %d", tt.status, kind, code, tt.kind, tt.code)
		}
	}
}

func TestObject(t *testing.T) {
	t.Parallel()
	cfg := Config{SuccessType: "UpdatePostSuccess", ErrorType: "UpdatePostError", EntityKey: "post"}
	withFields := func(c Config, succ, errs []string, entity *Selection) *Config {
		c.SuccessFields, c.ErrorFields, c.Entity = succ, errs, entity
		return &c
	}
	post := `{"id": "p1", "title": "T", "view_count": 3, "rating": 2.0, "author": {"id": "u1", "display_name": "Ana"}, "comments": [{"id": "c1", "post_id": "p1"}]}`
	row := func(status, entity, updated, metadata string) string {
		return `{"status": "` + status + `", "message": "msg", "entity_id": "p1", "entity_type": "Post", "entity": ` + entity +
			`, "updated_fields": ` + updated + `, "cascade": null, "metadata": ` + metadata + `}`
	}
	tests := []struct {
		name string
		row  string
		cfg  *Config
		want string
	}{
		{"success without fragments: everything, entity whole with __typename",
			row("updated", post, `["title", "view_count"]`, "null"), &cfg,
			`{"__typename":"UpdatePostSuccess","id":"p1","message":"msg","post":{"__typename":"Post","author":{"displayName":"Ana","id":"u1"},"comments":[{"id":"c1","postId":"p1"}],"id":"p1","rating":2.0,"title":"T","viewCount":3},"status":"updated","updatedFields":["title","viewCount"]}`},
		{"success filtered: entity loses __typename, nested object filtered, list whole",
			row("updated", post, "null", "null"),
			withFields(cfg, []string{"status", "post"}, nil, &Selection{Fields: []string{"id", "author", "comments"},
				Nested: map[string]*Selection{"author": {Fields: []string{"id"}}, "comments": {Fields: []string{"id"}}}}),
			`{"__typename":"UpdatePostSuccess","post":{"author":{"id":"u1"},"comments":[{"id":"c1","postId":"p1"}],"id":"p1"},"status":"updated"}`},
		{"selected __typename survives the filter",
			row("updated", post, "null", "null"),
			withFields(cfg, []string{"post"}, nil, &Selection{Fields: []string{"__typename", "id"}}),
			`{"__typename":"UpdatePostSuccess","post":{"__typename":"Post","id":"p1"}}`},
		{"success with a NULL entity writes null",
			row("updated", "null", "null", "null"), withFields(cfg, []string{"post"}, nil, nil),
			`{"__typename":"UpdatePostSuccess","post":null}`},
		{"noop without error fragment: generated errors and every entity key",
			row("noop:no_changes", `{"id": "p1", "view_count": 3, "message": "kept out"}`, "null", "null"), &cfg,
			`{"__typename":"UpdatePostError","code":422,"errors":[{"code":422,"details":null,"identifier":"no_changes","message":"msg"}],"id":"p1","message":"msg","status":"noop:no_changes","viewCount":3}`},
		{"error fragment: code always, errors from metadata, wrapper copied camelCased",
			row("conflict:dup", `{"conflict_post": {"id": "p0", "view_count": 1}}`, "null", `{"errors": [{"code": 409, "identifier": "dup", "extra_key": 1.50}]}`),
			withFields(cfg, nil, []string{"errors", "conflictPost"}, nil),
			`{"__typename":"UpdatePostError","code":409,"conflictPost":{"id":"p0","viewCount":1},"errors":[{"code":409,"extra_key":1.5,"identifier":"dup"}]}`},
		{"error without a colon gets general_error",
			row("FAILED:", "null", "null", "null"), withFields(cfg, nil, []string{"errors"}, nil),
			`{"__typename":"UpdatePostError","code":500,"errors":[{"code":500,"details":null,"identifier":"","message":"msg"}]}`},
		{"simple format: the row is the entity of a success",
			`{"id": "p9", "title": "S"}`, withFields(cfg, []string{"id", "message", "post"}, nil, nil),
			`{"__typename":"UpdatePostSuccess","id":"p9","message":"Success","post":{"__typename":"Post","id":"p9","title":"S"}}`},
		{"wrapper entity on success: the entity field and the other members",
			row("created", `{"post": {"id": "p1"}, "extra_note": "n", "cascade": {}}`, "null", "null"), withFields(cfg, []string{"post", "extraNote"}, nil, nil),
			`{"__typename":"UpdatePostSuccess","extraNote":"n","post":{"__typename":"Post","id":"p1"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse([]byte(tt.row), "Post")
			if err != nil {
				t.Fatal(err)
			}
			obj := Object(r, tt.cfg)
			if got := string(AppendJSON(nil, &obj)); got != tt.want {
				t.Errorf("\ngot  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	if r, err := Parse(nil, ""); err != nil || r.Status != "failed:no_result" {
		t.Fatalf("NULL row: %+v %v", r, err)
	}
	if r, err := Parse([]byte("null"), ""); err != nil || r.Message != "No result returned from mutation" {
		t.Fatalf("null row: %+v %v", r, err)
	}
	for _, bad := range []string{`"text"`, `12`, `{"status": `, ``} {
		if _, err := Parse([]byte(bad), ""); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
	r, err := Parse([]byte(`{"status": "created", "message": null, "entity_id": null, "entity_type": null, "entity": null, "updated_fields": [], "cascade": null, "metadata": null}`), "User")
	if err != nil || r.Message != "" || r.EntityID != nil || *r.EntityType != "User" || !r.HasUpdated || len(r.UpdatedFields) != 0 {
		t.Fatalf("NULL columns: %+v %v", r, err)
	}
}

// An error object copies an entity key only when the camelCased key is not
// there yet, so of "a_b" and "aB" the first wins; keys sort byte-wise
// ("Z" < "__typename" < "aB").
func TestErrorCopyFirstKeyWinsAndOrder(t *testing.T) {
	t.Parallel()
	r, _ := Parse([]byte(`{"status": "failed:x", "message": "m", "entity": {"a_b": 1, "aB": 2, "Z": 3, "__x": 4}}`), "")
	obj := Object(r, &Config{ErrorType: "E"})
	want := `{"Z":3,"__typename":"E","__x":4,"aB":1,"code":500,"errors":[{"code":500,"details":null,"identifier":"x","message":"m"}],"message":"m","status":"failed:x"}`
	if got := string(AppendJSON(nil, &obj)); got != want {
		t.Errorf("\ngot  %s\nwant %s", got, want)
	}
}

// By default (UnknownStatusIsError) a status outside v1's taxonomy, or a
// NULL status in a mutation_response row, is an error result; v1 (the
// option off) answers a success for both.
func TestUnknownStatus(t *testing.T) {
	t.Parallel()
	row := func(status string) string {
		return `{"status": ` + status + `, "message": "All good", "entity_id": "p1", "entity_type": "Post", "entity": {"id": "p1"}, "updated_fields": null, "cascade": null, "metadata": null}`
	}
	strict := Config{SuccessType: "S", ErrorType: "E", EntityKey: "post", UnknownStatusIsError: true}
	v1 := strict
	v1.UnknownStatusIsError = false
	tests := []struct {
		name, row string
		cfg       Config
		want      string
	}{
		{"unknown word", row(`"ok"`), strict,
			`{"__typename":"E","code":500,"errors":[{"code":500,"details":null,"identifier":"unknown_status","message":"The mutation function returned an unknown status \"ok\""}],"message":"All good","status":"ok"}`},
		{"misspelled success", row(`"sucess"`), strict,
			`{"__typename":"E","code":500,"errors":[{"code":500,"details":null,"identifier":"unknown_status","message":"The mutation function returned an unknown status \"sucess\""}],"message":"All good","status":"sucess"}`},
		{"empty", row(`""`), strict,
			`{"__typename":"E","code":500,"errors":[{"code":500,"details":null,"identifier":"unknown_status","message":"The mutation function returned an unknown status \"\""}],"message":"All good","status":""}`},
		{"a prefix without its colon", row(`"failed"`), strict,
			`{"__typename":"E","code":500,"errors":[{"code":500,"details":null,"identifier":"unknown_status","message":"The mutation function returned an unknown status \"failed\""}],"message":"All good","status":"failed"}`},
		{"NULL status", row(`null`), strict,
			`{"__typename":"E","code":500,"errors":[{"code":500,"details":null,"identifier":"unknown_status","message":"The mutation function returned a NULL status"}],"message":"All good","status":null}`},
		{"known words stay successes, any case", row(`"Created"`), strict,
			`{"__typename":"S","id":"p1","message":"All good","post":{"__typename":"Post","id":"p1"},"status":"Created"}`},
		{"v1: unknown word is a success", row(`"ok"`), v1,
			`{"__typename":"S","id":"p1","message":"All good","post":{"__typename":"Post","id":"p1"},"status":"ok"}`},
		{"v1: NULL status reads the row as a simple-format entity", row(`null`), v1,
			`{"__typename":"S","message":"Success","post":{"__typename":"Post","cascade":null,"entity":{"id":"p1"},"entityId":"p1","entityType":"Post","message":"All good","metadata":null,"status":null,"updatedFields":null},"status":"success"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse([]byte(tt.row), "Post")
			if err != nil {
				t.Fatal(err)
			}
			obj := Object(r, &tt.cfg)
			if got := string(AppendJSON(nil, &obj)); got != tt.want {
				t.Errorf("\ngot  %s\nwant %s", got, tt.want)
			}
		})
	}
	// A simple-format entity (no mutation_response keys) stays a success.
	r, _ := Parse([]byte(`{"id": "p9", "status": null}`), "Post")
	obj := Object(r, &strict)
	if got := string(AppendJSON(nil, &obj)); got[:18] != `{"__typename":"S",` {
		t.Errorf("simple format with a null status key: %s", got)
	}
}
