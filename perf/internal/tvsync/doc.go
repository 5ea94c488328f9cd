// Package tvsync holds the tests of the demo app's tv_ variant
// (examples/blog/tv.sql and app-tv.graphql): after every kind of write the
// mutations and the base tables take, each tv_ table must hold exactly what
// its v_ view returns, and app-tv.graphql must declare the same API as
// app.graphql. It has no code of its own; the tests need a PostgreSQL server
// (FRAISEQL_TEST_DATABASE_URL) on which they create and drop a scratch
// database; they must never write to the shared demo database.
package tvsync
