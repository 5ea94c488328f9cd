module github.com/fraiseql/fraiseql-http/graphqlexec

go 1.26.0
