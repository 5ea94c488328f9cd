package compat

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The replayer treats fraiseql-http as a black box: it starts the binary with
// flags, learns its address from the log line, and talks TCP. It knows the
// binary's flags only from `serve -h`, so a profile that needs a setting the
// binary does not offer yet is reported as pending instead of being run with
// the wrong configuration.

// listeningRE matches the line the server logs once it accepts connections.
var listeningRE = regexp.MustCompile(`listening on http://([^\s/]+)`)

// flagRE finds flag names in Go flag package usage output ("  -port int").
var flagRE = regexp.MustCompile(`(?m)^\s*--?([A-Za-z0-9][A-Za-z0-9_.-]*)`)

// SupportedFlags runs `bin serve -h` and returns the flag names it lists.
func SupportedFlags(ctx context.Context, bin string) (map[string]bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "serve", "-h").CombinedOutput()
	flags := map[string]bool{}
	for _, m := range flagRE.FindAllSubmatch(out, -1) {
		flags[string(m[1])] = true
	}
	if len(flags) == 0 {
		return nil, fmt.Errorf("%s serve -h listed no flags (err: %v): %s", bin, err, clip(out, 300))
	}
	return flags, nil
}

// profileDefaults are the effective_config values of a default FraiseQL v1.9.7
// app in development (the development profile). A profile value that differs
// from these needs a server flag; keys listed here with a nil flag have no
// influence the replayer knows how to map, so a non-default value makes the
// profile pending.
var profileDefaults = map[string]any{
	"environment":             "development",
	"introspection_policy":    "public",
	"enable_playground":       true,
	"playground_tool":         "graphiql",
	"auth_enabled":            true,
	"auth_provider":           "none",
	"apq_mode":                "optional",
	"apq_storage_backend":     "memory",
	"apq_cache_responses":     false,
	"cors_enabled":            false,
	"cors_origins":            []any{},
	"cors_methods":            []any{"GET", "POST"},
	"cors_headers":            []any{"Content-Type", "Authorization"},
	"auto_camel_case":         true,
	"query_timeout":           float64(30),
	"database_pool_size":      float64(20),
	"database_max_overflow":   float64(10),
	"default_mutation_schema": "public",
	"app_name":                "FraiseQL API",
	"app_version":             "1.0.0",
}

// serverFlag is one `serve` flag a profile needs.
type serverFlag struct {
	name  string
	value string
}

// profileAuth is the part of profile.json's "auth" the server flags need.
type profileAuth struct {
	Algorithm      string   `json:"algorithm"`
	Secret         string   `json:"secret"`
	Audience       string   `json:"audience"`
	Issuer         string   `json:"issuer"`
	RequiredClaims []string `json:"required_claims"`
}

// ServerArgs maps a profile's configuration to `serve` flags (without
// --schema, --database-url, --host and --port). When the binary does not list
// a needed flag, or the profile sets something no flag expresses, missing
// says what, and the profile must not be replayed.
func ServerArgs(cfg ProfileConfig, supported map[string]bool) (args []string, missing []string) {
	ec := cfg.EffectiveConfig
	get := func(k string) any {
		if v, ok := ec[k]; ok {
			return v
		}
		return profileDefaults[k]
	}
	differs := func(k string, def any) bool { return !jsonEqual(get(k), def) }
	var need []serverFlag
	handled := map[string]bool{}
	use := func(keys ...string) {
		for _, k := range keys {
			handled[k] = true
		}
	}

	env, _ := get("environment").(string)
	need = append(need, serverFlag{"environment", env})
	use("environment")
	// v1 derives introspection and playground from the environment; a flag is
	// only needed when the profile overrides that derivation.
	introDefault, playDefault := "public", true
	if env == "production" {
		introDefault, playDefault = "disabled", false
	}
	if v, set := ec["introspection_policy"]; set && !jsonEqual(v, introDefault) {
		need = append(need, serverFlag{"introspection", fmt.Sprint(v)})
	}
	if v, set := ec["enable_playground"]; set && !jsonEqual(v, playDefault) {
		need = append(need, serverFlag{"playground", fmt.Sprint(v)})
	}
	use("introspection_policy", "enable_playground")
	// v1's playground_tool "graphiql" is v1's own page (CDN scripts), which
	// the goldens record; fraiseql-http serves an embedded GraphiQL unless
	// told otherwise. A server without the flag only has v1's page.
	play, _ := get("enable_playground").(bool)
	if play && env != "production" && get("playground_tool") == "graphiql" && supported["graphiql"] {
		need = append(need, serverFlag{"graphiql", "v1"})
	}
	use("playground_tool")

	if get("cors_enabled") == true {
		need = append(need, serverFlag{"cors-origins", joinList(get("cors_origins"))})
		if differs("cors_methods", profileDefaults["cors_methods"]) {
			need = append(need, serverFlag{"cors-methods", joinList(get("cors_methods"))})
		}
		if differs("cors_headers", profileDefaults["cors_headers"]) {
			need = append(need, serverFlag{"cors-headers", joinList(get("cors_headers"))})
		}
		use("cors_enabled", "cors_origins", "cors_methods", "cors_headers")
	}
	if differs("apq_mode", "optional") {
		need = append(need, serverFlag{"apq-mode", fmt.Sprint(get("apq_mode"))})
	}
	use("apq_mode")

	if a := bytes.TrimSpace(cfg.Auth); len(a) > 0 && string(a) != "null" {
		var auth profileAuth
		if err := json.Unmarshal(a, &auth); err != nil {
			missing = append(missing, fmt.Sprintf("profile.json auth is not understood: %v", err))
		} else {
			need = append(need,
				serverFlag{"auth-jwt-algorithm", auth.Algorithm},
				serverFlag{"auth-jwt-secret", auth.Secret},
				serverFlag{"auth-audience", auth.Audience},
				serverFlag{"auth-issuer", auth.Issuer},
				serverFlag{"auth-required-claims", strings.Join(auth.RequiredClaims, ",")},
			)
		}
	}

	keys := make([]string, 0, len(ec))
	for k := range ec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if handled[k] {
			continue
		}
		def, known := profileDefaults[k]
		if !known || !jsonEqual(ec[k], def) {
			missing = append(missing, fmt.Sprintf("profile sets %s=%s, which no server flag expresses", k, compactJSON(ec[k])))
		}
	}
	for _, f := range need {
		if !supported[f.name] {
			missing = append(missing, "server has no --"+f.name+" flag")
			continue
		}
		args = append(args, "--"+f.name+"="+f.value)
	}
	return args, missing
}

