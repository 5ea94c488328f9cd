package fastapi

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestMemoryAPQStoreBounds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewMemoryAPQStore(3, 1000)
	for i := range 4 {
		s.Put(ctx, fmt.Sprint(i), "q")
	}
	if _, ok, _ := s.Get(ctx, "0"); ok {
		t.Error("least recently used entry kept past the entry bound")
	}
	s.Get(ctx, "1") // 1 is now the most recent; 2 is the oldest
	s.Put(ctx, "4", "q")
	if _, ok, _ := s.Get(ctx, "2"); ok {
		t.Error("entry 2 should have been evicted, not the recently read 1")
	}
	if q, ok, _ := s.Get(ctx, "1"); !ok || q != "q" {
		t.Error("recently read entry evicted")
	}
	if s.Len() != 3 {
		t.Errorf("Len = %d, want 3", s.Len())
	}

	b := NewMemoryAPQStore(100, 20)
	b.Put(ctx, "a", strings.Repeat("x", 9)) // 10 bytes
	b.Put(ctx, "b", strings.Repeat("x", 9)) // 20 bytes
	b.Put(ctx, "c", strings.Repeat("x", 9)) // 30 > 20: a goes
	if _, ok, _ := b.Get(ctx, "a"); ok || b.Len() != 2 {
		t.Errorf("byte bound not applied: len %d", b.Len())
	}
	b.Put(ctx, "huge", strings.Repeat("x", 100))
	if _, ok, _ := b.Get(ctx, "huge"); ok || b.Len() != 2 {
		t.Error("an entry larger than the byte bound must not be kept, nor evict others")
	}
	b.Put(ctx, "b", "y") // replacing frees the old size
	if q, _, _ := b.Get(ctx, "b"); q != "y" || b.bytes != 12 {
		t.Errorf("replace: %q, %d bytes", q, b.bytes)
	}
}
