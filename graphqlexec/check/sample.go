package check

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
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
// It descends into embedded objects (fields of object types, lists of
// them included, up to maxSampleDepth levels): up to n objects at each
// path are compared with the embedded type's fields the same way, except
// that a key absent from every object of an embedded type that has a view
// of its own is not reported unless the field is non-null (such objects
// are often a part of the entity, v_post's author with only a user's id
// and name; the type's own view is sampled in full).
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
	sp := &sampler{ctx: ctx, s: s, db: db, view: t.View,
		limited: `(SELECT ` + quoteIdent(t.DataColumn) + ` AS d FROM ` + view + ` LIMIT $1) s`}
	var docs int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM `+sp.limited, n).Scan(&docs); err != nil {
		why, err := skip(err)
		return nil, why, err
	}
	if docs == 0 {
		return nil, fmt.Sprintf("type %q: %s returned no document to sample", t.Name, t.View), nil
	}
	if err := sp.object(t, nil, n, docs); err != nil {
		why, err := skip(err)
		return nil, why, err
	}
	return sp.out, "", nil
}

// maxSampleDepth bounds how deep Sample descends into embedded objects
// (a type embedding itself would otherwise never end).
const maxSampleDepth = 4

// sampler samples the documents of one view: the top-level objects, then
// the objects embedded in them, field by field.
type sampler struct {
	ctx     context.Context
	s       *schema.Schema
	db      Querier
	view    string // as declared, for messages
	limited string // the sampled documents, as a FROM item "s" with column d
	out     []Finding
}

// step is one embedded object field on the way from a document to the
// objects sampled: its JSON key and how many list levels wrap it.
type step struct {
	key   string
	lists int
}

// pathText is a path as the messages show it: "comments[].author".
func pathText(path []step) string {
	var b strings.Builder
	for i, st := range path {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(st.key)
		for range st.lists {
			b.WriteString("[]")
		}
	}
	return b.String()
}

// objects is the FROM item "o" (column d) of up to n objects at path in
// the sampled documents, and its parameters ($1 is n). Keys are bound
// parameters; list levels are unnested with jsonb_array_elements.
func (sp *sampler) objects(path []step, n int) (string, []any) {
	if len(path) == 0 {
		return sp.limited, []any{n}
	}
	args := []any{n}
	expr, from := "s.d", sp.limited
	for i, st := range path {
		args = append(args, st.key)
		expr = "(" + expr + " -> $" + strconv.Itoa(len(args)) + "::text)"
		for d := range st.lists {
			alias := "e" + strconv.Itoa(i) + "_" + strconv.Itoa(d)
			from += ", jsonb_array_elements(CASE WHEN jsonb_typeof(" + expr + ") = 'array' THEN " + expr + " END) AS " + alias + "(v)"
			expr = alias + ".v"
		}
	}
	return "(SELECT " + expr + " AS d FROM " + from + " WHERE jsonb_typeof(" + expr + ") = 'object' LIMIT $1) s", args
}

// object compares the objects of type t at path (docs of them, counted by
// the caller) with t's fields, then descends into the embedded objects.
func (sp *sampler) object(t *schema.Type, path []step, n, docs int) error {
	from, args := sp.objects(path, n)
	// Each sampled object's keys, the JSON type of each value and an
	// example (identifiers come from the model: plain, quoted).
	rows, err := sp.db.Query(sp.ctx, `SELECT e.key, jsonb_typeof(e.value), left(e.value::text, 40)
	    FROM `+from+`, jsonb_each(CASE WHEN jsonb_typeof(s.d) = 'object' THEN s.d END) e`, args...)
	if err != nil {
		return err
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
		return err
	}
	sampled := "documents sampled from " + sp.view
	if len(path) > 0 {
		sampled = fmt.Sprintf("objects at %q of the documents sampled from %s", pathText(path), sp.view)
	}
	report := func(f *schema.Field, format string, args ...any) {
		sp.out = append(sp.out, Finding{Loc: f.Loc, Msg: fmt.Sprintf("field %q: ", t.Name+"."+f.Name) + fmt.Sprintf(format, args...)})
	}
	for _, f := range t.Fields {
		if f.Auto {
			continue
		}
		ks := stats[f.JSONKey]
		if ks == nil {
			// An embedded object of a type with a view of its own is often
			// a part of that entity (v_post's author holds a user's id and
			// name): its absent keys are read as null, and the type's own
			// view is sampled. Only a non-null field is then a mismatch.
			if len(path) == 0 || t.View == "" {
				report(f, "key %q is in none of the %d %s (their keys: %s); name the stored key with @jsonb(key:) if it differs", f.JSONKey, docs, sampled, keyList(stats))
			} else if f.Type.NonNull {
				report(f, "declared %s, but %d of the %d %s have no value for %q", f.Type, docs, docs, sampled, f.JSONKey)
			}
			continue
		}
		if f.Type.NonNull && (ks.docs < docs || ks.nonNulls < ks.docs) {
			report(f, "declared %s, but %d of the %d %s have no value for %q", f.Type, docs-ks.nonNulls, docs, sampled, f.JSONKey)
		}
		if want := jsonTypes(sp.s, f.Type); want != nil {
			for _, jt := range sortedKeys(ks.types) {
				if jt == "null" || slices.Contains(want, jt) {
					continue
				}
				report(f, "declared %s, but the %s hold a JSON %s for %q (e.g. %s)", f.Type, sampled, jt, f.JSONKey, ks.types[jt])
				break
			}
		}
	}
	if len(path) >= maxSampleDepth {
		return nil
	}
	for _, f := range t.Fields {
		ct := sp.s.Type(f.Type.NamedType())
		ks := stats[f.JSONKey]
		if f.Auto || ct == nil || ct.Kind != schema.KindObject || ks == nil || ks.nonNulls == 0 {
			continue
		}
		lists := 0
		for r := f.Type; r.Named == ""; r = r.OfType {
			if r.List {
				lists++
			}
		}
		sub := append(slices.Clip(path), step{key: f.JSONKey, lists: lists})
		from, args := sp.objects(sub, n)
		var count int
		if err := sp.db.QueryRow(sp.ctx, `SELECT count(*) FROM `+from, args...).Scan(&count); err != nil {
			return err
		}
		if count == 0 {
			continue // no object there (nulls, or values the check above reported)
		}
		if err := sp.object(ct, sub, n, count); err != nil {
			return err
		}
	}
	return nil
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
