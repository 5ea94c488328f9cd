package language

import (
	"fmt"
	"sync"
)

// DefaultMaxDepth is the nesting Parse allows when Options.MaxDepth is
// zero: selection sets, list and object literals and list types counted
// together along one path. Real documents nest a few dozen levels at most
// (GraphiQL's introspection query: 14); 256 keeps the recursion's stack
// small whatever the input.
const DefaultMaxDepth = 256

// Options are the parser's safety limits.
type Options struct {
	// MaxDepth bounds nesting (see DefaultMaxDepth, used when zero). A
	// deeper document is refused with "Syntax Error: Document nesting
	// exceeds N levels." at the bracket that opens level N+1.
	MaxDepth int
	// MaxTokens bounds the tokens, as graphql-core's max_tokens: the
	// first token past the limit is refused with "Syntax Error: Document
	// contains more than N tokens. Parsing aborted.". Zero: no limit.
	MaxTokens int
	// AllowEmptyBraces accepts "{}" as an empty field or value list in
	// type-system definitions (type, interface, input, enum), as
	// graphql-go's parser did and the declarations written for it use
	// ("type X @error {}"). graphql-core refuses it ("Expected Name, found
	// '}'."), so it is off for documents from clients.
	AllowEmptyBraces bool
}

// Parse parses an executable or type-system document (graphql-core's
// parse). The returned document refers to src; errors are *SyntaxError.
func Parse(src string, opts Options) (doc *Document, err error) {
	p := newParser(src, opts)
	defer p.recover(&err)
	p.advance()
	m := p.defs.mark()
	for {
		p.defs.push(p.parseDefinition())
		if p.expectOptional(tokEOF) {
			break
		}
	}
	return &Document{Source: src, Definitions: p.defs.take(m)}, nil
}

// ParseValue parses a single value literal, variables allowed
// (graphql-core's parse_value).
func ParseValue(src string, opts Options) (v Value, err error) {
	p := newParser(src, opts)
	defer p.recover(&err)
	p.advance()
	x := p.parseValue(false)
	p.expect(tokEOF)
	return x, nil
}

// ParseConstValue parses a single value literal without variables
// (graphql-core's parse_const_value).
func ParseConstValue(src string, opts Options) (v Value, err error) {
	p := newParser(src, opts)
	defer p.recover(&err)
	p.advance()
	x := p.parseValue(true)
	p.expect(tokEOF)
	return x, nil
}

// ParseType parses a type reference such as "[Int!]!" (graphql-core's
// parse_type).
func ParseType(src string, opts Options) (t Type, err error) {
	p := newParser(src, opts)
	defer p.recover(&err)
	p.advance()
	x := p.parseTypeReference()
	p.expect(tokEOF)
	return x, nil
}

type parser struct {
	lx         lexer
	tok        token
	depth      int
	maxDepth   int
	tokens     int
	maxTokens  int
	allowEmpty bool

	defs       lists[Definition]
	selections lists[Selection]
	values     lists[Value]
	args       lists[Argument]
	directives lists[Directive]
	varDefs    lists[VariableDefinition]
	fields     lists[ObjectField]

	operations slab[OperationDefinition]
	fragments  slab[FragmentDefinition]
	selSets    slab[SelectionSet]
	fieldNodes slab[Field]
	spreads    slab[FragmentSpread]
	inlines    slab[InlineFragment]
	variables  slab[Variable]
	ints       slab[IntValue]
	floats     slab[FloatValue]
	strs       slab[StringValue]
	bools      slab[BooleanValue]
	nulls      slab[NullValue]
	enums      slab[EnumValue]
	listVals   slab[ListValue]
	objVals    slab[ObjectValue]
	named      slab[NamedType]
	listTypes  slab[ListType]
	nonNulls   slab[NonNullType]
}

// parsers keeps parsers between calls for their scratch stacks (the
// nodes and lists they hand out are never reused).
var parsers = sync.Pool{New: func() any { return new(parser) }}

func newParser(src string, opts Options) *parser {
	p := parsers.Get().(*parser)
	p.lx = lexer{src: src}
	p.tok = token{}
	p.depth, p.tokens = 0, 0
	p.maxDepth, p.maxTokens, p.allowEmpty = opts.MaxDepth, opts.MaxTokens, opts.AllowEmptyBraces
	if p.maxDepth <= 0 {
		p.maxDepth = DefaultMaxDepth
	}
	return p
}

