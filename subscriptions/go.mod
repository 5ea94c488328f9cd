module github.com/fraiseql/fraiseql-http/subscriptions

go 1.26.0
