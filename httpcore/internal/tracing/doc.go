// Package tracing is fraiseql-http's OpenTelemetry tracing: a server span
// per request (the W3C traceparent of the request, when there is one, is
// its parent), a child span per phase of the engine (graphql.parse,
// graphql.plan, graphql.execute; graphqlexec's Hooks.Phase), a child span
// per SQL statement (through pgx's tracer interfaces), and one for the
// response's write to the connection (http.write, through
// h1.ResponseWriter.OnWrite), exported over OTLP/HTTP (protobuf) to a
// collector by its own exporter (otlp.go), which links no gRPC code.
//
// It owns the tracer provider, its exporter and sampler, the propagation
// format (W3C Trace Context), the request middleware and the pgx tracer.
//
// What it must never do: cost anything when tracing is off (the server
// then installs neither the middleware nor the pgx tracer); put a
// request's variables, bound SQL parameters, tokens or bodies in a span
// (the statement text has only $n placeholders); block a request on the
// exporter (spans are batched and sent in the background).
//
// Security defaults: off unless an endpoint is configured; an incoming
// traceparent only chooses the trace id and parent and, with the
// parent-based sampler, whether the request is sampled.
package tracing
