// Package workload reads benchmark workload files: named HTTP requests with the
// status and body shape that count as success, and, for the baselines that
// speak SQL instead of GraphQL, the statement each request stands for.
//
// A file is JSON:
//
//	{"workloads": [{
//	  "name": "users-20x3",
//	  "method": "POST", "path": "/graphql",
//	  "headers": {"Content-Type": "application/json"},
//	  "body": {"query": "{ users(limit: 20) { id email firstName } }"},
//	  "expect_status": 200,
//	  "sql": "SELECT \"data\"::text FROM \"v_user\" WHERE \"tenant_id\" = $1 LIMIT 20",
//	  "sql_args": ["aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"],
//	  "root": "users", "list": true
//	}]}
//
// A body given as a JSON object is sent as its compact encoding with its keys
// in file order; a body given as a JSON string is sent verbatim. "variants"
// lists further bodies (each with its own sql_args) that connections cycle
// through; "setup" lists requests sent once per target before measuring (an
// APQ registration, for instance).
//
// "dialects" gives the same request in another server's own query language,
// keyed by dialect name: a target run with that dialect (fraiseql-bench run
// --dialect TARGET=DIALECT) sends these bodies instead, variant for variant
// (a dialect lists exactly as many variants as the workload, so variant i asks
// every target for the same data). A workload without an entry for a target's
// dialect is skipped for that target.
//
//	"dialects": {"postgraphile": {
//	  "body": {"query": "{ users: tbUsersList(first: 20) { id email firstName } }"},
//	  "variants": [...]
//	}}
//
// Parsing never touches the network. Header names and values, methods and
// paths are checked for CR, LF and other bytes that would let a workload file
// smuggle a second request into the pre-built request bytes.
package workload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Limits keep a malformed or hostile file from exhausting memory.
const (
	MaxBodyBytes = 1 << 20
	MaxVariants  = 256
	MaxWorkloads = 256
	MaxHeaders   = 64
)

// Request is one HTTP request of a workload.
type Request struct {
	Method  string
	Path    string
	Headers [][2]string // sorted by name, so the request bytes are deterministic
	Body    []byte
	SQLArgs []string // arguments of the workload's SQL for this body
}

// Workload is one named benchmark request (with optional variants).
type Workload struct {
	Name        string
	Description string
	// Requests holds the main request first, then its variants; connection i
	// starts at Requests[i%len] and cycles.
	Requests []Request
	Setup    []Request
	// Dialects holds, per dialect name, the same requests (main first, then
	// one per variant) in another server's query language.
	Dialects map[string][]Request

	ExpectStatus int
	// ExpectPrefix must start every successful body (empty: not checked).
	ExpectPrefix []byte
	// Reject must not occur in a successful body (empty: not checked).
	Reject []byte

	// SQL is the statement the request stands for (empty: the SQL baselines
	// cannot serve this workload). Root names the envelope key, List says
	// whether rows become a JSON array or the first row alone.
	SQL  string
	Root string
	List bool
	// Mutates marks workloads that write: run them only on a disposable database.
	Mutates bool
}

type fileJSON struct {
	Workloads []workloadJSON `json:"workloads"`
}

type requestJSON struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
	SQLArgs []string          `json:"sql_args"`
}

type dialectJSON struct {
	requestJSON
	Variants []requestJSON `json:"variants"`
}

type workloadJSON struct {
	requestJSON
	Dialects     map[string]dialectJSON `json:"dialects"`
	Name         string                 `json:"name"`
	Description  string                 `json:"description"`
	Variants     []requestJSON          `json:"variants"`
	Setup        []requestJSON          `json:"setup"`
	ExpectStatus int                    `json:"expect_status"`
	ExpectPrefix *string                `json:"expect_prefix"`
	Reject       *string                `json:"reject"`
	SQL          string                 `json:"sql"`
	Root         string                 `json:"root"`
	List         bool                   `json:"list"`
	Mutates      bool                   `json:"mutates"`
}

// Defaults for a GraphQL-over-HTTP success: a body that starts with data and
// holds no GraphQL error object. The error key can only appear unescaped as a
// real JSON key, so a string value mentioning "errors" does not trip it.
const (
	DefaultExpectPrefix = `{"data":`
	DefaultReject       = `"errors":[{"message"`
)

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)
var methodRE = regexp.MustCompile(`^[A-Z]{1,16}$`)
var headerNameRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$")

