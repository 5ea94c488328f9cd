package httpcore

import (
	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// newExecutor builds the GraphQL engine for the loaded declaration with the
// environment, the effective introspection policy and the query limits of cfg.
func newExecutor(s *schema.Schema, db graphqlexec.DB, cfg Config) (*graphqlexec.Engine, error) {
	return graphqlexec.New(s, db, graphqlexec.Config{
		Environment:         cfg.Environment,
		Quirks:              cfg.Quirks,
		IntrospectionPolicy: cfg.policy().introspection,
		MaxQueryBytes:       cfg.MaxQueryBytes,
		MaxQueryTokens:      cfg.MaxQueryTokens,
		MaxQueryDepth:       cfg.MaxQueryDepth,
		MaxQueryFields:      cfg.MaxQueryFields,
		ExecutionTimeout:    cfg.ExecutionTimeout,
	})
}
