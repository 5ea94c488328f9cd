-- Deterministic bulk data for the demo blog app, appended after examples/blog/schema.sql
-- (which keeps the demo's own rows, tenants A and B, and its functions).
-- psql variables: users, posts, comments (row counts to add).
-- Every value derives from md5 of the row index, so the same sizes always give
-- the same database. Tenant B gets one row in five, tenant A the rest; posts and
-- comments always stay in their author's tenant.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

INSERT INTO tb_user (id, tenant_id, email, first_name, last_name, display_name, age, score,
                     is_active, role, tags, bio, website, created_at)
SELECT
  md5('user:' || i)::uuid,
  CASE WHEN i % 5 = 0 THEN 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' ELSE 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' END::uuid,
  'user' || i || '@bench.example',
  'First' || substr(h, 1, 6),
  CASE WHEN i % 7 = 0 THEN NULL ELSE 'Last' || substr(h, 7, 6) END,
  'User ' || substr(h, 1, 8),
  CASE WHEN i % 11 = 0 THEN NULL ELSE 18 + ('x' || substr(h, 13, 2))::bit(8)::int % 60 END,
  (('x' || substr(h, 15, 4))::bit(16)::int % 10000) / 100.0,
  i % 9 <> 0,
  (ARRAY['admin', 'editor', 'author', 'author', 'viewer'])[1 + ('x' || substr(h, 19, 2))::bit(8)::int % 5],
  ARRAY['tag' || ('x' || substr(h, 21, 2))::bit(8)::int % 20, 'tag' || ('x' || substr(h, 23, 2))::bit(8)::int % 20],
  'Bio ' || h,
  CASE WHEN i % 3 = 0 THEN NULL ELSE 'https://u' || i || '.bench.example' END,
  '2025-01-01 00:00:00+00'::timestamptz + (i % 100000) * interval '1 minute'
FROM (SELECT i, md5('user-values:' || i) AS h FROM generate_series(1, :users) AS i) AS s;

-- Posts: the author is a deterministic pseudo-random generated user; the post
-- takes the author's tenant.
INSERT INTO tb_post (id, tenant_id, author_id, title, body, published, view_count, rating, created_at)
SELECT
  md5('post:' || j)::uuid,
  CASE WHEN a % 5 = 0 THEN 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' ELSE 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' END::uuid,
  md5('user:' || a)::uuid,
  'Post ' || substr(h, 1, 10),
  repeat('Body ' || h || ' ', 1 + j % 4),
  j % 3 <> 0,
  ('x' || substr(h, 11, 4))::bit(16)::int % 5000,
  CASE WHEN j % 7 = 0 THEN NULL ELSE round((('x' || substr(h, 15, 2))::bit(8)::int % 41)::numeric / 10 + 1, 1) END,
  '2025-02-01 00:00:00+00'::timestamptz + (j % 100000) * interval '1 minute'
FROM (SELECT j, md5('post-values:' || j) AS h,
             1 + (('x' || substr(md5('post-author:' || j), 1, 8))::bit(32)::bigint % :users) AS a
        FROM generate_series(1, :posts) AS j) AS s;

-- Comments: on a pseudo-random generated post, by that post's author's tenant
-- (the author is the generated user next to the post's author, same i % 5 class).
INSERT INTO tb_comment (id, tenant_id, post_id, author_id, content, created_at)
SELECT
  md5('comment:' || k)::uuid,
  CASE WHEN a % 5 = 0 THEN 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' ELSE 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' END::uuid,
  md5('post:' || p)::uuid,
  md5('user:' || (CASE WHEN a + 5 <= :users THEN a + 5 ELSE a END))::uuid,
  'Comment ' || substr(md5('comment-values:' || k), 1, 16),
  '2025-03-01 00:00:00+00'::timestamptz + (k % 100000) * interval '1 minute'
FROM (SELECT k, p, 1 + (('x' || substr(md5('post-author:' || p), 1, 8))::bit(32)::bigint % :users) AS a
        FROM (SELECT k, 1 + (('x' || substr(md5('comment-post:' || k), 1, 8))::bit(32)::bigint % :posts) AS p
                FROM generate_series(1, :comments) AS k) AS c) AS s;

-- The benchmark's list reads are ordered by id (so every server returns the same
-- rows): fraiseql-http orders an ascending column NULLS FIRST (jsonb's order,
-- v1's), which the primary key's index (ASC NULLS LAST) cannot serve, so without
-- these PostgreSQL would build every row's document and sort them all. PostGraphile
-- orders by the primary key and uses its index.
CREATE INDEX tb_user_tenant_id_idx ON tb_user (tenant_id, id NULLS FIRST);
CREATE INDEX tb_post_tenant_id_idx ON tb_post (tenant_id, id NULLS FIRST);

ANALYZE;