const maxPooledStack = 4096

// release returns p to the pool, keeping only its (emptied) scratch stacks.
func (p *parser) release() {
	if cap(p.selections.stack) > maxPooledStack || cap(p.values.stack) > maxPooledStack || cap(p.args.stack) > maxPooledStack {
		return // a huge document's stacks are not worth keeping
	}
	*p = parser{
		defs: lists[Definition]{stack: p.defs.stack[:0]}, selections: lists[Selection]{stack: p.selections.stack[:0]},
		values: lists[Value]{stack: p.values.stack[:0]}, args: lists[Argument]{stack: p.args.stack[:0]},
		directives: lists[Directive]{stack: p.directives.stack[:0]}, varDefs: lists[VariableDefinition]{stack: p.varDefs.stack[:0]},
		fields: lists[ObjectField]{stack: p.fields.stack[:0]},
	}
	parsers.Put(p)
}

// recover turns the *SyntaxError a production panicked with into err and
// releases the parser.
func (p *parser) recover(err *error) {
	r := recover()
	if r == nil {
		p.release()
		return
	}
	if se, ok := r.(*SyntaxError); ok {
		// The stacks may still hold items of the abandoned productions.
		clear(p.defs.stack)
		clear(p.selections.stack)
		clear(p.values.stack)
		clear(p.args.stack)
		clear(p.directives.stack)
		clear(p.varDefs.stack)
		clear(p.fields.stack)
		p.release()
		*err = se
		return
	}
	panic(r)
}

func (p *parser) fail(off int, format string, args ...any) {
	panic(newSyntaxError(p.lx.src, off, fmt.Sprintf(format, args...)))
}

// advance moves to the next token, counting it against MaxTokens.
func (p *parser) advance() {
	p.tok = p.lx.next()
	if p.maxTokens > 0 && p.tok.kind != tokEOF {
		p.tokens++
		if p.tokens > p.maxTokens {
			p.fail(p.tok.Start, "Document contains more than %d tokens. Parsing aborted.", p.maxTokens)
		}
	}
}

// lookahead returns the token after the current one without moving.
func (p *parser) lookahead() token {
	pos := p.lx.pos
	t := p.lx.next()
	p.lx.pos = pos
	return t
}

func (p *parser) peek(k tokenKind) bool { return p.tok.kind == k }

func (p *parser) expect(k tokenKind) token {
	t := p.tok
	if t.kind != k {
		p.fail(t.Start, "Expected %s, found %s.", k.describe(), t.describe())
	}
	p.advance()
	return t
}

func (p *parser) expectOptional(k tokenKind) bool {
	if p.tok.kind != k {
		return false
	}
	p.advance()
	return true
}

func (p *parser) expectKeyword(v string) {
	if p.tok.kind != tokName || p.tok.Value != v {
		p.fail(p.tok.Start, "Expected '%s', found %s.", v, p.tok.describe())
	}
	p.advance()
}

func (p *parser) expectOptionalKeyword(v string) bool {
	if p.tok.kind != tokName || p.tok.Value != v {
		return false
	}
	p.advance()
	return true
}

func (p *parser) unexpected(t token) {
	p.fail(t.Start, "Unexpected %s.", t.describe())
}

