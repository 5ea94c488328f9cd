// Package fastapi reproduces what FastAPI 0.121 and Starlette 0.49 do
// around FraiseQL v1.9.7's handlers, byte for byte: reading a POST body and
// validating it against FraiseQL's GraphQLRequest model with pydantic's 422
// bodies (Python's json.loads rules and messages), Starlette's query-string
// decoding, the router's 404, 405 and trailing-slash 307, the
// ServerErrorMiddleware's 500, CORSMiddleware, the development Basic gate
// and the 401 gate's body, automatic persisted queries (the mode and the
// memory and PostgreSQL stores), and the GraphiQL page.
//
// It writes through h1.ResponseWriter and nothing else. What it must never
// do: know the application's routes (callers pass what is mounted), execute
// GraphQL, or tell a client more than v1 does (store failures and refused
// tokens go to the log).
//
// Security defaults: CORS is off unless NewCORS is called with origins, and
// option lists are validated against header injection; the in-memory APQ
// store is bounded (10000 entries, 64 MiB); a persisted-query registration
// whose hash is not its text's SHA-256 is refused (APQ.TrustHash restores
// v1's store-anything, for --quirks v1.9.7); a refused CORS origin gets no
// allow-credentials (CORSOptions.CredentialsOnRefusedOrigin restores v1's).
package fastapi
