package validate

import (
	"fmt"

	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/lexer"
	"github.com/graphql-go/graphql/language/source"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
)

// Document limits: a deliberate difference from FraiseQL v1, which parses
// and validates a document of any size and shape (docs/compatibility.md).
//
// Why they exist: parsing and validation run in graphql-go, whose costs
// are not linear in the document. Its AST visitor copies the list of
// ancestors at every node it visits, so a walk costs O(nodes × depth), and
// validation walks the document several times (the rules' parallel walk,
// then once more per operation and fragment to collect variable usages);
// a 60 KB selection nested 3,000 levels deep took two minutes of CPU. Its
// OverlappingFieldsCanBeMerged compares every pair of fields that share a
// response name, O(fields²) per selection set (20,000 aliases of one name:
// three seconds). We do not fork graphql-go; instead every document is
// measured before it is parsed (bytes, tokens, bracket nesting) and before
// it is validated (selection depth and field count through fragments), in
// time linear in its size, and rejected with a GraphQL error when a limit
// is exceeded. Within the limits the worst case of the whole front end
// stays in the low milliseconds (see limits_test.go).
//
// The defaults are far above what FraiseQL clients send: typical queries
// nest fewer than 10 fields and select tens of fields in a few hundred
// tokens; the introspection query GraphiQL sends (graphql-js 16, the
// goldens' introspection-full) nests 13 fields deep, selects 181 fields
// once its fragments are spread, has 150 tokens and nests brackets 8 deep
// (TestLimits checks these numbers). Measured worst cases within the
// defaults: BenchmarkWorstCases.
const (
	// DefaultMaxQueryBytes bounds the query text. 64 KiB is over 60 times
	// the introspection query; it also bounds the memory the document cache
	// can hold (DocumentCacheSize × MaxQueryBytes of text, 64 MiB at the
	// defaults). Large input values belong in variables, which are not
	// counted here.
	DefaultMaxQueryBytes = 64 << 10
	// DefaultMaxQueryTokens bounds the lexical tokens (graphql-js's
	// maxTokens), counted while lexing, before any AST is built: over 60
	// times the introspection query. graphql-go validates a token in a few
	// microseconds, so this bounds a miss to tens of milliseconds.
	DefaultMaxQueryTokens = 10_000
	// DefaultMaxQueryDepth bounds the selection depth: the number of nested
	// fields on the longest path, root fields at depth 1, counted through
	// fragment spreads. 20 leaves room for introspection queries with
	// deeper ofType chains than graphql-js 16's (13).
	DefaultMaxQueryDepth = 20
	// DefaultMaxQueryFields bounds the fields one operation or fragment
	// selects, every fragment spread counted with the fields it spreads (so
	// a fragment spread twice counts twice, and a fragment "bomb" is caught
	// however small its text). It bounds graphql-go's quadratic overlap
	// check and the size of a response's projection: 1,000 is over five
	// times the introspection query.
	DefaultMaxQueryFields = 1_000
	// minNesting is the least bracket nesting allowed ({, [ and ( together;
	// see Limits.nesting).
	minNesting = 64
	// weightPerToken sets Limits.weight: tokens may sit, on average, this
	// many brackets deep at the token limit (the introspection query
	// averages 6, typical queries 3 to 5).
	weightPerToken = 8
)

// Limits are an engine's document limits, defaults applied (NewLimits).
type Limits struct {
	bytes, tokens, depth, fields int
	// nesting bounds how deeply brackets nest in the text, whatever they
	// hold (selections, arguments, list and object values): graphql-go's
	// parser recurses once per level, and value nesting is not selection
	// depth. It follows MaxQueryDepth: 2 brackets per field level (a
	// selection set and an argument list) and 24 for argument values (a
	// where filter 12 levels of {AND: [ … ]} deep), at least minNesting.
	nesting int
	// weight bounds the sum, over tokens, of the bracket depth each token
	// sits at. graphql-go's visitor copies the ancestors of every node it
	// visits, so validation costs about this sum, not the token count: 9,000
	// list items 125 brackets deep took 300 ms of CPU to validate, within
	// the token and nesting limits alone. weightPerToken × MaxQueryTokens.
	weight int
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
	l.weight = weightPerToken * l.tokens
	return l, nil
}

// SizeError is the answer to a query longer than the byte limit; it is
// checked before the document cache is consulted, so such a text is never
// hashed, lexed or cached.
func (l *Limits) SizeError() *gqlerr.Error {
	return &gqlerr.Error{Message: fmt.Sprintf("Document exceeds the maximum size of %d bytes.", l.bytes)}
}

