package document

import (
	"fmt"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

// Document limits: a deliberate difference from FraiseQL v1, which parses
// and validates a document of any size and shape (docs/compatibility.md).
//
// Why they exist: the front end (internal/language and internal/rules) is
// linear in the document, so the limits are no longer there for its sake;
// they bound what one request may make the server hold and do (the text
// kept in the document cache, the recursion of the parser, the fields a
// response projects and a plan walks), at values far above what FraiseQL
// clients send. Typical queries nest fewer than 10 fields and select tens of
// fields in a few hundred tokens; the introspection query GraphiQL sends
// (graphql-js 16, the goldens' introspection-full) nests 13 fields deep,
// selects 181 fields once its fragments are spread and has 150 tokens
// (TestLimits checks these numbers). Tokens and nesting are counted by the
// parser as it reads (language.Options), depth and fields on the parsed
// tree, each in time linear in the document. Measured worst cases within
// the defaults: BenchmarkWorstCases.
const (
	// DefaultMaxQueryBytes bounds the query text. 64 KiB is over 60 times
	// the introspection query; it also bounds the memory the document cache
	// can hold (DocumentCacheSize × MaxQueryBytes of text, 64 MiB at the
	// defaults). Large input values belong in variables, which are not
	// counted here.
	DefaultMaxQueryBytes = 64 << 10
	// DefaultMaxQueryTokens bounds the lexical tokens (graphql-core's and
	// graphql-js's max_tokens), counted while parsing: over 60 times the
	// introspection query.
	DefaultMaxQueryTokens = 10_000
	// DefaultMaxQueryDepth bounds the selection depth: the number of nested
	// fields on the longest path, root fields at depth 1, counted through
	// fragment spreads. 20 leaves room for introspection queries with
	// deeper ofType chains than graphql-js 16's (13).
	DefaultMaxQueryDepth = 20
	// DefaultMaxQueryFields bounds the fields one operation or fragment
	// selects, every fragment spread counted with the fields it spreads (so
	// a fragment spread twice counts twice, and a fragment "bomb" is caught
	// however small its text). It bounds the size of a response's
	// projection and of the plans built for it: 1,000 is over five times
	// the introspection query.
	DefaultMaxQueryFields = 1_000
	// minNesting is the least nesting allowed (see Limits.nesting).
	minNesting = 64
)

// Limits are an engine's document limits, defaults applied (NewLimits).
type Limits struct {
	bytes, tokens, depth, fields int
	// nesting bounds how deeply selection sets, list and object values
	// and list types nest along one path (language.Options.MaxDepth): the
	// parser, the validator and the planner recurse once per level, and
	// value nesting is not selection depth. It follows MaxQueryDepth: 2
	// levels per field level and 24 for argument values (a where filter
	// 12 levels of {AND: [ … ]} deep), at least minNesting.
	nesting int
}

// NewLimits applies the defaults to the limits a Config gives (0 means the
// default; a negative value is an error naming the Config field).
func NewLimits(maxBytes, maxTokens, maxDepth, maxFields int) (Limits, error) {
	l := Limits{bytes: maxBytes, tokens: maxTokens, depth: maxDepth, fields: maxFields}
	for _, f := range []struct {
		name string
		v    *int
		def  int
	}{
		{"MaxQueryBytes", &l.bytes, DefaultMaxQueryBytes},
		{"MaxQueryTokens", &l.tokens, DefaultMaxQueryTokens},
		{"MaxQueryDepth", &l.depth, DefaultMaxQueryDepth},
		{"MaxQueryFields", &l.fields, DefaultMaxQueryFields},
	} {
		switch {
		case *f.v < 0:
			return l, fmt.Errorf("graphqlexec: negative %s", f.name)
		case *f.v == 0:
			*f.v = f.def
		}
	}
	l.nesting = max(minNesting, 2*l.depth+24)
	return l, nil
}

// SizeError is the answer to a query longer than the byte limit; it is
// checked before the document cache is consulted, so such a text is never
// hashed, lexed or cached.
func (l *Limits) SizeError() *gqlerr.Error {
	return &gqlerr.Error{Message: fmt.Sprintf("Document exceeds the maximum size of %d bytes.", l.bytes)}
}

// shape measures every operation and fragment definition of a parsed
// document: its selection depth and the fields it selects with fragment
// spreads expanded. Each fragment is measured once (memoized), so the cost
// is linear in the document even when spreads would expand exponentially.
// A spread of a fragment that is being measured (a cycle, which
// NoFragmentCyclesRule reports) and a spread of an unknown fragment count
// nothing. Recursion follows the AST (its nesting is bounded by the parser)
// and fragment spreads (each fragment is entered at most once), so it is
// bounded by the document's token count.
type shape struct {
	l     *Limits
	frags map[string]*language.FragmentDefinition
	memo  map[string]*measure
}

type measure struct {
	depth, fields int
	done          bool // false while being measured
}

// check returns the first limit error in document order, or nil.
func (l *Limits) check(doc *language.Document, frags map[string]*language.FragmentDefinition, body []byte) *gqlerr.Error {
	s := &shape{l: l, frags: frags, memo: make(map[string]*measure, len(frags))}
	for _, def := range doc.Definitions {
		var set *language.SelectionSet
		switch def := def.(type) {
		case *language.OperationDefinition:
			set = def.SelectionSet
		case *language.FragmentDefinition:
			set = def.SelectionSet
		default:
			continue
		}
		m := s.set(set)
		if m.depth > l.depth {
			return &gqlerr.Error{
				Message:   fmt.Sprintf("Query is nested deeper than the maximum depth of %d.", l.depth),
				Locations: []gqlerr.Location{gqlerr.LocationAt(body, deepStart(s.deepField(set, 0, map[string]bool{}), def))},
			}
		}
		if m.fields > l.fields {
			return &gqlerr.Error{
				Message:   fmt.Sprintf("Query selects more than the maximum of %d fields (fragment spreads counted with their fields).", l.fields),
				Locations: []gqlerr.Location{gqlerr.LocationAt(body, def.Position())},
			}
		}
	}
	return nil
}

// set measures a selection set. Field counts saturate just above the
// limit, so they never overflow however fragments multiply.
func (s *shape) set(set *language.SelectionSet) measure {
	var m measure
	if set == nil {
		return m
	}
	for _, sel := range set.Selections {
		var sub measure
		switch sel := sel.(type) {
		case *language.Field:
			sub = s.set(sel.SelectionSet)
			sub.depth++
			sub.fields++
		case *language.InlineFragment:
			sub = s.set(sel.SelectionSet)
		case *language.FragmentSpread:
			sub = s.fragment(sel)
		}
		m.depth = max(m.depth, sub.depth)
		m.fields = min(m.fields+sub.fields, s.l.fields+1)
	}
	return m
}

func (s *shape) fragment(sp *language.FragmentSpread) measure {
	if m, ok := s.memo[sp.Name.Value]; ok {
		if !m.done {
			return measure{} // a cycle
		}
		return *m
	}
	f := s.frags[sp.Name.Value]
	if f == nil {
		return measure{}
	}
	m := &measure{}
	s.memo[sp.Name.Value] = m
	*m = s.set(f.SelectionSet)
	m.done = true
	return *m
}

// deepField finds the first field, in document order, deeper than the
// limit below set (which is at depth): the place a depth error points at.
// It enters a fragment only when its memoized depth exceeds the limit from
// there, and never one already on the path (cycles), so it is linear too.
func (s *shape) deepField(set *language.SelectionSet, depth int, path map[string]bool) *language.Field {
	if set == nil {
		return nil
	}
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *language.Field:
			if depth+1 > s.l.depth {
				return sel
			}
			if f := s.deepField(sel.SelectionSet, depth+1, path); f != nil {
				return f
			}
		case *language.InlineFragment:
			if f := s.deepField(sel.SelectionSet, depth, path); f != nil {
				return f
			}
		case *language.FragmentSpread:
			if path[sel.Name.Value] || s.fragment(sel).depth+depth <= s.l.depth {
				continue
			}
			path[sel.Name.Value] = true
			if f := s.deepField(s.frags[sel.Name.Value].SelectionSet, depth, path); f != nil {
				return f
			}
		}
	}
	return nil
}

// deepStart is where a depth error points: the offending field, or the
// definition should the search come back empty (it cannot for a document
// whose measures exceed the limit, but a location is never worth a panic).
func deepStart(f *language.Field, def language.Definition) int {
	if f != nil {
		return f.Pos
	}
	return def.Position()
}
