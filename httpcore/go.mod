module github.com/fraiseql/fraiseql-http/httpcore

go 1.26.0