// scan lexes body with graphql-go's own lexer (so strings, block strings
// and comments are read exactly as the parser will read them), counting
// tokens and bracket nesting, and stops at the first limit exceeded. A
// lexical error ends the scan without an error: the parser reports it in
// graphql-core's words. Its cost is linear and it builds no AST.
func (l *Limits) scan(body []byte) *gqlerr.Error {
	next := lexer.Lex(source.NewSource(&source.Source{Body: body}))
	tokens, nesting, weight := 0, 0, 0
	for {
		tok, err := next(0)
		if err != nil || tok.Kind == lexer.EOF {
			return nil
		}
		if tokens++; tokens > l.tokens {
			// graphql-js's (and graphql-core 3.3's) words for maxTokens.
			return &gqlerr.Error{
				Message:   fmt.Sprintf("Syntax Error: Document contains more than %d tokens. Parsing aborted.", l.tokens),
				Locations: []gqlerr.Location{gqlerr.LocationAt(body, tok.Start)},
			}
		}
		switch tok.Kind {
		case lexer.BRACE_L, lexer.BRACKET_L, lexer.PAREN_L:
			if nesting++; nesting > l.nesting {
				return &gqlerr.Error{
					Message:   fmt.Sprintf("Syntax Error: Document is nested more than %d levels deep. Parsing aborted.", l.nesting),
					Locations: []gqlerr.Location{gqlerr.LocationAt(body, tok.Start)},
				}
			}
		case lexer.BRACE_R, lexer.BRACKET_R, lexer.PAREN_R:
			nesting-- // unbalanced text is the parser's to report
		}
		if weight += max(nesting, 0); weight > l.weight {
			return &gqlerr.Error{
				Message:   fmt.Sprintf("Syntax Error: Document nests too many tokens too deeply (more than %d tokens at an average depth of %d). Parsing aborted.", l.tokens, weightPerToken),
				Locations: []gqlerr.Location{gqlerr.LocationAt(body, tok.Start)},
			}
		}
	}
}

// shape measures every operation and fragment definition of a parsed
// document: its selection depth and the fields it selects with fragment
// spreads expanded. Each fragment is measured once (memoized), so the cost
// is linear in the document even when spreads would expand exponentially.
// A spread of a fragment that is being measured (a cycle, which
// NoFragmentCyclesRule reports) and a spread of an unknown fragment count
// nothing. Recursion follows the AST (bracket nesting is bounded by scan)
// and fragment spreads (each fragment is entered at most once), so it is
// bounded by the document's token count.
type shape struct {
	l     *Limits
	frags map[string]*ast.FragmentDefinition
	memo  map[string]*measure
}

type measure struct {
	depth, fields int
	done          bool // false while being measured
}

// check returns the first limit error in document order, or nil.
func (l *Limits) check(doc *ast.Document, frags map[string]*ast.FragmentDefinition, body []byte) *gqlerr.Error {
	s := &shape{l: l, frags: frags, memo: make(map[string]*measure, len(frags))}
	for _, def := range doc.Definitions {
		var set *ast.SelectionSet
		switch def := def.(type) {
		case *ast.OperationDefinition:
			set = def.SelectionSet
		case *ast.FragmentDefinition:
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
				Locations: []gqlerr.Location{gqlerr.LocationAt(body, def.GetLoc().Start)},
			}
		}
	}
	return nil
}

// set measures a selection set. Field counts saturate just above the
// limit, so they never overflow however fragments multiply.
func (s *shape) set(set *ast.SelectionSet) measure {
	var m measure
	if set == nil {
		return m
	}
	for _, sel := range set.Selections {
		var sub measure
		switch sel := sel.(type) {
		case *ast.Field:
			sub = s.set(sel.SelectionSet)
			sub.depth++
			sub.fields++
		case *ast.InlineFragment:
			sub = s.set(sel.SelectionSet)
		case *ast.FragmentSpread:
			sub = s.fragment(sel)
		}
		m.depth = max(m.depth, sub.depth)
		m.fields = min(m.fields+sub.fields, s.l.fields+1)
	}
	return m
}

func (s *shape) fragment(sp *ast.FragmentSpread) measure {
	if sp.Name == nil {
		return measure{}
	}
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
func (s *shape) deepField(set *ast.SelectionSet, depth int, path map[string]bool) *ast.Field {
	if set == nil {
		return nil
	}
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *ast.Field:
			if depth+1 > s.l.depth {
				return sel
			}
			if f := s.deepField(sel.SelectionSet, depth+1, path); f != nil {
				return f
			}
		case *ast.InlineFragment:
			if f := s.deepField(sel.SelectionSet, depth, path); f != nil {
				return f
			}
		case *ast.FragmentSpread:
			if sel.Name == nil || path[sel.Name.Value] || s.fragment(sel).depth+depth <= s.l.depth {
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
func deepStart(f *ast.Field, def ast.Node) int {
	if f != nil && f.Loc != nil {
		return f.Loc.Start
	}
	return def.GetLoc().Start
}
