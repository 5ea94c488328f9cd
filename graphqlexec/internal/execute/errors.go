package execute

import (
	"context"
	"errors"
	"fmt"
	"strings"

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

// inputRefused is a mutation whose function PostgreSQL stopped with a data
// exception (SQLSTATE class 22) caused by a value of the client's input: a
// number too large for the numeric(p, s) the function casts it to, a string
// longer than its varchar, a text that is not a date. Where the function
// casts is known only inside its body, so these cannot all be refused
// before the statement; the function fails as a whole, so nothing of the
// input was stored. By default the client sees what was wrong in GraphQL's
// terms and the log keeps PostgreSQL's text (the cause); --quirks v1.9.7
// shows PostgreSQL's primary message, as v1 does.
type inputRefused struct {
	msg   string
	cause error
}

// Error carries the cause's text for logs; the client sees msg alone.
func (e *inputRefused) Error() string { return e.msg + " (" + e.cause.Error() + ")" }
func (e *inputRefused) Unwrap() error { return e.cause }

// refusedInput turns a data exception of a mutation's statement into an
// inputRefused naming the argument; any other error is returned as it is.
func (x *Execution) refusedInput(arg string, err error) error {
	var pg *pgconn.PgError
	if x.e.v1 || !errors.As(err, &pg) || !strings.HasPrefix(pg.Code, "22") {
		return err
	}
	what := "the database refused one of its values"
	switch pg.Code {
	case "22003": // numeric_value_out_of_range
		what = "a number is out of the range the database stores it in"
	case "22001": // string_data_right_truncation
		what = "a string is longer than the database stores"
	case "22P02", "22007", "22008": // invalid_text_representation, invalid_datetime_format, datetime_field_overflow
		what = "a value is not in the form the database expects"
	}
	return &inputRefused{msg: fmt.Sprintf("Argument '%s' has invalid value: %s.", arg, what), cause: err}
}

// timeoutMessage is what a client sees when a statement outlives the
// request's ExecutionTimeout: PostgreSQL's words for statement_timeout,
// which is what v1 shows for a mutation over its query_timeout.
const timeoutMessage = "canceling statement due to statement timeout"

// internalMessage is what a client sees for a failure v1 would have shown
// in a driver's or Python's words, which we cannot match: nothing of a Go
// or pgx message leaks.
const internalMessage = "Internal server error"

// ErrorClass sorts the errors a request meets for logs and metrics.
type ErrorClass string

const (
	// ErrorRequest: the document or its variables (syntax, limits,
	// validation, operation selection, variable coercion).
	ErrorRequest ErrorClass = "request"
	// ErrorInput: a value refused while planning (an argument, a filter).
	ErrorInput ErrorClass = "input"
	// ErrorDatabase: PostgreSQL refused a statement; its primary message
	// is what the client sees.
	ErrorDatabase ErrorClass = "database"
	// ErrorTimeout: a statement outlived the execution timeout.
	ErrorTimeout ErrorClass = "timeout"
	// ErrorData: a stored document does not match the declared type (a
	// view's data column holds a string where an Int is declared).
	ErrorData ErrorClass = "data"
	// ErrorInternal: the client sees "Internal server error" (or a 500);
	// the cause exists only in the event's Err.
	ErrorInternal ErrorClass = "internal"
)

// ErrorHook is called once for each error a response reports, with the
// text the client sees and the cause (nil for request errors, which have
// no cause beyond their text). It runs on the request's goroutine, so it
// must be quick.
type ErrorHook func(ctx context.Context, class ErrorClass, message string, cause error)

// PhaseHook starts a phase of a request ("graphql.parse", "graphql.plan",
// "graphql.execute") and returns the context the phase runs under (a
// tracer's span) and the function that ends it.
type PhaseHook func(ctx context.Context, name string) (context.Context, func())

func noEnd() {}

// Phase starts a phase through the engine's hook; until EndPhase the
// execution's context is the phase's, so what runs inside it (the SQL
// statements of "graphql.execute") is nested under it. Without a hook it
// costs a nil check. (No closure over x: that would move every Execution
// to the heap.)
func (x *Execution) Phase(name string) (end func(), prev context.Context) {
	prev = x.ctx
	if x.e.phase == nil {
		return noEnd, prev
	}
	ctx, end := x.e.phase(prev, name)
	x.ctx = ctx
	return end, prev
}

// EndPhase ends a phase and restores the context it started from, so the
// next phase is a sibling, not a child.
func (x *Execution) EndPhase(end func(), prev context.Context) {
	end()
	x.ctx = prev
}

// classify returns the class of an execution error and the text the
// client sees for it.
func classify(err error, v1 bool) (ErrorClass, string) {
	msg := clientMessage(err)
	if !v1 && lostConnection(err) {
		return ErrorInternal, internalMessage
	}
	var pg *pgconn.PgError
	var ir *inputRefused
	switch {
	case errors.As(err, &ir):
		return ErrorInput, msg
	case msg == internalMessage:
		return ErrorInternal, msg
	case msg == timeoutMessage && errors.Is(err, context.DeadlineExceeded):
		return ErrorTimeout, msg
	case errors.As(err, &pg):
		return ErrorDatabase, msg
	}
	return ErrorInput, msg
}

// lostConnection reports a failure of the connection rather than of the
// statement: the pool could not connect (the database does not exist, is
// not accepting connections, refuses the role, has too many clients) or
// PostgreSQL ended the session (FATAL or PANIC: an administrator command,
// a crash, a shutdown). PostgreSQL's text for these names the database,
// the role or the socket, and nothing in the request caused them, so by
// default the client sees "Internal server error" and the log the cause;
// v1.9.7 shows the text.
func lostConnection(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Severity == "FATAL" || pg.Severity == "PANIC")
}

// completionClass is the class of a completion error's message: data,
// unless the rewrite could not say more than "Internal server error".
func completionClass(msg string) ErrorClass {
	if msg == internalMessage {
		return ErrorInternal
	}
	return ErrorData
}

// message is clientMessage, telling the engine's error hook.
func (x *Execution) message(err error) string {
	if x.e.hook == nil {
		if !x.e.v1 && lostConnection(err) {
			return internalMessage
		}
		return clientMessage(err)
	}
	class, msg := classify(err, x.e.v1)
	x.e.hook(x.ctx, class, msg, err)
	return msg
}

// internal answers a request that fails outside v1's error handling (a
// 500), telling the hook why.
func (x *Execution) internal(err error) Response {
	if x.e.hook != nil {
		x.e.hook(x.ctx, ErrorInternal, "Internal Server Error", err)
	}
	return Response{InternalError: true}
}

// RequestErrors tells the hook about errors found before execution (the
// document, the operation, the variables).
func (x *Execution) RequestErrors(errs []*gqlerr.Error) {
	if x.e.hook == nil {
		return
	}
	for _, e := range errs {
		x.e.hook(x.ctx, ErrorRequest, e.Message, nil)
	}
}

// Internal answers a 500 for a failure found by the caller, telling the
// hook.
func (x *Execution) Internal(err error) Response { return x.internal(err) }

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
	var ir *inputRefused
	switch {
	case errors.As(err, &ir):
		return ir.msg
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
