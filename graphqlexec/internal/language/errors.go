package language

// SyntaxError is a document that does not parse. Error() is the message
// graphql-core 3.2 reports ("Syntax Error: " + Description); Line and
// Column are its location (see Position), Offset the byte offset.
type SyntaxError struct {
	Description  string
	Offset       int
	Line, Column int
}

func (e *SyntaxError) Error() string { return "Syntax Error: " + e.Description }

func newSyntaxError(src string, off int, description string) *SyntaxError {
	line, col := Position(src, off)
	return &SyntaxError{Description: description, Offset: off, Line: line, Column: col}
}
