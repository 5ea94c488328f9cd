// Package report writes benchmark results as JSON (the record), a Markdown
// table (for docs/performance.md) and a hand-written SVG bar chart of
// throughput and latency per target.
//
// Rendering is deterministic: the same results give the same bytes, so a
// golden file can pin the format. It must never measure anything nor
// change a result it is given.
package report

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/fraiseql/fraiseql-http/perf/internal/loadgen"
)

// Machine describes where the numbers were taken (measured, not assumed).
type Machine struct {
	CPUs       int    `json:"cpus"`
	CPUModel   string `json:"cpu_model,omitempty"`
	MemoryMB   int    `json:"memory_mb"`
	Kernel     string `json:"kernel"`
	GoVersion  string `json:"go_version"`
	PostgreSQL string `json:"postgresql,omitempty"`
	Shared     bool   `json:"shared"` // other work ran on the machine at the same time
}

// Proc is one single-process measurement.
type Proc struct {
	Target           string  `json:"target"`
	IdleRSSKB        int64   `json:"idle_rss_kb"`
	IdleAnonKB       int64   `json:"idle_rss_anon_kb,omitempty"` // of IdleRSSKB: heap, stacks (RssAnon)
	IdleFileKB       int64   `json:"idle_rss_file_kb,omitempty"` // of IdleRSSKB: mapped pages of the executable and libraries (RssFile)
	StartupMS        float64 `json:"startup_ms"`                 // median exec → first 200 from the health path
	StartupRuns      int     `json:"startup_runs"`
	LoadRSSKB        int64   `json:"load_rss_kb,omitempty"`
	LeakSmallN       int64   `json:"leak_small_n,omitempty"`
	LeakSmallRSSKB   int64   `json:"leak_small_rss_kb,omitempty"`
	LeakLargeN       int64   `json:"leak_large_n,omitempty"`
	LeakLargeRSSKB   int64   `json:"leak_large_rss_kb,omitempty"`
	ConnsAttempted   int     `json:"conns_attempted,omitempty"`
	ConnsHeld        int     `json:"conns_held,omitempty"`
	ConnsRSSKB       int64   `json:"conns_rss_kb,omitempty"`
	ConnsLimitReason string  `json:"conns_limit_reason,omitempty"`
	Error            string  `json:"error,omitempty"`
}

// Report is everything one run produced.
type Report struct {
	Title     string           `json:"title"`
	Date      string           `json:"date"`
	Command   string           `json:"command"`
	Machine   Machine          `json:"machine"`
	Targets   []TargetInfo     `json:"targets"`
	Reference string           `json:"reference,omitempty"` // target the ratios are relative to
	Notes     []string         `json:"notes,omitempty"`
	Results   []loadgen.Result `json:"results"`
	Proc      []Proc           `json:"proc,omitempty"`
}

// TargetInfo labels a target honestly (what it is, which versions).
type TargetInfo struct {
	Name  string `json:"name"`
	URL   string `json:"url"`
	Label string `json:"label,omitempty"`
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReadJSON reads a report written by WriteJSON.
func ReadJSON(rd io.Reader) (*Report, error) {
	var r Report
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, err
	}
	return &r, nil
}

type cellKey struct {
	workload string
	conns    int
}

// cells groups results by workload and connection count, in first-seen order.
func cells(rs []loadgen.Result) ([]cellKey, map[cellKey][]loadgen.Result) {
	var order []cellKey
	m := map[cellKey][]loadgen.Result{}
	for _, r := range rs {
		k := cellKey{r.Workload, r.Connections}
		if _, ok := m[k]; !ok {
			order = append(order, k)
		}
		m[k] = append(m[k], r)
	}
	return order, m
}

func fmtUS(us float64) string {
	switch {
	case us >= 10000:
		return fmt.Sprintf("%.0f ms", us/1000)
	case us >= 1000:
		return fmt.Sprintf("%.1f ms", us/1000)
	default:
		return fmt.Sprintf("%.0f µs", us)
	}
}

func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

