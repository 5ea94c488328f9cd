package compat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// RecordOptions configure Record.
type RecordOptions struct {
	// Target is the running server to record from ("http://host:port").
	Target string
	// RequestsDir holds NAME.request files, and optionally a cases.json
	// giving their order and metadata, and a profile.json.
	RequestsDir string
	// OutDir receives NAME.request, NAME.response, cases.json and profile.json.
	OutDir string
	// Environment is written to a generated profile.json when RequestsDir
	// has none ("development" when empty).
	Environment string
	// Log receives one line per exchange; may be nil.
	Log io.Writer
}

// Record sends every request of RequestsDir to Target, byte for byte and on a
// fresh connection each (the same way Exchange replays them), and writes a
// profile folder that LoadProfile and ReplayProfile accept: the request bytes,
// the raw response bytes, and a cases.json with each status line and its
// volatile parts. Existing volatile lists are kept; otherwise the date header
// and a development-mode extensions.execution.time_ms (with content-length)
// are marked, and anything else run-dependent must be added by hand.
func Record(ctx context.Context, o RecordOptions) error {
	addr, err := hostPort(o.Target)
	if err != nil {
		return err
	}
	cases, err := recordCases(o.RequestsDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	for i := range cases {
		c := &cases[i]
		req, err := os.ReadFile(filepath.Join(o.RequestsDir, c.Request))
		if err != nil {
			return fmt.Errorf("record: %w", err)
		}
		if HeaderBlockLen(req) < 0 {
			return fmt.Errorf("record: %s has no CRLF CRLF after its headers (request files must use CRLF line ends)", c.Request)
		}
		resp, err := Exchange(ctx, addr, req)
		if err != nil {
			return fmt.Errorf("record %s: %w", c.Name, err)
		}
		m := ParseMessage(resp)
		c.Status = m.StartLine
		if len(c.Volatile) == 0 {
			c.Volatile = detectVolatile(&m)
		}
		if err := os.WriteFile(filepath.Join(o.OutDir, c.Request), req, 0o644); err != nil {
			return fmt.Errorf("record: %w", err)
		}
		if err := os.WriteFile(filepath.Join(o.OutDir, c.Response), resp, 0o644); err != nil {
			return fmt.Errorf("record: %w", err)
		}
		if o.Log != nil {
			fmt.Fprintf(o.Log, "%-40s %s\n", c.Name, c.Status)
		}
	}
	out, err := json.MarshalIndent(cases, "", "  ")
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if err := os.WriteFile(filepath.Join(o.OutDir, "cases.json"), append(out, '\n'), 0o644); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	return writeProfileJSON(o)
}

// recordCases returns the cases to record: from cases.json when present
// (order and metadata kept, recorded fields reset), else one per *.request
// file in name order.
func recordCases(dir string) ([]Case, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err == nil {
		var cases []Case
		if err := json.Unmarshal(raw, &cases); err != nil {
			return nil, fmt.Errorf("record: %s: %w", filepath.Join(dir, "cases.json"), err)
		}
		for i := range cases {
			c := &cases[i]
			if c.Name == "" || c.Request == "" || filepath.Base(c.Request) != c.Request {
				return nil, fmt.Errorf("record: cases.json entry #%d needs a name and a plain request file name", i+1)
			}
			if c.Response == "" {
				c.Response = c.Name + ".response"
			}
			c.Status = ""
			if c.Volatile == nil {
				c.Volatile = []string{}
			}
		}
		return cases, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("record: %w", err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.request"))
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("record: no *.request files in %s", dir)
	}
	sort.Strings(files)
	cases := make([]Case, 0, len(files))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".request")
		cases = append(cases, Case{Name: name, Request: name + ".request", Response: name + ".response", Volatile: []string{}})
	}
	return cases, nil
}

// detectVolatile marks the run-dependent parts recording can recognise.
func detectVolatile(m *Message) []string {
	v := []string{}
	if _, ok := m.Header("date"); ok {
		v = append(v, "header: date")
	}
	if _, _, ok := findJSONPath(m.Body, []string{"extensions", "execution", "time_ms"}); ok {
		v = append(v,
			"body: extensions.execution.time_ms (execution time)",
			"header: content-length (changes with the number of digits of time_ms)")
	}
	return v
}

func writeProfileJSON(o RecordOptions) error {
	dst := filepath.Join(o.OutDir, "profile.json")
	src := filepath.Join(o.RequestsDir, "profile.json")
	if b, err := os.ReadFile(src); err == nil {
		if filepath.Clean(src) == filepath.Clean(dst) {
			return nil
		}
		return os.WriteFile(dst, b, 0o644)
	}
	env := o.Environment
	if env == "" {
		env = "development"
	}
	p := map[string]any{
		"profile":          filepath.Base(filepath.Clean(o.OutDir)),
		"recorded_from":    o.Target,
		"effective_config": map[string]any{"environment": env},
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(dst, append(b, '\n'), 0o644)
}
