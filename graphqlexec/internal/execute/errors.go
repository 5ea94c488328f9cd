package execute

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/coerce"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/plan"
)

// clientError is an error whose text v1 shows the client as it is
// (graphql-core and FraiseQL messages reproduced word for word).
type clientError struct{ msg string }

func (e *clientError) Error() string { return e.msg }

func clientErrorf(format string, args ...any) error {
	return &clientError{fmt.Sprintf(format, args...)}
}

// timeoutMessage is what a client sees when a statement outlives the
// request's ExecutionTimeout: PostgreSQL's words for statement_timeout,
// which is what v1 shows for a mutation over its query_timeout.
const timeoutMessage = "canceling statement due to statement timeout"

// internalMessage is what a client sees for a failure v1 would have shown
// in a driver's or Python's words, which we cannot match: nothing of a Go
// or pgx message leaks.
const internalMessage = "Internal server error"

// clientMessage returns the text a field error shows for err. A PostgreSQL
// error shows PostgreSQL's primary message (v1 shows psycopg's str(e),
// which starts with it) without pgx's "ERROR: … (SQLSTATE …)" wrapping;
// the engine's own GraphQL-facing errors show their text; anything else
// (network, pool, malformed row) shows internalMessage.
func clientMessage(err error) string {
	var pg *pgconn.PgError
	var ce *clientError
	var pe *plan.Error
	var le *coerce.LiteralError
	var ge *gqlerr.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		// pgx reports a statement cancelled by the context's deadline (and
		// a pool that could not hand out a connection in time) this way.
		return timeoutMessage
	case errors.As(err, &pg):
		if pg.Code == "2201B" {
			// Only a where's matches/imatches/notMatches binds a pattern.
			return "Argument 'where' has an invalid regular expression: " + pg.Message
		}
		return pg.Message
	case errors.As(err, &ce):
		return ce.msg
	case errors.As(err, &pe):
		return pe.Error()
	case errors.As(err, &le):
		return le.Error()
	case errors.As(err, &ge):
		return ge.Message
	}
	return internalMessage
}
