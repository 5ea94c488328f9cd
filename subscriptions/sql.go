package subscriptions

import _ "embed"

// NotifySQL is sql/fraiseql_notify.sql: the trigger function and the
// one-statement installer,
//
//	SELECT fraiseql_notify_install('tb_post', 'Post', 'id', ARRAY['tenant_id']);
//
// Every statement is CREATE OR REPLACE, so running it again is harmless. The
// server never runs it by itself: installing functions is a migration the
// operator chooses (psql -f, or pgx's Exec with no arguments, which allows
// several statements).
//
//go:embed sql/fraiseql_notify.sql
var NotifySQL string
