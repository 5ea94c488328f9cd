package schema

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem found in a declaration file. Its text is
// "file:line:column: problem", the shape editors and compilers use, so a
// user can jump to the spot.
type Error struct {
	Loc Location
	Msg string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Loc.File, e.Loc.Line, e.Loc.Column, e.Msg)
}

// ErrorList is every problem Load found, in file order. Load reports them
// together so one run shows the whole list rather than one at a time.
type ErrorList []*Error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

func (l ErrorList) sort() {
	slices.SortStableFunc(l, func(a, b *Error) int {
		if c := cmp.Compare(a.Loc.Line, b.Loc.Line); c != 0 {
			return c
		}
		return cmp.Compare(a.Loc.Column, b.Loc.Column)
	})
}
