package bridge

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fraiseql/fraiseql-http/httpcore"
)

// Options is the JSON document the Python package sends to Start. Flags
// holds every `fraiseql-http serve` flag by its flag name (no leading
// dashes); the other fields are the Phase 16 plan's settings that have no
// flag of the same name.
type Options struct {
	// Flags are serve flags: a string, number or boolean is the flag's
	// value; an array of strings is passed as a JSON array (list flags and
	// repeatable flags accept that form); null means "use the default".
	Flags map[string]json.RawMessage `json:"flags"`
	// Workers sets GOMAXPROCS (process-wide) when not nil.
	Workers *int `json:"workers"`
	// RequestTimeoutMS is the request deadline: httpcore's execution
	// timeout, which bounds every SQL statement of a request from its start.
	RequestTimeoutMS *int64 `json:"request_timeout_ms"`
	// EnableCompression and EnableHTTP2 are mapped by transport (one place).
	EnableCompression *bool `json:"enable_compression"`
	EnableHTTP2       *bool `json:"enable_http2"`
	// LogFD is a file descriptor the server's log lines are written to (the
	// bridge writes to a duplicate, so the caller may close its copy);
	// negative discards them.
	LogFD int `json:"log_fd"`
	// LogFormat is "json" (one slog JSON object per line, the default) or
	// "text" (slog's key=value lines).
	LogFormat string `json:"log_format"`
	// LogLevel is debug, info (default), warn or error.
	LogLevel string `json:"log_level"`
}

// ParseOptions decodes the JSON document, refusing unknown keys so that a
// misspelt setting is an error instead of a silent default.
func ParseOptions(doc []byte) (Options, error) {
	o := Options{LogFD: -1}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return o, fmt.Errorf("bridge options: %v", err)
	}
	if dec.More() {
		return o, errors.New("bridge options: trailing data after the JSON object")
	}
	return o, nil
}

// BuildConfig turns the options into an httpcore.Config through
// httpcore.ParseFlags, so that every flag is parsed and reported exactly as
// the binary does (the environment is not read: a Python program states
// its configuration). It returns the notes to log: settings accepted but
// not honoured yet (none today: compression and HTTP/2 are httpcore's).
func BuildConfig(o Options) (httpcore.Config, []string, error) {
	cfg := httpcore.DefaultConfig()
	args, err := flagArgs(o.Flags)
	if err != nil {
		return cfg, nil, err
	}
	noEnv := func(string) string { return "" }
	if err := httpcore.ParseFlags(&cfg, args, noEnv, io.Discard); err != nil {
		return cfg, nil, err
	}
	if o.RequestTimeoutMS != nil {
		if _, both := o.Flags["execution-timeout"]; both {
			return cfg, nil, errors.New("request_timeout_ms and execution-timeout both set: they are the same setting")
		}
		if *o.RequestTimeoutMS <= 0 {
			return cfg, nil, fmt.Errorf("request_timeout_ms: %d must be positive", *o.RequestTimeoutMS)
		}
		cfg.ExecutionTimeout = time.Duration(*o.RequestTimeoutMS) * time.Millisecond
	}
	if o.Workers != nil && *o.Workers < 1 {
		return cfg, nil, fmt.Errorf("workers: %d must be at least 1", *o.Workers)
	}
	if err := transport(&cfg, o.Flags, o.EnableCompression, o.EnableHTTP2); err != nil {
		return cfg, nil, err
	}
	return cfg, nil, nil
}

// transport is the one place where the Phase 16 plan's enable_compression
// and enable_http2 meet httpcore: they are httpcore's Compression and
// HTTP2 (--compression, --http2), both on by default as in the plan. A
// value given both ways is refused, as request_timeout_ms is.
func transport(cfg *httpcore.Config, flags map[string]json.RawMessage, compression, http2 *bool) error {
	for _, s := range []struct {
		name, flag string
		v          *bool
		dst        *bool
	}{{"enable_compression", "compression", compression, &cfg.Compression}, {"enable_http2", "http2", http2, &cfg.HTTP2}} {
		if s.v == nil {
			continue
		}
		if _, both := flags[s.flag]; both {
			return fmt.Errorf("%s and %s both set: they are the same setting", s.name, s.flag)
		}
		*s.dst = *s.v
	}
	return nil
}

// flagArgs renders the flag map as --name=value arguments, in name order
// so that errors come out in a stable order.
func flagArgs(flags map[string]json.RawMessage) ([]string, error) {
	names := make([]string, 0, len(flags))
	for name := range flags {
		names = append(names, name)
	}
	sort.Strings(names)
	var args []string
	for _, name := range names {
		raw := bytes.TrimSpace(flags[name])
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		var v string
		switch raw[0] {
		case '"':
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, fmt.Errorf("%s: %v", name, err)
			}
		case '[':
			var items []string
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, fmt.Errorf("%s: not a list of strings", name)
			}
			b, _ := json.Marshal(items)
			v = string(b)
		case 't', 'f':
			var b bool
			if err := json.Unmarshal(raw, &b); err != nil {
				return nil, fmt.Errorf("%s: %v", name, err)
			}
			v = strconv.FormatBool(b)
		default:
			var n json.Number
			if err := json.Unmarshal(raw, &n); err != nil {
				return nil, fmt.Errorf("%s: not a string, number, boolean or list", name)
			}
			v = n.String()
		}
		args = append(args, "--"+name+"="+v)
	}
	return args, nil
}

var usageFlag = regexp.MustCompile(`(?m)^\s+-([a-z0-9][a-z0-9-]*)`)

// FlagNames lists the flags `fraiseql-http serve` accepts, read from
// httpcore's own usage text, so that the Python package can check that it
// reaches every one of them.
func FlagNames() []string {
	var buf bytes.Buffer
	cfg := httpcore.DefaultConfig()
	_ = httpcore.ParseFlags(&cfg, []string{"-h"}, func(string) string { return "" }, &buf)
	var names []string
	for _, m := range usageFlag.FindAllStringSubmatch(buf.String(), -1) {
		names = append(names, m[1])
	}
	sort.Strings(names)
	return slices.Compact(names)
}

// redact removes the secrets of cfg from an error message before it goes
// back to Python (and from there, perhaps, to a log or a screen).
func redact(msg string, cfg httpcore.Config) string {
	for _, secret := range []string{cfg.AuthSecret, cfg.DevAuthPassword, cfg.MetricsToken, urlPassword(cfg.DatabaseURL)} {
		if len(secret) >= 3 {
			msg = strings.ReplaceAll(msg, secret, "xxxxx")
		}
	}
	return msg
}

// urlPassword finds the password of a PostgreSQL URL or keyword DSN ("" when
// there is none).
func urlPassword(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		p, _ := u.User.Password()
		return p
	}
	for _, field := range strings.Fields(dsn) {
		if v, ok := strings.CutPrefix(field, "password="); ok {
			return strings.Trim(v, "'")
		}
	}
	return ""
}
