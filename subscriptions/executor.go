package subscriptions

import (
	"context"
	"encoding/json"
	"time"

	"github.com/fraiseql/fraiseql-http/auth"
)

// Executor is what the socket layer needs from the GraphQL engine. The engine
// (graphqlexec) implements it; this package never parses or plans GraphQL
// itself.
//
// Prepare is called once per subscribe (graphql-transport-ws) or start
// (legacy graphql-ws) message, in a goroutine of its own, with a context
// that ends when the client stops the operation or the socket closes
// (Handler.Shutdown lets running operations finish first, until its own
// deadline). Execute gets the same context. Prepare parses and validates the document (through the same
// document cache, limits, introspection and production policies as an HTTP
// request), coerces the variables, and classifies the operation:
//
//   - a refused document (syntax, validation, policy, variable coercion,
//     document limits) is returned as a *RequestError holding the GraphQL
//     errors array; the client gets an "error" message for that operation
//     and the socket stays open;
//   - a query or mutation is returned as a SingleResult: the socket layer
//     calls Execute once, sends the body as one "next"/"data" message, then
//     "complete";
//   - a subscription is returned as a Subscription: the socket layer hands
//     it to the Hub, which calls Read once per group of subscribers for each
//     matching event.
//
// Any other error (a bug, the database gone) is an internal error: it is
// logged and never shown to the client, who gets close 4500 on
// graphql-transport-ws and an "error" message with a generic text on the
// legacy protocol.
//
// Implementations must be safe for concurrent use; they must not retain
// req.Variables after Prepare returns unless they copy it.
type Executor interface {
	Prepare(ctx context.Context, req *Request) (Operation, error)
}

// Request is one subscribe/start message after the socket layer checked its
// shape (an object with a string "query").
type Request struct {
	// Query is the document text, never empty.
	Query string
	// OperationName is "" when absent or null.
	OperationName string
	// Variables is the raw JSON of "variables": an object, or nil when the
	// field was absent or null. The socket layer has checked that it is a
	// JSON object; everything else (types, coercion) is the engine's job.
	Variables json.RawMessage
	// Extensions is the raw JSON of "extensions" (persisted queries), nil
	// when absent or null.
	Extensions json.RawMessage
	// Auth is the connection's auth context from connection_init (never nil:
	// an anonymous connection has Auth.User == nil).
	Auth *AuthContext
}

// AuthContext is what Authenticator returns for a connection and what every
// operation of that connection runs under.
type AuthContext struct {
	// User is the verified user; nil for an anonymous connection. It feeds
	// the schema's @context values exactly as on HTTP.
	User *auth.User
	// Settings are the PostgreSQL session variables of every statement the
	// connection's operations run (reads for events included), computed
	// from User with the same auth.SessionVars as HTTP, so row-level
	// security applies to subscriptions.
	Settings []auth.Setting
	// ExpiresAt is when the credentials expire (the token's exp); the
	// connection is closed with 4403 (legacy: connection_error, then close)
	// at that moment. Zero means never.
	ExpiresAt time.Time
}

// OperationKind tells single-result operations apart from streams.
type OperationKind uint8

const (
	KindQuery OperationKind = iota + 1
	KindMutation
	KindSubscription
)

func (k OperationKind) String() string {
	switch k {
	case KindQuery:
		return "query"
	case KindMutation:
		return "mutation"
	case KindSubscription:
		return "subscription"
	}
	return "unknown"
}

// Operation is a prepared operation: a SingleResult or a Subscription.
type Operation interface {
	Kind() OperationKind
}

// SingleResult is a prepared query or mutation.
type SingleResult interface {
	Operation
	// Execute runs the operation once and returns the complete GraphQL
	// response body, `{"data":…}` with or without "errors", exactly the
	// bytes an HTTP POST would have returned. Field errors belong in the
	// body; a returned error is internal (see Executor).
	Execute(ctx context.Context) ([]byte, error)
}

// Subscription is a prepared subscription. It is read from many goroutines
// (the Hub's readers) and must be immutable after Prepare.
type Subscription interface {
	Operation
	// Entity is the event entity the subscription listens to: the GraphQL
	// type name the NOTIFY trigger was installed with ("Post"). Events of
	// other entities never reach it.
	Entity() string
	// Filter says which events may concern this subscriber; the Hub applies
	// it before any read. It is a pre-filter, not the security boundary:
	// Read must apply the subscriber's own context and scope (as an HTTP
	// read does), so a row the subscriber may not see is never delivered
	// even when an event matched.
	Filter() Filter
	// GroupKey identifies subscribers whose Read returns the same bytes for
	// any event: it must cover the document, the operation, the coerced
	// variables (arguments, the where input) and every context value and
	// session setting Read uses. Subscribers with equal (Entity, GroupKey)
	// share one Read per event: a group costs one query, not one per
	// subscriber. When in doubt, make keys differ: a key that is too coarse
	// leaks one subscriber's data to another.
	GroupKey() string
	// Read returns the payload for one event under this subscriber's
	// context: the ExecutionResult bytes `{"data":{"postUpdated":{…}}}`
	// (the "payload" of the next/data message). deliver=false means the
	// event does not concern the subscriber after all (the row no longer
	// matches the where input, the row is not visible under the
	// subscriber's context, a DELETE the selection ignores) and nothing is
	// sent. Field errors belong in the payload; a returned error is
	// internal: it is logged and the subscriber gets a next/data message
	// with an INTERNAL_SERVER_ERROR error, the subscription stays live.
	//
	// Read is never called for an overflow event: the lost-events signal is
	// sent by the Hub itself (see Hub). ctx is the Hub's, bounded by
	// HubConfig.ReadTimeout, not tied to any one subscriber's socket; Read
	// runs on whichever member of the group the Hub picks, so it must only
	// use what GroupKey covers.
	Read(ctx context.Context, ev Event) (payload []byte, deliver bool, err error)
}

// Filter is the per-subscriber event pre-filter. The zero Filter matches
// every event of the entity.
type Filter struct {
	// ID, when not "", keeps only events whose id is ID (the `id` argument
	// of postUpdated(id:)). Compared as text: the engine must normalise it
	// the way PostgreSQL prints the id column (lower-case UUIDs).
	ID string
	// Scope keeps only events whose scope values equal these (column →
	// value as PostgreSQL prints it as text), e.g. {"tenant_id": "aaaa…"}
	// from the subscriber's context, or {"post_id": …} from an argument.
	// An event without one of these columns (an overflowed payload) passes:
	// Read decides.
	Scope map[string]string
	// Ops, when not empty, keeps only these operations.
	Ops []Op
}

// Matches reports whether ev passes the filter.
func (f *Filter) Matches(ev *Event) bool {
	if f.ID != "" && !ev.Overflow && ev.ID != f.ID {
		return false
	}
	for col, want := range f.Scope {
		if got, ok := ev.Scope[col]; ok && (got == nil || *got != want) {
			return false
		}
	}
	if len(f.Ops) > 0 {
		found := false
		for _, op := range f.Ops {
			if op == ev.Op {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// RequestError is a refused document: the GraphQL errors array (JSON, e.g.
// `[{"message":"…","locations":[…]}]`) sent to the client as the payload of
// an "error" message. The socket layer sends Errors as they are.
type RequestError struct {
	Errors json.RawMessage
}

func (e *RequestError) Error() string { return "subscriptions: request refused: " + string(e.Errors) }
