package execute

import (
	"fmt"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/document"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/plan"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// This file is what the WebSocket path needs beyond a request's run: the
// root field of a subscription operation, and its read for one change
// event, under the subscriber's claims and session variables (Begin's).

// SubscriptionRoot is the one root field a subscription operation selects.
type SubscriptionRoot struct {
	Field *schema.Field
	// Equalities are its arguments' column equalities, coerced (a where
	// argument is not among them).
	Equalities []plan.Equality
}

// Subscription checks that op (a subscription) selects exactly one root
// field bound with @subscribe, as graphql-core's subscribe() requires, and
// returns it. A refusal is returned as the GraphQL error to show.
func (x *Execution) Subscription(doc *document.Document, op *language.OperationDefinition, vars map[string]pyjson.Value) (*SubscriptionRoot, *gqlerr.Error) {
	x.doc, x.vars = doc, vars
	p, err := x.build(op)
	if err != nil {
		return nil, &gqlerr.Error{Message: clientMessage(err)}
	}
	subject := "Anonymous Subscription"
	if op.Name.Value != "" {
		subject = fmt.Sprintf("Subscription '%s'", op.Name.Value)
	}
	if len(p.roots) != 1 {
		return nil, &gqlerr.Error{Message: subject + " must select only one top level field."}
	}
	r := p.roots[0]
	switch {
	case r.kind == rootTypename || r.kind == rootIntrospection:
		return nil, &gqlerr.Error{Message: subject + " must not select an introspection top level field."}
	case r.field == nil || r.field.Subscribe == nil || r.kind != rootRead:
		return nil, &gqlerr.Error{Message: fmt.Sprintf("The subscription field '%s' is not defined.", r.name)}
	case r.err != nil:
		return nil, x.fieldError(r, clientMessage(r.err))
	}
	return &SubscriptionRoot{Field: r.field, Equalities: r.eqs}, nil
}

// RunEvent runs op, a subscription checked by Subscription, for one change
// event: its root read with event (the id column = the event's id) added
// to the arguments' conditions. found is false when the read found no row
// (the row is not visible under this context, or no longer matches). err
// is the read's statement error (the database, a malformed event id): the
// caller logs it rather than showing PostgreSQL's words to subscribers.
func (x *Execution) RunEvent(doc *document.Document, op *language.OperationDefinition, vars map[string]pyjson.Value, event plan.Equality) (resp Response, found bool, err error) {
	x.doc, x.vars, x.event = doc, vars, &event
	p, err := x.build(op)
	if err != nil {
		return Response{}, false, err
	}
	resp = x.execute(p)
	if x.readErr != nil {
		return Response{}, false, x.readErr
	}
	return resp, x.misses == 0, nil
}

// ContextValues returns the declaration's context values for this
// execution's claims (claim, else default; absent values are left out), as
// text: what the execution's reads compare scope columns with.
func (x *Execution) ContextValues() (map[string]string, error) {
	out := make(map[string]string, len(x.e.s.Contexts))
	for _, c := range x.e.s.Contexts {
		v, err := x.contextValue(c.Name)
		if err != nil {
			return nil, err
		}
		if s, ok := v.(string); ok {
			out[c.Name] = s
		}
	}
	return out, nil
}

// SessionVars returns the settings every statement of this execution runs
// under (see sessionVars).
func (x *Execution) SessionVars() ([]SessionVar, error) { return x.sessionVars() }
