-- fraiseql_notify.sql: change events for fraiseql-http subscriptions.
--
-- Install once per database (idempotent: every statement is CREATE OR REPLACE),
-- then one statement per table:
--
--   SELECT fraiseql_notify_install('tb_post', 'Post', 'id', ARRAY['tenant_id']);
--
-- After each committed INSERT, UPDATE (that changed the row) or DELETE, the
-- trigger sends on the channel (default fraiseql_events):
--
--   {"entity":"Post","op":"UPDATE","id":"…","scope":{"tenant_id":"…"}}
--
-- ids and scope values only, never the row: every server instance LISTENs, and
-- each subscriber's selection is re-read from the view under its own context.
-- Values are PostgreSQL's text form of the column. When the payload would
-- exceed NOTIFY's limit (7999 bytes) the trigger sends
--   {"entity":"Post","op":"UPDATE","overflow":true}
-- and subscribers of that entity get the lost-events signal instead.
--
-- fraiseql_notify_uninstall('tb_post') removes the trigger.

CREATE OR REPLACE FUNCTION fraiseql_notify_trigger() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  -- TG_ARGV: entity, id column, channel, scope columns...
  v_entity  text := TG_ARGV[0];
  v_id_col  text := TG_ARGV[1];
  v_channel text := TG_ARGV[2];
  v_row     jsonb;
  v_scope   jsonb := '{}'::jsonb;
  v_payload text;
  i         int;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    v_row := to_jsonb(OLD);
  ELSE
    v_row := to_jsonb(NEW);
  END IF;
  FOR i IN 3 .. TG_NARGS - 1 LOOP
    v_scope := v_scope || jsonb_build_object(TG_ARGV[i], v_row ->> TG_ARGV[i]);
  END LOOP;
  v_payload := jsonb_build_object(
    'entity', v_entity, 'op', TG_OP, 'id', v_row ->> v_id_col, 'scope', v_scope)::text;
  IF octet_length(v_payload) > 7999 THEN
    v_payload := jsonb_build_object('entity', v_entity, 'op', TG_OP, 'overflow', true)::text;
  END IF;
  PERFORM pg_notify(v_channel, v_payload);
  RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION fraiseql_notify_install(
  p_table         regclass,
  p_entity        text,
  p_id_column     text DEFAULT 'id',
  p_scope_columns text[] DEFAULT '{}',
  p_channel       text DEFAULT 'fraiseql_events'
) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  v_col  text;
  v_args text;
BEGIN
  IF p_entity IS NULL OR p_entity !~ '^[_A-Za-z][_0-9A-Za-z]{0,62}$' THEN
    RAISE EXCEPTION 'fraiseql_notify_install: entity % must be a GraphQL type name', p_entity;
  END IF;
  IF p_channel IS NULL OR p_channel !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
    RAISE EXCEPTION 'fraiseql_notify_install: channel % must be a lower-case identifier', p_channel;
  END IF;
  FOREACH v_col IN ARRAY array_prepend(p_id_column, coalesce(p_scope_columns, '{}')) LOOP
    IF v_col IS NULL OR NOT EXISTS (
      SELECT 1 FROM pg_attribute
       WHERE attrelid = p_table AND attname = v_col AND attnum > 0 AND NOT attisdropped) THEN
      RAISE EXCEPTION 'fraiseql_notify_install: % has no column %', p_table, v_col;
    END IF;
  END LOOP;
  SELECT string_agg(quote_literal(a), ', ')
    INTO v_args
    FROM unnest(array_cat(ARRAY[p_entity, p_id_column, p_channel], coalesce(p_scope_columns, '{}'))) AS a;
  EXECUTE format('DROP TRIGGER IF EXISTS fraiseql_notify ON %s', p_table);
  EXECUTE format(
    'CREATE TRIGGER fraiseql_notify AFTER INSERT OR UPDATE OR DELETE ON %s '
    'FOR EACH ROW EXECUTE FUNCTION fraiseql_notify_trigger(%s)', p_table, v_args);
END
$fn$;

CREATE OR REPLACE FUNCTION fraiseql_notify_uninstall(p_table regclass) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('DROP TRIGGER IF EXISTS fraiseql_notify ON %s', p_table);
END
$fn$;
