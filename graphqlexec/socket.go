package graphqlexec

import (
	"context"
	"errors"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/subscribe"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// This file is the engine's side of GraphQL over WebSocket: a document is
// prepared once per subscribe message (parsed, validated and coerced by the
// same entry points as an HTTP request, so the same limits, introspection
// and production policies apply), then run once (a query or mutation) or
// read once per change event (a subscription).

// OperationKind is what a prepared document does.
type OperationKind uint8

const (
	OperationQuery OperationKind = iota + 1
	OperationMutation
	OperationSubscription
)

// Operation is a document prepared for one socket operation. It is
// immutable and safe for concurrent use.
type Operation struct {
	Kind OperationKind

	e    *Engine
	req  Request
	d    *cachedDocument
	op   *language.OperationDefinition
	vars map[string]pyjson.Value

	// Subscriptions only.
	field *schema.Field
	spec  *subscribe.Spec
}

// ErrInternal is returned by Prepare and Operation.Read for a failure the
// client must not be told about (a caller's configuration error, a
// response that cannot be written).
var ErrInternal = errors.New("graphqlexec: internal error")

// Prepare parses, validates and coerces req as an HTTP request would be,
// and classifies it. A refused document (syntax, limits, validation,
// introspection policy, unknown operation, variables, a subscription that
// does not select exactly one @subscribe field) returns its GraphQL errors
// array as JSON in refused; err is for internal errors only.
func (e *Engine) Prepare(ctx context.Context, req *Request) (op *Operation, refused []byte, err error) {
	for _, v := range req.SessionVars {
		if !ValidSessionVarName(v.Name) {
			return nil, nil, ErrInternal
		}
	}
	refuse := func(errs ...*gqlerr.Error) (*Operation, []byte, error) {
		list := pyjson.Value{Kind: pyjson.Array, Items: make([]pyjson.Value, len(errs))}
		for i, ge := range errs {
			list.Items[i] = ge.Value()
		}
		b, err := pyjson.AppendCompact(nil, &list)
		if err != nil {
			return nil, nil, ErrInternal
		}
		return nil, b, nil
	}
	if req.QueryMissing || req.Query == "" {
		return refuse(&gqlerr.Error{Message: "Must provide query string."})
	}
	if len(req.Query) > e.lim.MaxBytes() {
		return refuse(e.lim.SizeError())
	}
	d := e.document(req.Query)
	if d.syntax != nil {
		return refuse(d.syntax)
	}
	if errs := e.validation(d, e.introspectionBlocked(req)); len(errs) > 0 {
		return refuse(errs...)
	}
	def, gerr := operation(d.Document, req.OperationName)
	if gerr != nil {
		return refuse(gerr)
	}
	vars, verrs := e.co.Variables(def, d.Body, req.Variables)
	if len(verrs) > 0 {
		return refuse(verrs...)
	}
	o := &Operation{e: e, req: *req, d: d, op: def, vars: vars}
	switch def.Operation {
	case language.Mutation:
		o.Kind = OperationMutation
		return o, nil, nil
	case language.Subscription:
		o.Kind = OperationSubscription
	default:
		o.Kind = OperationQuery
		return o, nil, nil
	}
	if e.s.Subscription == "" {
		return refuse(&gqlerr.Error{Message: "Schema is not configured to execute subscription operation."})
	}
	x := e.ex.Begin(ctx, nil, req.Claims, req.SessionVars)
	defer x.End()
	root, gerr := x.Subscription(d.Document, def, vars)
	if gerr != nil {
		return refuse(gerr)
	}
	contexts, err := x.ContextValues()
	if err != nil {
		return nil, nil, err
	}
	settings, err := x.SessionVars()
	if err != nil {
		return nil, nil, err
	}
	in := &subscribe.Input{
		Schema: e.s, Field: root.Field, Equalities: root.Equalities, Contexts: contexts,
		Query: req.Query, Variables: vars,
	}
	if req.OperationName != nil {
		in.OperationName = *req.OperationName
	}
	for _, s := range settings {
		in.Settings = append(in.Settings, [2]string{s.Name, s.Value})
	}
	o.field, o.spec = root.Field, subscribe.New(in)
	return o, nil, nil
}

// Execute runs a query or mutation once and returns its body, exactly what
// an HTTP POST of the same request returns.
func (o *Operation) Execute(ctx context.Context) Response {
	return o.e.Execute(ctx, &o.req)
}

// Entity is the event entity a subscription follows ("Post").
func (o *Operation) Entity() string { return o.spec.Entity }

// Operations are the row operations a subscription follows ("INSERT",
// "UPDATE").
func (o *Operation) Operations() []string { return o.spec.Ops }

// EventFilter is a subscription's event pre-filter: the id ("" for any) and
// the scope values events must carry (see subscriptions.Filter). It only
// saves reads; Read decides what is delivered.
func (o *Operation) EventFilter() (id string, scope map[string]string) {
	return o.spec.ID, o.spec.Scope
}

// GroupKey is equal for two subscriptions exactly when their reads are the
// same for every event: same document, operation, coerced variables,
// context values and session variables.
func (o *Operation) GroupKey() string { return o.spec.Key }

// Read reads the subscription's selection for the row whose id column is
// id, under the subscriber's claims and session variables (row level
// security applies as for an HTTP read). found is false when no row is
// visible (another tenant's, a row that does not match the arguments, a
// row deleted since): nothing is delivered then. The body is a complete
// GraphQL response, field errors included; a failed statement (the
// database, an id the column cannot hold) is returned as err, for the log.
func (o *Operation) Read(ctx context.Context, id string) (body []byte, found bool, err error) {
	x := o.e.ex.Begin(ctx, nil, o.req.Claims, o.req.SessionVars)
	defer x.End()
	resp, found, err := x.RunEvent(o.d.Document, o.op, o.vars, subscribe.EventEquality(o.field, id))
	switch {
	case err != nil:
		return nil, false, err
	case resp.InternalError:
		return nil, false, ErrInternal
	}
	return resp.Body, found, nil
}
