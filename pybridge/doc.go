// Package pybridge will build fraiseql-http as a c-shared library and ship the
// stdlib-only Python package fraiseql_http that starts and stops it in-process.
//
// Not built yet: this module holds only its package documentation until the
// Python bridge issue is taken. Python never runs on the request path.
package pybridge