// LoadFile reads and parses a workload file.
func LoadFile(path string) ([]Workload, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ws, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ws, nil
}

// Parse parses a workload file's bytes.
func Parse(data []byte) ([]Workload, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f fileJSON
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("workload file: %w", err)
	}
	if dec.More() {
		return nil, errors.New("workload file: trailing data after the top-level object")
	}
	if len(f.Workloads) == 0 {
		return nil, errors.New("workload file: no workloads")
	}
	if len(f.Workloads) > MaxWorkloads {
		return nil, fmt.Errorf("workload file: %d workloads, at most %d", len(f.Workloads), MaxWorkloads)
	}
	seen := map[string]bool{}
	out := make([]Workload, 0, len(f.Workloads))
	for i, wj := range f.Workloads {
		w, err := convert(wj)
		if err != nil {
			return nil, fmt.Errorf("workload %d (%q): %w", i, wj.Name, err)
		}
		if seen[w.Name] {
			return nil, fmt.Errorf("workload %d: duplicate name %q", i, w.Name)
		}
		seen[w.Name] = true
		out = append(out, w)
	}
	return out, nil
}

func convert(wj workloadJSON) (Workload, error) {
	if !nameRE.MatchString(wj.Name) {
		return Workload{}, errors.New("name must match " + nameRE.String())
	}
	w := Workload{
		Name: wj.Name, Description: wj.Description,
		ExpectStatus: wj.ExpectStatus,
		SQL:          wj.SQL, Root: wj.Root, List: wj.List, Mutates: wj.Mutates,
	}
	if w.ExpectStatus == 0 {
		w.ExpectStatus = 200
	}
	if w.ExpectStatus < 100 || w.ExpectStatus > 599 {
		return Workload{}, fmt.Errorf("expect_status %d out of range", w.ExpectStatus)
	}
	w.ExpectPrefix = []byte(DefaultExpectPrefix)
	if wj.ExpectPrefix != nil {
		w.ExpectPrefix = []byte(*wj.ExpectPrefix)
	}
	w.Reject = []byte(DefaultReject)
	if wj.Reject != nil {
		w.Reject = []byte(*wj.Reject)
	}
	if w.SQL != "" && w.Root == "" {
		return Workload{}, errors.New("sql given without root (the envelope key)")
	}
	main, err := convertRequest(wj.requestJSON, nil)
	if err != nil {
		return Workload{}, err
	}
	w.Requests = append(w.Requests, main)
	if len(wj.Variants) > MaxVariants {
		return Workload{}, fmt.Errorf("%d variants, at most %d", len(wj.Variants), MaxVariants)
	}
	for i, vj := range wj.Variants {
		v, err := convertRequest(vj, &main)
		if err != nil {
			return Workload{}, fmt.Errorf("variant %d: %w", i, err)
		}
		w.Requests = append(w.Requests, v)
	}
	for name, dj := range wj.Dialects {
		if !nameRE.MatchString(name) {
			return Workload{}, fmt.Errorf("dialect name %q must match %s", name, nameRE.String())
		}
		if len(dj.Variants) != len(wj.Variants) {
			return Workload{}, fmt.Errorf("dialect %s: %d variants, the workload has %d (variant i must ask for the same data)", name, len(dj.Variants), len(wj.Variants))
		}
		dmain, err := convertRequest(dj.requestJSON, &main)
		if err != nil {
			return Workload{}, fmt.Errorf("dialect %s: %w", name, err)
		}
		reqs := []Request{dmain}
		for i, vj := range dj.Variants {
			v, err := convertRequest(vj, &dmain)
			if err != nil {
				return Workload{}, fmt.Errorf("dialect %s variant %d: %w", name, i, err)
			}
			reqs = append(reqs, v)
		}
		if w.Dialects == nil {
			w.Dialects = map[string][]Request{}
		}
		w.Dialects[name] = reqs
	}
	for i, sj := range wj.Setup {
		s, err := convertRequest(sj, &main)
		if err != nil {
			return Workload{}, fmt.Errorf("setup %d: %w", i, err)
		}
		w.Setup = append(w.Setup, s)
	}
	return w, nil
}

