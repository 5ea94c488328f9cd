module github.com/fraiseql/fraiseql-http/compat

go 1.26.0
