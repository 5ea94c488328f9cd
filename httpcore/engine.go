package httpcore

import (
	"log/slog"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// newExecutor builds the GraphQL engine for the loaded declaration with the
// environment, the effective introspection policy and the query limits of
// cfg; hooks observe its work (logging, metrics, tracing).
func newExecutor(s *schema.Schema, db graphqlexec.DB, cfg Config, hooks graphqlexec.Hooks) (*graphqlexec.Engine, error) {
	return graphqlexec.New(s, db, graphqlexec.Config{
		Environment:         cfg.Environment,
		Quirks:              cfg.Quirks,
		IntrospectionPolicy: cfg.policy().introspection,
		MaxQueryBytes:       cfg.MaxQueryBytes,
		MaxQueryTokens:      cfg.MaxQueryTokens,
		MaxQueryDepth:       cfg.MaxQueryDepth,
		MaxQueryFields:      cfg.MaxQueryFields,
		ExecutionTimeout:    cfg.ExecutionTimeout,
		MaxResponseBytes:    cfg.MaxResponseBytes,
		Hooks:               hooks,
	})
}

// errorLevel is the log level of an error class: what the operator must
// look at (the client saw "Internal server error", a view's data does not
// match the declaration) is an error; what PostgreSQL refused or a
// deadline cut is a warning (many at once mean an outage); what the
// client got wrong is debug.
func errorLevel(c graphqlexec.ErrorClass) slog.Level {
	switch c {
	case graphqlexec.ErrorInternal, graphqlexec.ErrorData:
		return slog.LevelError
	case graphqlexec.ErrorDatabase, graphqlexec.ErrorTimeout:
		return slog.LevelWarn
	}
	return slog.LevelDebug
}