// convertRequest validates one request; fields left empty in a variant or
// setup request are inherited from the workload's main request.
func convertRequest(rj requestJSON, base *Request) (Request, error) {
	r := Request{Method: rj.Method, Path: rj.Path, SQLArgs: rj.SQLArgs}
	if base != nil {
		if r.Method == "" {
			r.Method = base.Method
		}
		if r.Path == "" {
			r.Path = base.Path
		}
		if rj.Headers == nil {
			r.Headers = base.Headers
		}
		if r.SQLArgs == nil {
			r.SQLArgs = base.SQLArgs
		}
	}
	if r.Method == "" {
		r.Method = "GET"
	}
	if !methodRE.MatchString(r.Method) {
		return Request{}, fmt.Errorf("method %q is not an upper-case token", r.Method)
	}
	if !strings.HasPrefix(r.Path, "/") || strings.ContainsFunc(r.Path, func(c rune) bool { return c <= ' ' || c == 0x7f }) {
		return Request{}, fmt.Errorf("path %q must start with / and hold no spaces or control bytes", r.Path)
	}
	if rj.Headers != nil {
		if len(rj.Headers) > MaxHeaders {
			return Request{}, fmt.Errorf("%d headers, at most %d", len(rj.Headers), MaxHeaders)
		}
		for k, v := range rj.Headers {
			if !headerNameRE.MatchString(k) {
				return Request{}, fmt.Errorf("header name %q is not a token", k)
			}
			switch strings.ToLower(k) {
			case "content-length", "host", "transfer-encoding", "connection":
				return Request{}, fmt.Errorf("header %q is set by the load generator", k)
			}
			if strings.ContainsFunc(v, func(c rune) bool { return (c < ' ' && c != '\t') || c == 0x7f }) {
				return Request{}, fmt.Errorf("header %q holds a control byte", k)
			}
			r.Headers = append(r.Headers, [2]string{k, v})
		}
		sort.Slice(r.Headers, func(i, j int) bool { return r.Headers[i][0] < r.Headers[j][0] })
	}
	body, err := bodyBytes(rj.Body)
	if err != nil {
		return Request{}, err
	}
	if body == nil && base != nil && len(rj.Body) == 0 {
		body = base.Body
	}
	r.Body = body
	return r, nil
}

func bodyBytes(raw json.RawMessage) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if len(raw) > 2*MaxBodyBytes {
		return nil, fmt.Errorf("body above %d bytes", MaxBodyBytes)
	}
	var out []byte
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("body: %w", err)
		}
		out = []byte(s)
	} else {
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, fmt.Errorf("body: %w", err)
		}
		out = buf.Bytes()
	}
	if len(out) > MaxBodyBytes {
		return nil, fmt.Errorf("body above %d bytes", MaxBodyBytes)
	}
	return out, nil
}

// ForDialect returns the workload as a target of the given dialect sees it:
// the dialect's requests in place of the main ones and no setup requests
// (setup registers the main query text). ok is false when the workload has no
// requests in that dialect. The empty dialect is the workload itself.
func (w *Workload) ForDialect(dialect string) (Workload, bool) {
	if dialect == "" {
		return *w, true
	}
	reqs, ok := w.Dialects[dialect]
	if !ok {
		return Workload{}, false
	}
	d := *w
	d.Requests, d.Setup = reqs, nil
	return d, true
}

// Select returns the workloads named in names (comma-separated; empty keeps
// all), in file order, or an error naming an unknown one.
func Select(ws []Workload, names string) ([]Workload, error) {
	if strings.TrimSpace(names) == "" {
		return ws, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(names, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want[n] = true
		}
	}
	var out []Workload
	for _, w := range ws {
		if want[w.Name] {
			out = append(out, w)
			delete(want, w.Name)
		}
	}
	if len(want) > 0 {
		var missing []string
		for n := range want {
			missing = append(missing, n)
		}
		sort.Strings(missing)
		return nil, fmt.Errorf("unknown workloads: %s", strings.Join(missing, ", "))
	}
	return out, nil
}
