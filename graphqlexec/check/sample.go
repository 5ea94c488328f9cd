package check

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// Sample reads up to n documents of every @view type and compares them with
// the declared fields: a key no sampled document holds (a typo, or a key
// that needs @jsonb(key:)), a value whose JSON type the declared type cannot
// serve (an Int field holding strings), a null or missing value in a
// non-null field. The catalog check (Run) cannot see these; reads would
// answer them with nulls or field errors.
//
// It runs the views' SELECTs (LIMIT n), so it reads data: the CLI does it on
// request, the server never. A view that cannot be read this way (row level
// security without the session's settings, a view that needs context) is
// listed in skipped with PostgreSQL's reason, not as a mismatch. Types whose
// view or jsonb data column is missing are skipped silently (Run reports
// them).
func Sample(ctx context.Context, s *schema.Schema, db Querier, n int) (findings []Finding, skipped []string, err error) {
	if n <= 0 {
		return nil, nil, nil
	}
	for _, t := range s.Types {
		if t.Builtin || t.Kind != schema.KindObject || t.View == "" {
			continue
		}
		f, skip, err := sampleType(ctx, s, db, t, n)
		if err != nil {
			return nil, nil, &CatalogError{err}
		}
		findings = append(findings, f...)
		if skip != "" {
			skipped = append(skipped, skip)
		}
	}
	SortFindings(findings)
	return findings, skipped, nil
}

// keyStats is what the sample shows of one key: how many documents hold it
// and the JSON types of its values, with an example of each.
type keyStats struct {
	docs     int
	types    map[string]string // jsonb_typeof -> an example value
	nonNulls int
}

func sampleType(ctx context.Context, s *schema.Schema, db Querier, t *schema.Type, n int) ([]Finding, string, error) {
	view := qualified(t.View)
	// Only a view Run finds sound (its data column exists and is jsonb).
	var jsonb bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass($1)
	    AND attname = $2 AND NOT attisdropped AND atttypid = 'jsonb'::regtype)`, view, t.DataColumn).Scan(&jsonb); err != nil || !jsonb {
		return nil, "", err
	}
	skip := func(err error) (string, error) {
		if ctx.Err() != nil {
			return "", err
		}
		return fmt.Sprintf("type %q: the documents of %s could not be read: %s", t.Name, t.View, pgMessage(err)), nil
	}
	limited := `(SELECT ` + quoteIdent(t.DataColumn) + ` AS d FROM ` + view + ` LIMIT $1) s`
	var docs int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM `+limited, n).Scan(&docs); err != nil {
		why, err := skip(err)
		return nil, why, err
	}
	if docs == 0 {
		return nil, fmt.Sprintf("type %q: %s returned no document to sample", t.Name, t.View), nil
	}
	// Each sampled document's keys, the JSON type of each value and an
	// example (identifiers come from the model: plain, quoted).
	rows, err := db.Query(ctx, `SELECT e.key, jsonb_typeof(e.value), left(e.value::text, 40)
	    FROM `+limited+`, jsonb_each(CASE WHEN jsonb_typeof(s.d) = 'object' THEN s.d END) e`, n)
	if err != nil {
		why, err := skip(err)
		return nil, why, err
	}
	stats := map[string]*keyStats{}
	var key, typ, example string
	_, err = pgx.ForEachRow(rows, []any{&key, &typ, &example}, func() error {
		ks := stats[key]
		if ks == nil {
			ks = &keyStats{types: map[string]string{}}
			stats[key] = ks
		}
		ks.docs++
		if typ != "null" {
			ks.nonNulls++
		}
		if _, ok := ks.types[typ]; !ok {
			ks.types[typ] = example
		}
		return nil
	})
	if err != nil {
		why, err := skip(err)
		return nil, why, err
	}
	var out []Finding
	for _, f := range t.Fields {
		if f.Auto {
			continue
		}
		subject := fmt.Sprintf("field %q", t.Name+"."+f.Name)
		ks := stats[f.JSONKey]
		if ks == nil {
			out = append(out, Finding{Loc: f.Loc, Msg: fmt.Sprintf("%s: key %q is in none of the %d documents sampled from %s (their keys: %s); name the stored key with @jsonb(key:) if it differs", subject, f.JSONKey, docs, t.View, keyList(stats))})
			continue
		}
		if f.Type.NonNull && (ks.docs < docs || ks.nonNulls < ks.docs) {
			out = append(out, Finding{Loc: f.Loc, Msg: fmt.Sprintf("%s: declared %s, but %d of the %d documents sampled from %s have no value for %q", subject, f.Type, docs-ks.nonNulls, docs, t.View, f.JSONKey)})
		}
		want := jsonTypes(s, f.Type)
		if want == nil {
			continue
		}
		for _, jt := range sortedKeys(ks.types) {
			if jt == "null" || slices.Contains(want, jt) {
				continue
			}
			out = append(out, Finding{Loc: f.Loc, Msg: fmt.Sprintf("%s: declared %s, but the documents sampled from %s hold a JSON %s for %q (e.g. %s)", subject, f.Type, t.View, jt, f.JSONKey, ks.types[jt])})
			break
		}
	}
	return out, "", nil
}

// jsonTypes are the JSON types (jsonb_typeof) a declared type serves; nil
// for any (JSON, unions, unknown scalars).
func jsonTypes(s *schema.Schema, ref *schema.TypeRef) []string {
	if ref.IsList() {
		return []string{"array"}
	}
	t := s.Type(ref.NamedType())
	if t == nil {
		return nil
	}
	switch t.Kind {
	case schema.KindObject:
		return []string{"object"}
	case schema.KindEnum:
		return []string{"string"}
	case schema.KindScalar:
	default:
		return nil
	}
	switch t.Name {
	case "Int", "Float":
		return []string{"number"}
	case "Decimal":
		return []string{"number", "string"}
	case "String":
		return []string{"string", "number", "boolean"} // graphql-core's str()
	case "ID":
		return []string{"string", "number"}
	case "Boolean":
		return []string{"boolean", "number"}
	case "UUID", "DateTime", "Date", "Time":
		return []string{"string"}
	}
	return nil
}

func keyList(stats map[string]*keyStats) string {
	return strings.Join(sortedKeys(stats), ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// pgMessage is PostgreSQL's message of err when it has one.
func pgMessage(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}