func joinList(v any) string {
	items, _ := v.([]any)
	parts := make([]string, 0, len(items))
	for _, it := range items {
		parts = append(parts, fmt.Sprint(it))
	}
	return strings.Join(parts, ",")
}

func jsonEqual(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Server is a running fraiseql-http process.
type Server struct {
	// Addr is the "host:port" the server said it listens on.
	Addr string

	cmd  *exec.Cmd
	logs *tailBuffer
	done chan struct{}
	err  error // Wait's result, valid after done is closed
	once sync.Once
}

// StartServer starts `bin serve args...` and waits until it logs its
// listening address (or exits, or ctx ends). Its stdout and stderr are kept
// (the last 64 KiB) for Logs, and copied to echo when it is not nil.
func StartServer(ctx context.Context, bin string, args []string, echo io.Writer) (*Server, error) {
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	s := &Server{cmd: cmd, logs: &tailBuffer{max: 64 << 10}, done: make(chan struct{})}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		found := false
		for sc.Scan() {
			line := sc.Text()
			s.logs.WriteLine(line)
			if echo != nil {
				fmt.Fprintln(echo, line)
			}
			if m := listeningRE.FindStringSubmatch(line); m != nil && !found {
				found = true
				addr <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	go func() {
		s.err = cmd.Wait()
		pw.Close()
		close(s.done)
	}()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	select {
	case s.Addr = <-addr:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("server exited before listening (%v); its output:\n%s", s.err, s.Logs())
	case <-ctx.Done():
		_ = s.Stop(context.Background())
		return nil, fmt.Errorf("server did not log %q in time; its output:\n%s", "listening on http://HOST:PORT", s.Logs())
	}
}

// Stop asks the server to shut down (SIGTERM), and kills it if it has not
// exited when ctx ends or after 10 seconds. It is safe to call more than once.
func (s *Server) Stop(ctx context.Context) error {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
	})
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-s.done:
	case <-ctx.Done():
		_ = s.cmd.Process.Kill()
		<-s.done
	case <-t.C:
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("server did not stop within 10s of SIGTERM; killed")
	}
	return nil
}

// Exited reports whether the process has ended, and its wait error.
func (s *Server) Exited() (bool, error) {
	select {
	case <-s.done:
		return true, s.err
	default:
		return false, nil
	}
}

// Logs returns the tail of the server's output.
func (s *Server) Logs() string { return s.logs.String() }

// tailBuffer keeps the last max bytes of line output.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) WriteLine(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, line...)
	t.buf = append(t.buf, '\n')
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// readinessRequest is the unrecorded request the recorder sent before each
// profile's cases: the first exchange the server sees, so counters that v1
// keeps start from the same place.
const readinessRequest = "GET /health HTTP/1.1\r\nHost: localhost:8000\r\nUser-Agent: fraiseql-golden/1.0\r\nAccept: application/json\r\n\r\n"

// WaitReady sends GET /health until it answers 200 (once, normally).
func WaitReady(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var last string
	for {
		resp, err := Exchange(ctx, addr, []byte(readinessRequest))
		if err == nil {
			m := ParseMessage(resp)
			if m.StatusCode() == 200 {
				return nil
			}
			last = m.StartLine
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server at %s not ready: last answer to GET /health: %s", addr, last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
