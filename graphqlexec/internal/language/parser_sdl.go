package language

// The type-system productions (SDL). They run once per declaration load,
// not per request, so they allocate plainly.

func (p *parser) peekDescription() bool {
	return p.tok.kind == tokString || p.tok.kind == tokBlockString
}

func (p *parser) parseDescription() *StringValue {
	if p.peekDescription() {
		return p.parseStringLiteral()
	}
	return nil
}

// parseExtension parses "extend <kind> ...": the keyword after extend
// picks the production, which then refuses an extension that adds nothing.
func (p *parser) parseExtension() Definition {
	kw := p.lookahead()
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
		}
	}
	p.unexpected(kw)
	return nil
}

// header parses what every definition and extension starts with: the
// description (definitions only), "extend" (extensions only) and the
// keyword. It returns the start offset and whether this is an extension.
func (p *parser) header(keyword string) (start int, extend bool, desc *StringValue) {
	start = p.tok.Start
	if p.expectOptionalKeyword("extend") {
		extend = true
	} else {
		desc = p.parseDescription()
	}
	p.expectKeyword(keyword)
	return start, extend, desc
}

func (p *parser) parseSchemaDefinition() *SchemaDefinition {
	start, extend, desc := p.header("schema")
	s := &SchemaDefinition{Pos: start, Extend: extend, Description: desc}
	s.Directives = p.parseDirectives(true)
	if extend && !p.peek(tokBraceL) {
		if s.Directives == nil {
			p.unexpected(p.tok)
		}
		return s
	}
	p.expect(tokBraceL)
	for {
		o := OperationTypeDefinition{Pos: p.tok.Start}
		o.Operation = p.parseOperationType()
		p.expect(tokColon)
		o.Type = *p.parseNamedType()
		s.OperationTypes = append(s.OperationTypes, o)
		if p.expectOptional(tokBraceR) {
			break
		}
	}
	return s
}

func (p *parser) parseScalarTypeDefinition() *ScalarTypeDefinition {
	start, extend, desc := p.header("scalar")
	s := &ScalarTypeDefinition{Pos: start, Extend: extend, Description: desc}
	s.Name = p.parseName()
	s.Directives = p.parseDirectives(true)
	if extend && s.Directives == nil {
		p.unexpected(p.tok)
	}
	return s
}

// openBraces consumes the "{" of an optional field or value list and
// reports whether items follow: with AllowEmptyBraces, "{}" is consumed
// whole and reports none.
func (p *parser) openBraces() bool {
	if !p.expectOptional(tokBraceL) {
		return false
	}
	return !(p.allowEmpty && p.expectOptional(tokBraceR))
}

// parseObjectLike parses an object type or an interface (same shape).
func (p *parser) parseObjectLike(keyword string) Definition {
	start, extend, desc := p.header(keyword)
	name := p.parseName()
	var interfaces []NamedType
	if p.expectOptionalKeyword("implements") {
		p.expectOptional(tokAmp)
		for {
			interfaces = append(interfaces, *p.parseNamedType())
			if !p.expectOptional(tokAmp) {
				break
			}
		}
	}
	directives := p.parseDirectives(true)
	var fields []FieldDefinition
	if p.openBraces() {
		for {
			fields = append(fields, p.parseFieldDefinition())
			if p.expectOptional(tokBraceR) {
				break
			}
		}
	}
	if extend && interfaces == nil && directives == nil && fields == nil {
		p.unexpected(p.tok)
	}
	if keyword == "interface" {
		return &InterfaceTypeDefinition{Pos: start, Extend: extend, Description: desc, Name: name,
			Interfaces: interfaces, Directives: directives, Fields: fields}
	}
	return &ObjectTypeDefinition{Pos: start, Extend: extend, Description: desc, Name: name,
		Interfaces: interfaces, Directives: directives, Fields: fields}
}

func (p *parser) parseFieldDefinition() FieldDefinition {
	f := FieldDefinition{Pos: p.tok.Start}
	f.Description = p.parseDescription()
	f.Name = p.parseName()
	f.Arguments = p.parseArgumentDefs()
	p.expect(tokColon)
	f.Type = p.parseTypeReference()
	f.Directives = p.parseDirectives(true)
	return f
}

