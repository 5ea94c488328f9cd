// Package auth will verify bearer tokens (JWT HS256/RS256/ES256, JWKS) and
// turn them into the per-request user context and PostgreSQL session variables.
//
// Not built yet: this module holds only its package documentation until the
// authentication issue is taken. It must never import GraphQL packages.
// Security default: a token that fails verification makes the request anonymous;
// it is never reported to the client.
package auth
