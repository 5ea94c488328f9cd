package gqlhttp

import "testing"

func TestWantsGraphQLResponse(t *testing.T) {
	t.Parallel()
	for accept, want := range map[string]bool{
		"":                                  false,
		"*/*":                               false,
		"application/json":                  false,
		"application/json, */*":             false,
		"application/graphql-response+json": true,
		"Application/GraphQL-Response+JSON": true,
		"application/graphql-response+json, application/json;q=0.9":     true,
		"application/json, application/graphql-response+json":           true, // a tie: the spec's type
		"application/json;q=1, application/graphql-response+json;q=0.5": false,
		"application/graphql-response+json;q=0":                         false,
		"application/graphql-response+json; charset=utf-8":              true,
		"text/html": false,
		"application/graphql-response+json;q=bogus": true,
	} {
		if got := WantsGraphQLResponse(accept); got != want {
			t.Errorf("%q: %v, want %v", accept, got, want)
		}
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]int{
		`{"data":{"users":[]}}`:                        200,
		`{"data":null,"errors":[{"message":"x"}]}`:     200,
		`{"errors":[{"message":"Syntax Error: ..."}]}`: 400,
		`{"errors":[{"message":"x"}],"extensions":{}}`: 400,
	} {
		if got := Status([]byte(body)); got != want {
			t.Errorf("%s: %d, want %d", body, got, want)
		}
	}
}
