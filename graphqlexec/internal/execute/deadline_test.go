package execute

import (
	"context"
	"testing"
	"time"
)

func TestDeadlinesShared(t *testing.T) {
	t.Parallel()
	d := newDeadlines(64 * time.Second) // a one-second grain
	start := time.Now().Truncate(time.Second).Add(100 * time.Millisecond)
	a, cancelA := d.context(context.Background(), start)
	b, cancelB := d.context(context.Background(), start.Add(500*time.Millisecond))
	if a != b || cancelA != nil || cancelB != nil {
		t.Fatal("requests in one grain do not share their context")
	}
	c, _ := d.context(context.Background(), start.Add(time.Second))
	if c == a {
		t.Fatal("the next grain shares the previous context")
	}
	own, cancel := d.context(context.WithoutCancel(context.Background()), start)
	if own == a || cancel == nil {
		t.Fatal("a context other than Background shared a deadline")
	}
	cancel()
}
