module github.com/fraiseql/fraiseql-http/perf

go 1.26.0
