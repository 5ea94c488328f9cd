package language

// slab hands out nodes of one type from blocks, so that a document's nodes
// cost one allocation per block rather than one each. Blocks grow from 4 to
// 256 nodes, so the waste stays below half of what is used.
type slab[T any] struct {
	free []T
	n    int
}

func (s *slab[T]) alloc() *T {
	if len(s.free) == 0 {
		switch {
		case s.n < 4:
			s.n = 4
		case s.n < 256:
			s.n *= 2
		}
		s.free = make([]T, s.n)
	}
	x := &s.free[0]
	s.free = s.free[1:]
	return x
}

// lists builds the lists of one element type with a scratch stack: a
// production pushes its items (nested productions push and pop above
// them), then take copies them into a shared backing array. Returned
// slices have len == cap, so appending to one copies it.
type lists[T any] struct {
	stack []T
	free  []T
	n     int
}

func (l *lists[T]) mark() int { return len(l.stack) }

func (l *lists[T]) push(v T) { l.stack = append(l.stack, v) }

func (l *lists[T]) take(mark int) []T {
	n := len(l.stack) - mark
	if n == 0 {
		return nil
	}
	if len(l.free) < n {
		switch {
		case l.n < 8:
			l.n = 8
		case l.n < 1024:
			l.n *= 2
		}
		l.free = make([]T, max(n, l.n))
	}
	out := l.free[:n:n]
	l.free = l.free[n:]
	copy(out, l.stack[mark:])
	clear(l.stack[mark:])
	l.stack = l.stack[:mark]
	return out
}
