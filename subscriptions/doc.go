// Package subscriptions serves GraphQL over WebSocket, fed by PostgreSQL
// LISTEN/NOTIFY so that every server instance sees every change.
//
// It owns three things:
//
//   - the socket layer (Handler): the graphql-transport-ws protocol and the
//     legacy graphql-ws protocol of subscriptions-transport-ws over
//     gorilla/websocket, chosen by Sec-WebSocket-Protocol; authentication on
//     connection_init through an Authenticator; per-connection limits;
//     graceful shutdown with close 1001. gorilla/websocket upgrades and
//     writes; the frames a client sends are parsed here (frames.go) so
//     that, on Linux, an idle socket is parked in one epoll instance and
//     holds no goroutine (reader.go, poller_linux.go;
//     Config.GoroutinePerSocket and other systems use a reader goroutine
//     per socket);
//   - the Hub: one LISTEN connection per server instance (outside the request
//     pool), reconnecting with backoff, that fans each event out to the
//     subscriptions of its entity, one read per group of subscribers that
//     would read the same thing, never one per subscriber;
//   - the SQL a user installs (NotifySQL, sql/fraiseql_notify.sql): a trigger
//     that sends the entity, the operation, the id and scope column values
//     with pg_notify, installed on a table in one statement.
//
// The GraphQL work is the engine's: this package defines the Executor
// interface it needs (parse, validate, classify, execute a query or
// mutation, read a subscriber's selection for an event) and never parses,
// validates or plans GraphQL itself. httpcore mounts the Handler; this
// package never imports httpcore.
//
// What it must never do: block the Hub on a slow client (delivery is a
// non-blocking enqueue; a full queue closes that one connection with 1008);
// run one query per subscriber for an event (subscribers are grouped by the
// Executor's GroupKey); pretend events were delivered when LISTEN was down
// (every live subscription gets MissedPayload when LISTEN is back); show a
// client an internal error's text (it is logged; the client sees "Internal
// server error" or close 4500); trust an event's payload for authorisation
// (events only select candidates: each read runs under the subscriber's own
// context, so row-level security applies).
//
// Security defaults:
//   - an upgrade without graphql-transport-ws or graphql-ws is closed with
//     4406 before any message is read; the Origin check defaults to
//     gorilla/websocket's same-host rule and httpcore passes its CORS check;
//   - nothing but connection_init (and ping) is served before connection_ack
//     (4401); a refused or expired credential closes the socket with 4403;
//     a socket that sends no connection_init within 10 s is closed (4408);
//   - incoming messages are limited to 128 KiB (1009), live operations to
//     100 per connection, the outgoing queue to 64 messages; a socket that
//     sends nothing, not even a pong, for 2×KeepAlive is dropped;
//   - a panic in the Executor or Authenticator is recovered and treated as
//     an internal error of that operation or connection only.
package subscriptions
