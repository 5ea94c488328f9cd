module github.com/fraiseql/fraiseql-http/auth

go 1.26.0
