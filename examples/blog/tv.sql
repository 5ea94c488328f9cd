-- =============================================================================
-- tv_ variant of the demo blog app: table-backed projections (FraiseQL's "table
-- views") kept current by triggers on the tb_ tables.
--
-- Load after schema.sql (and after any bulk data):
--   psql -v ON_ERROR_STOP=1 -d fraiseql_demo -f schema.sql -f tv.sql
-- then serve app-tv.graphql, which declares the same types over these tables.
--
-- Why: a v_ view builds each row's document on every read (for a post: its
-- body, author and every comment with its author). A tv_ table stores that
-- document once, when a write changes it, so a read is an index scan over
-- stored JSONB. Writes pay instead: each write to tb_* rebuilds the documents
-- that embed the changed row, in the same transaction.
--
-- Layout of each tv_ table: id, tenant_id, data (the v_ view's document, the
-- same bytes), plus the filter columns the v_ view exposes, generated from data
-- (STORED, so where/orderBy on a declared @column compare an indexed column).
-- The v_ views stay the single definition of each document: the sync functions
-- copy from them, so tv_ data can never drift from what v_ would return.
--
-- Sync (row-level AFTER triggers):
--   tb_user    insert/update/delete  -> tv_user of that user; on a change of id or
--                                       display_name (the fields other documents
--                                       embed) also the tv_comment rows it wrote and
--                                       the tv_post rows it wrote or commented on
--   tb_post    insert/update/delete  -> tv_post of that post
--   tb_comment insert/update/delete  -> tv_comment of that comment and tv_post of its
--                                       post (old and new post when it moves)
-- A post's deletion cascades to its comments, whose triggers then find no post
-- to rebuild. TRUNCATE is not propagated: truncate the tv_ tables too.
--
-- Concurrent writers (READ COMMITTED): every rebuild locks the tv_ rows it
-- rewrites before reading the view, and a write that makes a document embed a
-- user (a new comment or post, a changed author) share-locks that user's tv_
-- row, which a rename holds exclusively while it lists the documents to
-- rebuild; locks are taken in the order user, comment, post. So two writers
-- that touch one document rebuild it one after the other, each from what the
-- other committed (perf/internal/tvsync tests both cases).
-- =============================================================================

SET client_min_messages = warning;

CREATE TABLE tv_user (
  id           uuid PRIMARY KEY,
  tenant_id    uuid NOT NULL,
  data         jsonb NOT NULL,
  email        text             GENERATED ALWAYS AS (data ->> 'email') STORED,
  first_name   text             GENERATED ALWAYS AS (data ->> 'first_name') STORED,
  display_name text             GENERATED ALWAYS AS (data ->> 'display_name') STORED,
  age          integer          GENERATED ALWAYS AS ((data ->> 'age')::integer) STORED,
  score        double precision GENERATED ALWAYS AS ((data ->> 'score')::double precision) STORED,
  is_active    boolean          GENERATED ALWAYS AS ((data ->> 'is_active')::boolean) STORED,
  role         text             GENERATED ALWAYS AS (data ->> 'role') STORED
);

CREATE TABLE tv_post (
  id         uuid PRIMARY KEY,
  tenant_id  uuid NOT NULL,
  data       jsonb NOT NULL,
  title      text         GENERATED ALWAYS AS (data ->> 'title') STORED,
  published  boolean      GENERATED ALWAYS AS ((data ->> 'published')::boolean) STORED,
  view_count integer      GENERATED ALWAYS AS ((data ->> 'view_count')::integer) STORED,
  rating     numeric(2, 1) GENERATED ALWAYS AS ((data ->> 'rating')::numeric(2, 1)) STORED,
  author     jsonb        GENERATED ALWAYS AS (data -> 'author') STORED
);

CREATE TABLE tv_comment (
  id        uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  data      jsonb NOT NULL
);

-- Fill in the tb_ tables' order (unordered reads then return rows as v_ does,
-- until updates move them).
INSERT INTO tv_user (id, tenant_id, data) SELECT id, tenant_id, data FROM v_user;
INSERT INTO tv_post (id, tenant_id, data) SELECT id, tenant_id, data FROM v_post;
INSERT INTO tv_comment (id, tenant_id, data) SELECT id, tenant_id, data FROM v_comment;

-- Reads: tenant-scoped lists ordered by id (fraiseql-http orders ascending
-- columns NULLS FIRST), the filtered user list, and the sync's own lookups.
CREATE INDEX tv_user_tenant_id_idx ON tv_user (tenant_id, id NULLS FIRST);
CREATE INDEX tv_user_tenant_role_score_idx ON tv_user (tenant_id, role, score DESC NULLS LAST);
CREATE INDEX tv_post_tenant_id_idx ON tv_post (tenant_id, id NULLS FIRST);
CREATE INDEX tv_comment_tenant_id_idx ON tv_comment (tenant_id, id NULLS FIRST);
CREATE INDEX IF NOT EXISTS tb_comment_author_idx ON tb_comment (author_id);

