// Package language is fraiseql-http's GraphQL front end below validation:
// the lexer, the parser, the AST and the printer, for executable documents
// (operations, fragments, variables, literals) and type-system documents
// (SDL: schema, types, directives, extensions). It is written from the
// GraphQL specification (October 2021 edition) and answers like
// graphql-core 3.2.8, the library FraiseQL v1 runs: the same documents are
// accepted, the same syntax errors are reported with the same words
// ("Syntax Error: Expected Name, found <EOF>.") at the same line and column,
// and Print renders a document or a literal as graphql-core's print_ast does.
//
// What it owns: tokens (by byte offset into the source, never copied unless
// an escape sequence must be decoded), the AST (every node keeps the byte
// offset of its first token; Position maps an offset to graphql-core's line
// and column, counted in Unicode code points with Python's line breaks), the
// block-string dedent of the spec, and the canonical printer.
//
// The API: Parse (a document), ParseValue and ParseConstValue (one literal),
// ParseType (a type reference), each with Options (limits; AllowEmptyBraces
// for declarations written for graphql-go) and returning *SyntaxError;
// Print (any node, print_ast's text) and PrintValue (a literal); Position
// (byte offset to line and column); Inspect and Walk (depth first, enter
// and leave, in graphql-core's visiting order). Nodes are structs with a Pos field;
// Definition, Selection, Value and Type are the interfaces of the node
// families; type-system extensions are their definition's struct with
// Extend set.
//
// What it must never do: know a schema, validate, plan, execute, or import
// anything beyond the standard library. Validation lives above it and reads
// the AST (internal/rules; internal/document wraps the parse in the
// request limits).
//
// Security defaults: parsing is linear in the size of the document and its
// nesting. Recursion is bounded: Options.MaxDepth (DefaultMaxDepth when
// zero) limits how deeply selection sets, list and object literals and list
// types nest, so a 100,000-deep document returns a syntax error
// ("Syntax Error: Document nesting exceeds 256 levels.") instead of growing
// the stack. Options.MaxTokens limits the tokens, as graphql-core's
// max_tokens ("Syntax Error: Document contains more than N tokens. Parsing
// aborted."); zero means no limit, as in graphql-core, so callers on the
// request path set it. MaxTokens is graphql-core's own max_tokens (same
// count, same message). MaxDepth has no counterpart there: graphql-core
// 3.2.8 recurses in Python and fails with RecursionError past about 245
// nested selection sets, 244 nested object literals or 325 nested lists
// (Python's default recursion limit), so the default of 256 refuses little
// that graphql-core parses. Within the limits every answer is
// graphql-core's.
//
// Differences from graphql-core 3.2.8 that are ours on purpose: where
// graphql-core crashes with an IndexError (a backslash or a short \u escape
// at the very end of the document), this package reports the escape as
// invalid; source text that is not UTF-8 has each bad byte reported as
// "Invalid character: U+FFFD." (graphql-core only ever sees decoded text).
package language
