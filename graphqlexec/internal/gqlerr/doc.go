// Package gqlerr holds a GraphQL error (message, locations, path,
// extensions) and renders it the way FraiseQL v1.9.7 puts it in a response
// body: those keys in that order. It also computes graphql-core's
// locations (line and column counted in characters, Locator for many
// offsets in one body) and graphql-core's "Did you mean" suggestion lists
// (SuggestionList, DidYouMean), which the validator's messages use.
//
// What it must never do: invent text from request data (callers pass the
// names a message quotes), know about the schema, SQL or transport.
//
// Security defaults: locations are computed in time linear in the body;
// a did-you-mean names at most five suggestions, as graphql-core does.
package gqlerr