// WriteMarkdown writes the results table, one row per target per cell, with
// throughput as a ratio of the reference target's in the same cell.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	ref := r.Reference
	withCPU := false
	for _, x := range r.Results {
		withCPU = withCPU || x.ServerCPUUS > 0 || x.PGCPUUS > 0
	}
	fmt.Fprintf(&b, "| workload | conns | target | req/s |")
	if ref != "" {
		fmt.Fprintf(&b, " vs %s |", ref)
	}
	b.WriteString(" p50 | p90 | p99 | p99.9 | max | errors |")
	if withCPU {
		b.WriteString(" server CPU/req | PostgreSQL CPU/req |")
	}
	b.WriteString("\n|---|---:|---|---:|")
	if ref != "" {
		b.WriteString("---:|")
	}
	b.WriteString("---:|---:|---:|---:|---:|---:|")
	if withCPU {
		b.WriteString("---:|---:|")
	}
	b.WriteString("\n")
	order, m := cells(r.Results)
	for _, k := range order {
		var refRPS float64
		for _, x := range m[k] {
			if x.Target == ref && !x.Skipped {
				refRPS = x.RPS
			}
		}
		for _, x := range m[k] {
			fmt.Fprintf(&b, "| %s | %d | %s | ", x.Workload, x.Connections, x.Target)
			if x.Skipped {
				fmt.Fprintf(&b, "skipped |")
				if ref != "" {
					b.WriteString(" |")
				}
				fmt.Fprintf(&b, " %s | | | | | |", mdEscape(x.SkipReason))
				if withCPU {
					b.WriteString(" | |")
				}
				b.WriteString("\n")
				continue
			}
			fmt.Fprintf(&b, "%.0f |", x.RPS)
			if ref != "" {
				if refRPS > 0 {
					fmt.Fprintf(&b, " %.0f%% |", 100*x.RPS/refRPS)
				} else {
					b.WriteString(" – |")
				}
			}
			fmt.Fprintf(&b, " %s | %s | %s | %s | %s | %d |", fmtUS(x.P50), fmtUS(x.P90), fmtUS(x.P99), fmtUS(x.P999), fmtUS(x.Max), x.Errors)
			if withCPU {
				fmt.Fprintf(&b, " %s | %s |", cpuUS(x.ServerCPUUS), cpuUS(x.PGCPUUS))
			}
			b.WriteString("\n")
		}
	}
	if len(r.Proc) > 0 {
		b.WriteString("\n| target | idle RSS | exec → first 200 (median) | RSS under load | RSS after N1 → N2 requests | keep-alive connections held |\n|---|---:|---:|---:|---:|---:|\n")
		for _, p := range r.Proc {
			if p.Error != "" {
				fmt.Fprintf(&b, "| %s | error: %s | | | | |\n", p.Target, mdEscape(p.Error))
				continue
			}
			idle := fmt.Sprintf("%.1f MB", float64(p.IdleRSSKB)/1024)
			if p.IdleAnonKB > 0 || p.IdleFileKB > 0 {
				idle += fmt.Sprintf(" (anon %.1f, file %.1f)", float64(p.IdleAnonKB)/1024, float64(p.IdleFileKB)/1024)
			}
			fmt.Fprintf(&b, "| %s | %s | %.1f ms (%d runs) | %s | %s | %s |\n", p.Target,
				idle, p.StartupMS, p.StartupRuns, mb(p.LoadRSSKB), leak(p), held(p))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cpuUS(us float64) string {
	if us <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f µs", us)
}

func mb(kb int64) string {
	if kb == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MB", float64(kb)/1024)
}

func leak(p Proc) string {
	if p.LeakSmallN == 0 || p.LeakLargeN == 0 {
		return "–"
	}
	delta := 100 * (float64(p.LeakLargeRSSKB) - float64(p.LeakSmallRSSKB)) / float64(p.LeakSmallRSSKB)
	return fmt.Sprintf("%s after %s → %s after %s (%+.1f%%)", mb(p.LeakSmallRSSKB), count(p.LeakSmallN), mb(p.LeakLargeRSSKB), count(p.LeakLargeN), delta)
}

func held(p Proc) string {
	if p.ConnsAttempted == 0 {
		return "–"
	}
	s := fmt.Sprintf("%d of %d", p.ConnsHeld, p.ConnsAttempted)
	if p.ConnsRSSKB > 0 {
		s += " (RSS " + mb(p.ConnsRSSKB) + ")"
	}
	if p.ConnsLimitReason != "" {
		s += "; " + mdEscape(p.ConnsLimitReason)
	}
	return s
}

func count(n int64) string {
	switch {
	case n >= 1000000 && n%1000000 == 0:
		return fmt.Sprintf("%dM", n/1000000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// palette gives each target a stable colour by its position.
var palette = []string{"#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d"}

// WriteSVG draws two panels of grouped bars, one group per (workload,
// connections) cell and one bar per target: requests per second on top, p50
// latency (with a tick at p99) below, on a logarithmic scale so a 20x gap
// between targets stays readable. Skipped targets leave a gap labelled "skip".
func WriteSVG(w io.Writer, r *Report) error {
	order, m := cells(r.Results)
	targets := targetOrder(r)
	const (
		barW, gap, left, top, panelH, labelH = 14, 18, 70, 40, 220, 90
	)
	groupW := len(targets)*barW + gap
	width := left + len(order)*groupW + 20
	if width < 640 {
		width = 640
	}
	height := top + 2*(panelH+labelH) + 30 + 20*((len(targets)+3)/4)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="14" font-weight="bold">%s</text>`+"\n", left, html.EscapeString(r.Title))

	panel := func(y0 int, title string, value func(loadgen.Result) float64, tick func(loadgen.Result) float64, unit func(float64) string) {
		maxV, minV := 0.0, math.Inf(1)
		for _, x := range r.Results {
			if x.Skipped {
				continue
			}
			for _, v := range []float64{value(x), tick(x)} {
				if v > maxV {
					maxV = v
				}
				if v > 0 && v < minV {
					minV = v
				}
			}
		}
		if maxV <= 0 {
			maxV, minV = 1, 1
		}
		lo := math.Pow(10, math.Floor(math.Log10(minV)))
		hi := math.Pow(10, math.Ceil(math.Log10(maxV)))
		if hi <= lo {
			hi = lo * 10
		}
		scale := func(v float64) float64 {
			if v <= lo {
				return 0
			}
			return float64(panelH) * math.Log10(v/lo) / math.Log10(hi/lo)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", left, y0-8, html.EscapeString(title))
		for d := lo; d <= hi*1.0001; d *= 10 {
			y := float64(y0+panelH) - scale(d)
			fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, width-20, y, y)
			fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", left-4, y+4, unit(d))
		}
		for gi, k := range order {
			x0 := left + gi*groupW + gap/2
			for ti, name := range targets {
				x := x0 + ti*barW
				res, found := find(m[k], name)
				if !found {
					continue
				}
				if res.Skipped {
					fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="8" transform="rotate(-90 %d %d)">skip</text>`+"\n", x+10, y0+panelH-2, x+10, y0+panelH-2)
					continue
				}
				h := scale(value(res))
				fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s"><title>%s %s c=%d: %s</title></rect>`+"\n",
					x, float64(y0+panelH)-h, barW-2, h, palette[ti%len(palette)], html.EscapeString(name), html.EscapeString(k.workload), k.conns, unit(value(res)))
				if t := tick(res); t > 0 && t != value(res) {
					ty := float64(y0+panelH) - scale(t)
					fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="black" stroke-width="2"/>`+"\n", x, x+barW-2, ty, ty)
				}
			}
			lx, ly := x0+len(targets)*barW/2, y0+panelH+8
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" transform="rotate(-45 %d %d)">%s c=%d</text>`+"\n", lx, ly, lx, ly, html.EscapeString(k.workload), k.conns)
		}
	}
	rps := func(x loadgen.Result) float64 { return x.RPS }
	none := func(loadgen.Result) float64 { return 0 }
	panel(top+10, "throughput (requests/s, log scale)", rps, none, func(v float64) string { return fmt.Sprintf("%.0f", v) })
	panel(top+10+panelH+labelH+20, "latency p50 bar, p99 tick (log scale)",
		func(x loadgen.Result) float64 { return x.P50 }, func(x loadgen.Result) float64 { return x.P99 }, fmtUS)

	ly := height - 10 - 20*((len(targets)+3)/4) + 10
	for ti, name := range targets {
		x := left + (ti%4)*180
		y := ly + (ti/4)*20
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", x, y-10, palette[ti%len(palette)], x+16, y, html.EscapeString(name))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func find(rs []loadgen.Result, target string) (loadgen.Result, bool) {
	for _, x := range rs {
		if x.Target == target {
			return x, true
		}
	}
	return loadgen.Result{}, false
}

// targetOrder lists targets as declared, then any only seen in results.
func targetOrder(r *Report) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range r.Targets {
		if !seen[t.Name] {
			seen[t.Name] = true
			out = append(out, t.Name)
		}
	}
	var extra []string
	for _, x := range r.Results {
		if !seen[x.Target] {
			seen[x.Target] = true
			extra = append(extra, x.Target)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}
