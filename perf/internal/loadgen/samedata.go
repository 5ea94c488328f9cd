package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// checkSameData asks every target named in c.SameData (and not already
// skipped) for every variant of the workload and skips each target whose data
// differs from the first such target's: a comparison that measures different
// work is refused, not reported.
func (c *Config) checkSameData(ctx context.Context, prepared []*preparedWorkload, skip []string) {
	if len(c.SameData) < 2 {
		return
	}
	first := -1
	var want [][]byte
	for ti, t := range c.Targets {
		if skip[ti] != "" || t.Kind != KindHTTP || !slices.Contains(c.SameData, t.Name) {
			continue
		}
		got, err := c.fetchData(ctx, t, prepared[ti])
		if err != nil {
			skip[ti] = "same-data check: " + err.Error()
			c.logf("%s: %s skipped: %s", prepared[ti].w.Name, t.Name, skip[ti])
			continue
		}
		if first < 0 {
			first, want = ti, got
			continue
		}
		for v := range got {
			if !bytes.Equal(got[v], want[v]) {
				skip[ti] = fmt.Sprintf("different data from %s (variant %d): %s vs %s",
					c.Targets[first].Name, v, snippet(got[v]), snippet(want[v]))
				c.logf("%s: %s skipped: %s", prepared[ti].w.Name, t.Name, skip[ti])
				break
			}
		}
	}
}

// fetchData returns, per variant, the canonical form of the answer's data.
func (c *Config) fetchData(ctx context.Context, t Target, p *preparedWorkload) ([][]byte, error) {
	e, err := c.newExecutor(ctx, t, p)
	if err != nil {
		return nil, err
	}
	defer e.close()
	he := e.(*httpExecutor)
	out := make([][]byte, len(p.reqs))
	for v, req := range p.reqs {
		status, body, err := he.conn.do(req)
		if err != nil {
			return nil, err
		}
		if reason := p.check(status, body); reason != "" {
			return nil, fmt.Errorf("variant %d: %s", v, reason)
		}
		if out[v], err = CanonicalData(body); err != nil {
			return nil, fmt.Errorf("variant %d: %w", v, err)
		}
	}
	return out, nil
}

// CanonicalData returns the "data" member of a GraphQL response in a form
// where equal data gives equal bytes: object keys sorted, "__typename" keys
// dropped, list items sorted by their own canonical form (so the order rows
// come back in does not matter), numbers as float64.
func CanonicalData(body []byte) ([]byte, error) {
	var resp struct {
		Data any `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, fmt.Errorf("response is not JSON: %w", err)
	}
	if resp.Data == nil {
		return nil, fmt.Errorf("response has no data: %s", snippet(body))
	}
	return json.Marshal(canonical(resp.Data))
}

// sortedList marshals as a JSON array whose items are already canonical bytes.
type sortedList [][]byte

func (l sortedList) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, item := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(item)
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

func canonical(v any) any {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "__typename")
		for k, e := range x {
			x[k] = canonical(e)
		}
		return x // encoding/json sorts map keys
	case []any:
		items := make([][]byte, len(x))
		for i, e := range x {
			items[i], _ = json.Marshal(canonical(e)) // decoded JSON always re-encodes
		}
		sort.Slice(items, func(i, j int) bool { return bytes.Compare(items[i], items[j]) < 0 })
		return sortedList(items)
	default:
		return v
	}
}
