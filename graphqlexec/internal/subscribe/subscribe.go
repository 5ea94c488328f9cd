// Package subscribe turns a prepared subscription (its @subscribe binding,
// its coerced arguments, the subscriber's context) into what the event hub
// needs: the entity and operations it follows, the pre-filter of events
// (id and scope values as PostgreSQL prints them), and the group key of
// subscribers whose reads are the same for every event.
//
// What it must never do: make a key that two subscribers share when their
// reads could differ (the key covers the document, the operation, the
// coerced variables, every context value and every session variable), or
// let the pre-filter decide who may see a row (the read, under the
// subscriber's context, decides; the filter only skips reads).
package subscribe

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/plan"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// Spec is a subscriber's part of the event routing.
type Spec struct {
	Entity string
	Ops    []string
	// ID keeps only events of this id ("" : any), as PostgreSQL prints the
	// id column.
	ID string
	// Scope keeps only events whose scope values (the trigger's) equal
	// these, by column name: the binding's scope columns with the
	// subscriber's context values, and the arguments' columns with their
	// values.
	Scope map[string]string
	// Key groups subscribers that read the same thing (see the package
	// comment); a hex SHA-256.
	Key string
}

// Input is what New reads.
type Input struct {
	Schema *schema.Schema
	Field  *schema.Field
	// Equalities are the field's argument equalities, coerced.
	Equalities []plan.Equality
	// Contexts are the subscriber's context values by name.
	Contexts map[string]string
	// Settings are the subscriber's session variables, in order.
	Settings [][2]string
	// Query, OperationName and Variables identify the selection.
	Query, OperationName string
	Variables            map[string]pyjson.Value
}

// New computes the Spec.
func New(in *Input) *Spec {
	b := in.Field.Subscribe
	sp := &Spec{Entity: b.Entity, Ops: b.Operations, Scope: map[string]string{}}
	for _, sc := range in.Field.Read.Scopes {
		if v, ok := in.Contexts[sc.Context]; ok {
			sp.Scope[sc.Column] = normal(v, in.Schema.Context(sc.Context).PgType == "uuid")
		}
	}
	for _, eq := range in.Equalities {
		text, ok := scalarText(&eq.Value)
		if !ok {
			continue // null or a composite: the read decides
		}
		uuid := false
		for _, a := range in.Field.Args {
			if a.Column == eq.Column && a.Type.NamedType() == "UUID" {
				uuid = true
			}
		}
		text = normal(text, uuid)
		if eq.Column == b.IDColumn {
			if sp.ID != "" && sp.ID != text {
				// Two arguments on the id column with different values:
				// no event can match; keep one, the read finds nothing.
				continue
			}
			sp.ID = text
			continue
		}
		if prev, ok := sp.Scope[eq.Column]; ok && prev != text {
			continue
		}
		sp.Scope[eq.Column] = text
	}
	sp.Key = key(in)
	return sp
}

// EventEquality is the condition a read for event id adds: the id column
// equals the id (bound as text, cast by PostgreSQL like any argument).
func EventEquality(f *schema.Field, id string) plan.Equality {
	return plan.Equality{Column: f.Subscribe.IDColumn, Value: pyjson.Value{Kind: pyjson.String, Str: id}}
}

// normal is the text PostgreSQL prints for a value of the column: UUIDs in
// lower case; everything else as given.
func normal(s string, uuid bool) string {
	if uuid {
		return strings.ToLower(s)
	}
	return s
}

func scalarText(v *pyjson.Value) (string, bool) {
	switch v.Kind {
	case pyjson.String, pyjson.Int, pyjson.Float, pyjson.Bool:
		return plan.ParamText(v), true
	}
	return "", false
}

// key hashes every input of the read, each part length-prefixed so no two
// different inputs can be spelled the same.
func key(in *Input) string {
	h := sha256.New()
	part := func(s string) {
		var n [8]byte
		l := len(s)
		for i := range n {
			n[i] = byte(l >> (8 * i))
		}
		h.Write(n[:])
		h.Write([]byte(s))
	}
	part(in.Query)
	part(in.OperationName)
	names := make([]string, 0, len(in.Variables))
	for k := range in.Variables {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		v := in.Variables[k]
		b, err := pyjson.AppendCompact(nil, &v)
		if err != nil {
			// Not representable: make the key unique to this subscriber
			// rather than risk sharing it.
			b = strconv.AppendUint([]byte("\x00unique "), unique.Add(1), 10)
		}
		part(k)
		part(string(b))
	}
	part("\x00contexts")
	cnames := make([]string, 0, len(in.Contexts))
	for k := range in.Contexts {
		cnames = append(cnames, k)
	}
	slices.Sort(cnames)
	for _, k := range cnames {
		part(k)
		part(in.Contexts[k])
	}
	part("\x00settings")
	for _, s := range in.Settings {
		part(s[0])
		part(s[1])
	}
	return hex.EncodeToString(h.Sum(nil))
}

var unique atomic.Uint64
