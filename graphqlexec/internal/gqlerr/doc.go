// Package gqlerr holds GraphQL errors as graphql-core 3.2 words and orders
// them, and renders them the way FraiseQL v1.9.7 puts them in a response
// body: keys message, locations, path, extensions, in that order.
//
// graphql-go (our parser and validator) words its messages after an older
// graphql-js; Reword maps each of its messages to graphql-core's text,
// recomputing "Did you mean" suggestions with graphql-core's suggestion
// list rules. It never invents text from request data beyond the names the
// original message already quoted.
package gqlerr
