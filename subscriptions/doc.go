// Package subscriptions will serve GraphQL subscriptions over WebSocket
// (graphql-transport-ws and the legacy graphql-ws protocol), fed by PostgreSQL
// LISTEN/NOTIFY so that every server instance sees every event.
//
// Not built yet: this module holds only its package documentation until the
// subscriptions issue is taken. It must never import net/http handlers of
// httpcore; httpcore mounts it.
package subscriptions
