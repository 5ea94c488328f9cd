package graphqlexec

import (
	"context"
	"strings"
	"testing"
)

// A value of a mutation's input that PostgreSQL refuses inside the
// function (SQLSTATE class 22: here a rating the demo's update_post casts
// to numeric(2, 1)) is answered in GraphQL's terms by default, without
// PostgreSQL's text, and the error hook still gets PostgreSQL's error as
// the cause; nothing is stored. --quirks v1.9.7 shows PostgreSQL's primary
// message, as v1 does (issue 11, "database internals reach clients").
func TestMutationDataExceptionAnsweredAsInput(t *testing.T) {
	t.Parallel()
	conn, _ := freshDB(t)
	const post = "22222222-2222-4222-8222-222222222201"
	mut := `mutation { updatePost(input: {id: "` + post + `", rating: 99.5}) { ... on UpdatePostSuccess { status } ... on UpdatePostError { status message } } }`
	for _, tc := range []struct {
		quirks Quirks
		want   string
		class  ErrorClass
	}{
		{QuirksNone, `{"data":{"updatePost":null},"errors":[{"message":"Argument 'input' has invalid value: a number is out of the range the database stores it in.","locations":[{"line":1,"column":12}],"path":["updatePost"]}]}`, ErrorInput},
		{QuirksV197, `{"data":{"updatePost":null},"errors":[{"message":"numeric field overflow","locations":[{"line":1,"column":12}],"path":["updatePost"]}]}`, ErrorDatabase},
	} {
		var classes []ErrorClass
		var causes []string
		e, err := New(loadBlog(t), conn, Config{Environment: Production, Quirks: tc.quirks, Hooks: Hooks{Error: func(_ context.Context, ev ErrorEvent) {
			classes = append(classes, ev.Class)
			if ev.Err != nil {
				causes = append(causes, ev.Err.Error())
			}
		}}})
		if err != nil {
			t.Fatal(err)
		}
		resp := executeAppend(t, e, context.Background(), &Request{Query: mut})
		if string(resp.Body) != tc.want {
			t.Errorf("quirks %q:\ngot  %s\nwant %s", tc.quirks, resp.Body, tc.want)
		}
		if len(classes) != 1 || classes[0] != tc.class || len(causes) != 1 || !strings.Contains(causes[0], "numeric field overflow") || !strings.Contains(causes[0], "22003") {
			t.Errorf("quirks %q: hook got classes %v, causes %q", tc.quirks, classes, causes)
		}
	}
	var rating *float64
	if err := conn.QueryRow(context.Background(), `SELECT rating FROM tb_post WHERE id = $1`, post).Scan(&rating); err != nil {
		t.Fatal(err)
	}
	if rating != nil && *rating > 9.9 {
		t.Errorf("rating stored: %v", *rating)
	}
}