func (p *parser) enter(at int) {
	p.depth++
	if p.depth > p.maxDepth {
		p.fail(at, "Document nesting exceeds %d levels.", p.maxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) parseName() Name {
	t := p.expect(tokName)
	return Name{Pos: t.Start, Value: t.Value}
}

// parseDefinition dispatches on the keyword (after a description).
func (p *parser) parseDefinition() Definition {
	if p.peek(tokBraceL) {
		return p.parseOperationDefinition()
	}
	hasDescription := p.peekDescription()
	kw := p.tok
	if hasDescription {
		kw = p.lookahead()
	}
	if kw.kind == tokName {
		switch kw.Value {
		case "schema":
			return p.parseSchemaDefinition()
		case "scalar":
			return p.parseScalarTypeDefinition()
		case "type", "interface":
			return p.parseObjectLike(kw.Value)
		case "union":
			return p.parseUnionTypeDefinition()
		case "enum":
			return p.parseEnumTypeDefinition()
		case "input":
			return p.parseInputObjectTypeDefinition()
		case "directive":
			return p.parseDirectiveDefinition()
		}
		if hasDescription {
			p.fail(p.tok.Start, "Unexpected description, descriptions are supported only on type definitions.")
		}
		switch kw.Value {
		case "query", "mutation", "subscription":
			return p.parseOperationDefinition()
		case "fragment":
			return p.parseFragmentDefinition()
		case "extend":
			return p.parseExtension()
		}
	}
	p.unexpected(kw)
	return nil
}

func (p *parser) parseOperationType() OperationType {
	t := p.expect(tokName)
	switch t.Value {
	case "query":
		return Query
	case "mutation":
		return Mutation
	case "subscription":
		return Subscription
	}
	p.unexpected(t)
	return 0
}

func (p *parser) parseOperationDefinition() *OperationDefinition {
	op := p.operations.alloc()
	op.Pos = p.tok.Start
	if p.peek(tokBraceL) {
		op.SelectionSet = p.parseSelectionSet()
		return op
	}
	op.Operation = p.parseOperationType()
	if p.peek(tokName) {
		op.Name = p.parseName()
	}
	if p.expectOptional(tokParenL) {
		m := p.varDefs.mark()
		for {
			p.varDefs.push(p.parseVariableDefinition())
			if p.expectOptional(tokParenR) {
				break
			}
		}
		op.VariableDefinitions = p.varDefs.take(m)
	}
	op.Directives = p.parseDirectives(false)
	op.SelectionSet = p.parseSelectionSet()
	return op
}

func (p *parser) parseVariableDefinition() VariableDefinition {
	d := VariableDefinition{Pos: p.tok.Start}
	d.Variable = p.parseVariable()
	p.expect(tokColon)
	d.Type = p.parseTypeReference()
	if p.expectOptional(tokEquals) {
		d.DefaultValue = p.parseValue(true)
	}
	d.Directives = p.parseDirectives(true)
	return d
}

func (p *parser) parseVariable() Variable {
	start := p.tok.Start
	p.expect(tokDollar)
	return Variable{Pos: start, Name: p.parseName()}
}

func (p *parser) parseSelectionSet() *SelectionSet {
	s := p.selSets.alloc()
	s.Pos = p.tok.Start
	p.enter(s.Pos)
	p.expect(tokBraceL)
	m := p.selections.mark()
	for {
		if p.peek(tokSpread) {
			p.selections.push(p.parseFragment())
		} else {
			p.selections.push(p.parseField())
		}
		if p.expectOptional(tokBraceR) {
			break
		}
	}
	s.Selections = p.selections.take(m)
	p.leave()
	return s
}

func (p *parser) parseField() *Field {
	f := p.fieldNodes.alloc()
	f.Pos = p.tok.Start
	name := p.parseName()
	if p.expectOptional(tokColon) {
		f.Alias = name
		f.Name = p.parseName()
	} else {
		f.Name = name
	}
	f.Arguments = p.parseArguments(false)
	f.Directives = p.parseDirectives(false)
	if p.peek(tokBraceL) {
		f.SelectionSet = p.parseSelectionSet()
	}
	return f
}

func (p *parser) parseArguments(isConst bool) []Argument {
	if !p.expectOptional(tokParenL) {
		return nil
	}
	m := p.args.mark()
	for {
		a := Argument{Pos: p.tok.Start}
		a.Name = p.parseName()
		p.expect(tokColon)
		a.Value = p.parseValue(isConst)
		p.args.push(a)
		if p.expectOptional(tokParenR) {
			break
		}
	}
	return p.args.take(m)
}

func (p *parser) parseFragment() Selection {
	start := p.tok.Start
	p.expect(tokSpread)
	hasTypeCondition := p.expectOptionalKeyword("on")
	if !hasTypeCondition && p.peek(tokName) {
		s := p.spreads.alloc()
		s.Pos = start
		s.Name = p.parseFragmentName()
		s.Directives = p.parseDirectives(false)
		return s
	}
	f := p.inlines.alloc()
	f.Pos = start
	if hasTypeCondition {
		f.TypeCondition = p.parseNamedType()
	}
	f.Directives = p.parseDirectives(false)
	f.SelectionSet = p.parseSelectionSet()
	return f
}

// parseFragmentName refuses "on" (as graphql-core, whatever the token's
// kind: a string "on" is refused as unexpected too).
func (p *parser) parseFragmentName() Name {
	if p.tok.kind >= tokName && p.tok.Value == "on" {
		p.unexpected(p.tok)
	}
	return p.parseName()
}

func (p *parser) parseFragmentDefinition() *FragmentDefinition {
	f := p.fragments.alloc()
	f.Pos = p.tok.Start
	p.expectKeyword("fragment")
	f.Name = p.parseFragmentName()
	p.expectKeyword("on")
	f.TypeCondition = *p.parseNamedType()
	f.Directives = p.parseDirectives(false)
	f.SelectionSet = p.parseSelectionSet()
	return f
}

func (p *parser) parseDirectives(isConst bool) []Directive {
	if !p.peek(tokAt) {
		return nil
	}
	m := p.directives.mark()
	for p.peek(tokAt) {
		d := Directive{Pos: p.tok.Start}
		p.advance()
		d.Name = p.parseName()
		d.Arguments = p.parseArguments(isConst)
		p.directives.push(d)
	}
	return p.directives.take(m)
}

// parseValue parses a value literal; isConst refuses variables.
func (p *parser) parseValue(isConst bool) Value {
	t := p.tok
	switch t.kind {
	case tokBracketL:
		l := p.listVals.alloc()
		l.Pos = t.Start
		p.enter(t.Start)
		p.advance()
		m := p.values.mark()
		for !p.expectOptional(tokBracketR) {
			p.values.push(p.parseValue(isConst))
		}
		l.Values = p.values.take(m)
		p.leave()
		return l
	case tokBraceL:
		o := p.objVals.alloc()
		o.Pos = t.Start
		p.enter(t.Start)
		p.advance()
		m := p.fields.mark()
		for !p.expectOptional(tokBraceR) {
			f := ObjectField{Pos: p.tok.Start}
			f.Name = p.parseName()
			p.expect(tokColon)
			f.Value = p.parseValue(isConst)
			p.fields.push(f)
		}
		o.Fields = p.fields.take(m)
		p.leave()
		return o
	case tokInt:
		p.advance()
		v := p.ints.alloc()
		*v = IntValue{Pos: t.Start, Value: t.Value}
		return v
	case tokFloat:
		p.advance()
		v := p.floats.alloc()
		*v = FloatValue{Pos: t.Start, Value: t.Value}
		return v
	case tokString, tokBlockString:
		return p.parseStringLiteral()
	case tokName:
		p.advance()
		switch t.Value {
		case "true", "false":
			v := p.bools.alloc()
			*v = BooleanValue{Pos: t.Start, Value: t.Value == "true"}
			return v
		case "null":
			v := p.nulls.alloc()
			v.Pos = t.Start
			return v
		}
		v := p.enums.alloc()
		*v = EnumValue{Pos: t.Start, Value: t.Value}
		return v
	case tokDollar:
		if isConst {
			p.advance()
			if p.tok.kind == tokName {
				p.fail(t.Start, "Unexpected variable '$%s' in constant value.", p.tok.Value)
			}
			p.unexpected(t)
		}
		v := p.variables.alloc()
		*v = p.parseVariable()
		return v
	}
	p.unexpected(t)
	return nil
}

func (p *parser) parseStringLiteral() *StringValue {
	t := p.tok
	p.advance()
	v := p.strs.alloc()
	*v = StringValue{Pos: t.Start, Value: t.Value, Block: t.kind == tokBlockString}
	return v
}

func (p *parser) parseTypeReference() Type {
	start := p.tok.Start
	var t Type
	if p.peek(tokBracketL) {
		p.enter(start)
		p.advance()
		inner := p.parseTypeReference()
		p.expect(tokBracketR)
		l := p.listTypes.alloc()
		*l = ListType{Pos: start, Type: inner}
		t = l
		p.leave()
	} else {
		t = p.parseNamedType()
	}
	if p.expectOptional(tokBang) {
		n := p.nonNulls.alloc()
		*n = NonNullType{Pos: start, Type: t}
		return n
	}
	return t
}

func (p *parser) parseNamedType() *NamedType {
	n := p.named.alloc()
	n.Pos = p.tok.Start
	n.Name = p.parseName()
	return n
}
