package httpcore

import (
	"context"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// newExecutor builds the GraphQL engine for the loaded declaration.
//
// The engine (graphqlexec.New) has not landed yet: until it does, every
// executed request answers Starlette's 500 so that the server, its routes
// and its envelopes can already be exercised end to end.
func newExecutor(s *schema.Schema, db graphqlexec.DB, cfg Config) (Executor, error) {
	_ = s
	_ = db
	_ = cfg
	return unavailableExecutor{}, nil
}

type unavailableExecutor struct{}

func (unavailableExecutor) Execute(context.Context, *graphqlexec.Request) graphqlexec.Response {
	return graphqlexec.Response{InternalError: true}
}
