// Package testdb is the PostgreSQL every module's tests use: the server
// named by FRAISEQL_TEST_DATABASE_URL (make test provides a freshly loaded
// demo database there; scripts/devdb.sh prints one), a connection to it,
// and scratch databases of a test's own.
//
// What it owns: the rule for a missing database (the test fails when
// CI=true, where a database is always provided, and skips with the reason
// elsewhere, so a skip is never counted as a pass in CI) and the life of a
// scratch database (created from template0 with UTF-8 and the C.UTF-8
// collation the goldens were recorded with, loaded with the test's
// scripts, dropped WITH (FORCE) at cleanup, named with a random suffix so
// concurrent test processes never collide).
//
// What it must never do: write to the database FRAISEQL_TEST_DATABASE_URL
// names (tests that change rows use a scratch database); be imported by
// anything but tests.
//
// Security defaults: scratch database names are generated here (a fixed
// prefix of the caller's, [a-z0-9_] only, and random hex), never taken
// from input; scripts are the test's own files.
package testdb
