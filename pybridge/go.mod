module github.com/fraiseql/fraiseql-http/pybridge

go 1.26.0

require (
	github.com/fraiseql/fraiseql-http/httpcore v0.0.0
	go.uber.org/goleak v1.3.0
)

require github.com/gorilla/websocket v1.5.3 // indirect

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/fraiseql/fraiseql-http/auth v0.0.0 // indirect
	github.com/fraiseql/fraiseql-http/connlimit v0.0.0 // indirect
	github.com/fraiseql/fraiseql-http/graphqlexec v0.0.0 // indirect
	github.com/fraiseql/fraiseql-http/pyjson v0.0.0 // indirect
	github.com/fraiseql/fraiseql-http/subscriptions v0.0.0 // indirect
	github.com/fraiseql/fraiseql-http/testdb v0.0.0
	github.com/go-chi/chi/v5 v5.5.0 // indirect
	github.com/go-logr/logr v1.4.4 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/pgx/v5 v5.12.0 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/klauspost/compress v1.20.5 // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
	github.com/prometheus/client_golang v1.25.0 // indirect
	github.com/prometheus/client_model v0.6.3 // indirect
	github.com/prometheus/common v0.72.0 // indirect
	github.com/prometheus/procfs v0.22.0 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/otel v1.47.0 // indirect
	go.opentelemetry.io/otel/log v1.47.0 // indirect
	go.opentelemetry.io/otel/metric v1.47.0 // indirect
	go.opentelemetry.io/otel/sdk v1.47.0 // indirect
	go.opentelemetry.io/otel/trace v1.47.0 // indirect
	golang.org/x/net v0.63.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace (
	github.com/fraiseql/fraiseql-http/auth => ../auth
	github.com/fraiseql/fraiseql-http/connlimit => ../connlimit
	github.com/fraiseql/fraiseql-http/graphqlexec => ../graphqlexec
	github.com/fraiseql/fraiseql-http/httpcore => ../httpcore
	github.com/fraiseql/fraiseql-http/pyjson => ../pyjson
)

replace github.com/fraiseql/fraiseql-http/subscriptions => ../subscriptions

replace github.com/fraiseql/fraiseql-http/testdb => ../testdb
