module github.com/fraiseql/fraiseql-http/pybridge

go 1.26.0
