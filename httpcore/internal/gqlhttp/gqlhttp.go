// Package gqlhttp is what the GraphQL-over-HTTP specification asks of a
// server beyond FraiseQL v1's behaviour: the application/graphql-response+json
// media type, chosen by the request's Accept header, with the status code
// that tells a client whether its request was executed.
//
// It owns the Accept negotiation between application/json and
// application/graphql-response+json and the status of a GraphQL response
// in the latter.
//
// What it must never do: change an answer a client asked for as
// application/json (or did not ask a media type for): those keep v1's
// bytes, status 200 with errors in the body; look into a response body
// beyond its first member.
package gqlhttp

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
)

// ContentType is the GraphQL-over-HTTP media type of a response.
const ContentType = "application/graphql-response+json; charset=utf-8"

// WantsGraphQLResponse reports whether the Accept header prefers
// application/graphql-response+json to application/json: it is listed with
// a q-value above 0 and at least application/json's. A missing header, "*/*"
// or "application/*" alone, and application/json alone are answered as
// application/json (what every v1 client gets).
func WantsGraphQLResponse(accept string) bool {
	if accept == "" {
		return false
	}
	gql, json := -1.0, -1.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, _ := strings.Cut(part, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
		}
		switch mt {
		case "application/graphql-response+json":
			gql = max(gql, q)
		case "application/json":
			json = max(json, q)
		}
	}
	return gql > 0 && gql >= json
}

// Status is the status of a GraphQL response body sent as
// application/graphql-response+json: 200 when it has a "data" entry (the
// request was executed, errors or not), 400 when it has none (the
// document, the operation or the variables were refused before
// execution). The engine writes "data" first when there is one.
func Status(body []byte) int {
	if bytes.HasPrefix(body, []byte(`{"data"`)) {
		return http.StatusOK
	}
	return http.StatusBadRequest
}