-- tv_<x>_refresh(ids): make the tv_ rows of these ids equal to the v_ view's
-- (insert, update when different, delete when gone). NULL ids are ignored.
-- The rows are locked first (in id order) and the documents read by the next
-- statements, which under READ COMMITTED take a new snapshot once the lock is
-- held: two transactions that change the same document (two comments of one
-- post) then rebuild it one after the other, the second seeing the first's
-- commit. Reading first and upserting would let the second write a document
-- built before the first committed (a lost update). Under REPEATABLE READ the
-- lock raises a serialization failure instead, which the client retries.
CREATE FUNCTION tv_user_refresh(ids uuid[]) RETURNS void
LANGUAGE sql AS $$
  SELECT 1 FROM tv_user WHERE id = ANY (ids) ORDER BY id FOR UPDATE;
  DELETE FROM tv_user t WHERE t.id = ANY (ids) AND NOT EXISTS (SELECT 1 FROM tb_user b WHERE b.id = t.id);
  INSERT INTO tv_user AS t (id, tenant_id, data)
    SELECT v.id, v.tenant_id, v.data FROM v_user v WHERE v.id = ANY (ids)
  ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, data = excluded.data
    WHERE (t.tenant_id, t.data) IS DISTINCT FROM (excluded.tenant_id, excluded.data);
$$;

CREATE FUNCTION tv_post_refresh(ids uuid[]) RETURNS void
LANGUAGE sql AS $$
  SELECT 1 FROM tv_post WHERE id = ANY (ids) ORDER BY id FOR UPDATE;
  DELETE FROM tv_post t WHERE t.id = ANY (ids) AND NOT EXISTS (SELECT 1 FROM tb_post b WHERE b.id = t.id);
  INSERT INTO tv_post AS t (id, tenant_id, data)
    SELECT v.id, v.tenant_id, v.data FROM v_post v WHERE v.id = ANY (ids)
  ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, data = excluded.data
    WHERE (t.tenant_id, t.data) IS DISTINCT FROM (excluded.tenant_id, excluded.data);
$$;

CREATE FUNCTION tv_comment_refresh(ids uuid[]) RETURNS void
LANGUAGE sql AS $$
  SELECT 1 FROM tv_comment WHERE id = ANY (ids) ORDER BY id FOR UPDATE;
  DELETE FROM tv_comment t WHERE t.id = ANY (ids) AND NOT EXISTS (SELECT 1 FROM tb_comment b WHERE b.id = t.id);
  INSERT INTO tv_comment AS t (id, tenant_id, data)
    SELECT v.id, v.tenant_id, v.data FROM v_comment v WHERE v.id = ANY (ids)
  ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, data = excluded.data
    WHERE (t.tenant_id, t.data) IS DISTINCT FROM (excluded.tenant_id, excluded.data);
$$;

CREATE FUNCTION tv_sync_user() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  old_id uuid := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.id END;
  new_id uuid := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.id END;
BEGIN
  PERFORM tv_user_refresh(ARRAY[old_id, new_id]);
  -- Other documents embed a user's id and display_name; a new user is not yet
  -- referenced and a referenced user cannot be deleted (foreign keys).
  IF TG_OP = 'UPDATE' AND (OLD.id, OLD.display_name) IS DISTINCT FROM (NEW.id, NEW.display_name) THEN
    PERFORM tv_comment_refresh(ARRAY(SELECT c.id FROM tb_comment c WHERE c.author_id IN (old_id, new_id)));
    PERFORM tv_post_refresh(ARRAY(
      SELECT p.id FROM tb_post p WHERE p.author_id IN (old_id, new_id)
      UNION
      SELECT c.post_id FROM tb_comment c WHERE c.author_id IN (old_id, new_id)));
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION tv_sync_post() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- The post embeds its author: wait for a rename of that author in flight
  -- (tv_sync_user locks the user's row first), so either that rename sees
  -- this post or this post's document sees the new name.
  IF TG_OP <> 'DELETE' THEN
    PERFORM 1 FROM tv_user WHERE id = NEW.author_id FOR SHARE;
  END IF;
  PERFORM tv_post_refresh(ARRAY[CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.id END,
                                CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.id END]);
  RETURN NULL;
END
$$;

CREATE FUNCTION tv_sync_comment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- The comment and its post embed the comment's author (see tv_sync_post).
  IF TG_OP <> 'DELETE' THEN
    PERFORM 1 FROM tv_user WHERE id = NEW.author_id FOR SHARE;
  END IF;
  PERFORM tv_comment_refresh(ARRAY[CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.id END,
                                   CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.id END]);
  PERFORM tv_post_refresh(ARRAY[CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.post_id END,
                                CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.post_id END]);
  RETURN NULL;
END
$$;

CREATE TRIGGER tv_sync AFTER INSERT OR UPDATE OR DELETE ON tb_user
  FOR EACH ROW EXECUTE FUNCTION tv_sync_user();
CREATE TRIGGER tv_sync AFTER INSERT OR UPDATE OR DELETE ON tb_post
  FOR EACH ROW EXECUTE FUNCTION tv_sync_post();
CREATE TRIGGER tv_sync AFTER INSERT OR UPDATE OR DELETE ON tb_comment
  FOR EACH ROW EXECUTE FUNCTION tv_sync_comment();

ANALYZE tv_user, tv_post, tv_comment;
