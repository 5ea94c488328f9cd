module github.com/fraiseql/fraiseql-http/connlimit

go 1.26.0
