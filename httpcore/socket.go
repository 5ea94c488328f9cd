package httpcore

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
	"github.com/fraiseql/fraiseql-http/pyjson"
	"github.com/fraiseql/fraiseql-http/subscriptions"
)

// This file joins the subscriptions module (the WebSocket protocols, the
// LISTEN hub) to the engine and the HTTP routes: an Executor over
// graphqlexec.Engine.Prepare, the router that sends upgrade requests on the
// WebSocket paths to the socket handler, and the upgrade's Origin check.

// socketExecutor is subscriptions.Executor over the engine: the same
// parse, validation, limits and policies as an HTTP request.
type socketExecutor struct{ e *graphqlexec.Engine }

var invalidVariables = []byte(`[{"message":"Variables are invalid JSON."}]`)

func (x socketExecutor) Prepare(ctx context.Context, req *subscriptions.Request) (subscriptions.Operation, error) {
	greq := &graphqlexec.Request{Query: req.Query}
	if req.OperationName != "" {
		name := req.OperationName
		greq.OperationName = &name
	}
	if req.Variables != nil {
		v, err := pyjson.Decode(req.Variables)
		if err != nil {
			return nil, &subscriptions.RequestError{Errors: invalidVariables}
		}
		greq.Variables = &v
	}
	if req.Auth != nil {
		if req.Auth.User != nil {
			greq.Claims = req.Auth.User.Claims
		}
		for _, s := range req.Auth.Settings {
			greq.SessionVars = append(greq.SessionVars, graphqlexec.SessionVar{Name: s.Name, Value: s.Value})
		}
	}
	op, refused, err := x.e.Prepare(ctx, greq)
	switch {
	case err != nil:
		return nil, err
	case refused != nil:
		return nil, &subscriptions.RequestError{Errors: refused}
	}
	switch op.Kind {
	case graphqlexec.OperationSubscription:
		return socketSubscription{op}, nil
	case graphqlexec.OperationMutation:
		return socketSingle{op, subscriptions.KindMutation}, nil
	}
	return socketSingle{op, subscriptions.KindQuery}, nil
}

// socketSingle is a query or mutation sent over the socket.
type socketSingle struct {
	op   *graphqlexec.Operation
	kind subscriptions.OperationKind
}

func (s socketSingle) Kind() subscriptions.OperationKind { return s.kind }

func (s socketSingle) Execute(ctx context.Context) ([]byte, error) {
	resp := s.op.Execute(ctx)
	if resp.InternalError {
		return nil, graphqlexec.ErrInternal
	}
	return resp.Body, nil
}

// socketSubscription is a subscription the Hub reads once per group for
// each matching event.
type socketSubscription struct{ op *graphqlexec.Operation }

func (s socketSubscription) Kind() subscriptions.OperationKind { return subscriptions.KindSubscription }
func (s socketSubscription) Entity() string                    { return s.op.Entity() }
func (s socketSubscription) GroupKey() string                  { return s.op.GroupKey() }

func (s socketSubscription) Filter() subscriptions.Filter {
	id, scope := s.op.EventFilter()
	f := subscriptions.Filter{ID: id, Scope: scope}
	for _, o := range s.op.Operations() {
		f.Ops = append(f.Ops, subscriptions.Op(o))
	}
	return f
}

func (s socketSubscription) Read(ctx context.Context, ev subscriptions.Event) ([]byte, bool, error) {
	return s.op.Read(ctx, ev.ID)
}

// socketRouter sends WebSocket upgrade requests on the socket paths to the
// socket handler and everything else to the HTTP routes.
type socketRouter struct {
	paths []string
	ws    http.Handler
	next  http.Handler
}

func (s *socketRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if subscriptions.IsUpgrade(r) && slices.Contains(s.paths, r.URL.Path) {
		s.ws.ServeHTTP(w, r)
		return
	}
	s.next.ServeHTTP(w, r)
}

// originCheck is the upgrade's Origin rule: no Origin (a program, not a
// browser page), the server's own host, or an origin CORS allows. Without
// it any web page a user visits could open a socket with the user's
// cookies and basic credentials (cross-site WebSocket hijacking).
func originCheck(cors *fastapi.CORS) func(r *http.Request) bool {
	return func(r *http.Request) bool {
		origins := r.Header["Origin"]
		if len(origins) == 0 {
			return true
		}
		origin := origins[0]
		if u, err := url.Parse(origin); err == nil && strings.EqualFold(u.Host, r.Host) {
			return true
		}
		return cors != nil && cors.AllowsOrigin(origin)
	}
}
