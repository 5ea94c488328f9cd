-- A small shop for fraiseql-http, from an empty database (docs/schema.md, "A complete small app"):
--   createdb shop && psql -v ON_ERROR_STOP=1 -d shop -f examples/shop/schema.sql

-- The table: normalized, typed.
CREATE TABLE tb_product (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL,
  price      numeric(10, 2) NOT NULL,
  in_stock   boolean NOT NULL DEFAULT true,
  tags       text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The read view: the whole document in "data" (snake_case keys), plus the
-- columns that filters and ordering should compare (declared with @column).
CREATE VIEW v_product AS
SELECT
  p.id,
  jsonb_build_object(
    'id',         p.id,
    'name',       p.name,
    'price',      p.price,
    'in_stock',   p.in_stock,
    'tags',       to_jsonb(p.tags),
    'created_at', to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
  ) AS data,
  p.name, p.price
FROM tb_product p;

-- FraiseQL v1's mutation result, exactly so.
CREATE TYPE mutation_response AS (
  status text, message text, entity_id text, entity_type text,
  entity jsonb, updated_fields text[], cascade jsonb, metadata jsonb
);

-- create_product(input): input keys are the GraphQL input's fields in snake_case.
CREATE FUNCTION create_product(input jsonb) RETURNS mutation_response
LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid;
BEGIN
  IF coalesce(trim(input->>'name'), '') = '' THEN
    RETURN ROW('validation:name_required', 'A product needs a name',
               NULL, 'Product', NULL, NULL, NULL, NULL)::mutation_response;
  END IF;
  IF (input->>'price')::numeric < 0 THEN
    RETURN ROW('validation:negative_price', 'The price cannot be negative',
               NULL, 'Product', NULL, NULL, NULL, NULL)::mutation_response;
  END IF;
  INSERT INTO tb_product (name, price, tags)
  VALUES (input->>'name', (input->>'price')::numeric,
          coalesce(ARRAY(SELECT jsonb_array_elements_text(input->'tags')), '{}'))
  RETURNING id INTO v_id;
  RETURN ROW('created', 'Product created', v_id::text, 'Product',
             (SELECT data FROM v_product WHERE id = v_id), ARRAY['name', 'price'], NULL, NULL)::mutation_response;
END
$$;

INSERT INTO tb_product (id, name, price, in_stock, tags, created_at) VALUES
  ('00000000-0000-4000-8000-000000000001', 'Teapot',      24.50, true,  '{kitchen,tea}', '2025-03-01 09:00:00+00'),
  ('00000000-0000-4000-8000-000000000002', 'Mug',          8.00, true,  '{kitchen}',     '2025-03-02 10:00:00+00'),
  ('00000000-0000-4000-8000-000000000003', 'Kettle',     100.00, false, '{kitchen,tea}', '2025-03-03 11:00:00+00'),
  ('00000000-0000-4000-8000-000000000004', 'Tea sampler', 15.75, true,  '{tea}',         '2025-03-04 12:00:00+00');
