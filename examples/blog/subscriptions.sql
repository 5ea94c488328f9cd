-- The demo app's change events for subscriptions.graphql: the shipped trigger
-- (subscriptions/sql/fraiseql_notify.sql, which must be loaded first) installed on
-- the tables whose rows the subscriptions follow. scripts/devdb.sh loads both.
--
-- Each committed INSERT or UPDATE of a post or comment sends, on the channel
-- fraiseql_events, {"entity":"Post","op":"UPDATE","id":"…","scope":{"tenant_id":"…"}}:
-- every fraiseql-http instance LISTENs, and re-reads v_post / v_comment under each
-- subscriber's own context (its tenant), so a subscriber only ever sees its own rows.
-- The scope columns let a server skip reads for subscribers of other tenants
-- (and, for comments, of other posts) before running any.

SELECT fraiseql_notify_install('tb_post', 'Post', 'id', ARRAY['tenant_id']);
SELECT fraiseql_notify_install('tb_comment', 'Comment', 'id', ARRAY['tenant_id', 'post_id']);