func (p *parser) parseArgumentDefs() []InputValueDefinition {
	var out []InputValueDefinition
	if p.expectOptional(tokParenL) {
		for {
			out = append(out, p.parseInputValueDef())
			if p.expectOptional(tokParenR) {
				break
			}
		}
	}
	return out
}

func (p *parser) parseInputValueDef() InputValueDefinition {
	v := InputValueDefinition{Pos: p.tok.Start}
	v.Description = p.parseDescription()
	v.Name = p.parseName()
	p.expect(tokColon)
	v.Type = p.parseTypeReference()
	if p.expectOptional(tokEquals) {
		v.DefaultValue = p.parseValue(true)
	}
	v.Directives = p.parseDirectives(true)
	return v
}

func (p *parser) parseUnionTypeDefinition() *UnionTypeDefinition {
	start, extend, desc := p.header("union")
	u := &UnionTypeDefinition{Pos: start, Extend: extend, Description: desc}
	u.Name = p.parseName()
	u.Directives = p.parseDirectives(true)
	if p.expectOptional(tokEquals) {
		p.expectOptional(tokPipe)
		for {
			u.Types = append(u.Types, *p.parseNamedType())
			if !p.expectOptional(tokPipe) {
				break
			}
		}
	}
	if extend && u.Directives == nil && u.Types == nil {
		p.unexpected(p.tok)
	}
	return u
}

func (p *parser) parseEnumTypeDefinition() *EnumTypeDefinition {
	start, extend, desc := p.header("enum")
	e := &EnumTypeDefinition{Pos: start, Extend: extend, Description: desc}
	e.Name = p.parseName()
	e.Directives = p.parseDirectives(true)
	if p.openBraces() {
		for {
			v := EnumValueDefinition{Pos: p.tok.Start}
			v.Description = p.parseDescription()
			if p.tok.kind >= tokName && (p.tok.Value == "true" || p.tok.Value == "false" || p.tok.Value == "null") {
				p.fail(p.tok.Start, "%s is reserved and cannot be used for an enum value.", p.tok.describe())
			}
			v.Name = p.parseName()
			v.Directives = p.parseDirectives(true)
			e.Values = append(e.Values, v)
			if p.expectOptional(tokBraceR) {
				break
			}
		}
	}
	if extend && e.Directives == nil && e.Values == nil {
		p.unexpected(p.tok)
	}
	return e
}

func (p *parser) parseInputObjectTypeDefinition() *InputObjectTypeDefinition {
	start, extend, desc := p.header("input")
	in := &InputObjectTypeDefinition{Pos: start, Extend: extend, Description: desc}
	in.Name = p.parseName()
	in.Directives = p.parseDirectives(true)
	if p.openBraces() {
		for {
			in.Fields = append(in.Fields, p.parseInputValueDef())
			if p.expectOptional(tokBraceR) {
				break
			}
		}
	}
	if extend && in.Directives == nil && in.Fields == nil {
		p.unexpected(p.tok)
	}
	return in
}

// directiveLocations are the spec's DirectiveLocation names.
var directiveLocations = map[string]bool{
	"QUERY": true, "MUTATION": true, "SUBSCRIPTION": true, "FIELD": true,
	"FRAGMENT_DEFINITION": true, "FRAGMENT_SPREAD": true, "INLINE_FRAGMENT": true,
	"VARIABLE_DEFINITION": true, "SCHEMA": true, "SCALAR": true, "OBJECT": true,
	"FIELD_DEFINITION": true, "ARGUMENT_DEFINITION": true, "INTERFACE": true,
	"UNION": true, "ENUM": true, "ENUM_VALUE": true, "INPUT_OBJECT": true,
	"INPUT_FIELD_DEFINITION": true,
}

func (p *parser) parseDirectiveDefinition() *DirectiveDefinition {
	d := &DirectiveDefinition{Pos: p.tok.Start}
	d.Description = p.parseDescription()
	p.expectKeyword("directive")
	p.expect(tokAt)
	d.Name = p.parseName()
	d.Arguments = p.parseArgumentDefs()
	d.Repeatable = p.expectOptionalKeyword("repeatable")
	p.expectKeyword("on")
	p.expectOptional(tokPipe)
	for {
		t := p.tok
		name := p.parseName()
		if !directiveLocations[name.Value] {
			p.unexpected(t)
		}
		d.Locations = append(d.Locations, name)
		if !p.expectOptional(tokPipe) {
			break
		}
	}
	return d
}
