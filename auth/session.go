package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SessionVar maps one PostgreSQL setting (for RLS policies reading
// current_setting('app.tenant_id', true)) to a claim of the request's user.
type SessionVar struct {
	// Name is the setting, "<prefix>.<name>" in lower case, e.g.
	// "app.tenant_id". Checked by Validate; it is still bound as a
	// parameter, never spliced into SQL.
	Name string
	// Claim is resolved with User.Lookup (claims, then metadata) and
	// rendered with User.LookupText.
	Claim string
	// Default is used when there is no user or the claim is absent;
	// nil leaves the setting out.
	Default *string
}

// SessionVars is an ordered mapping; settings are applied in this order.
type SessionVars []SessionVar

// Setting is one (name, value) pair to apply with set_config(name, value, true).
type Setting struct {
	Name  string
	Value string
}

// maxIdentBytes is PostgreSQL's NAMEDATALEN-1.
const maxIdentBytes = 63

// ValidSessionVarName reports whether name matches
// ^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$ with each part at most 63 bytes.
// Custom settings need a dot; lower case only because PostgreSQL folds
// setting names and two spellings of one name would be confusing.
func ValidSessionVarName(name string) bool {
	prefix, rest, ok := strings.Cut(name, ".")
	return ok && validIdentPart(prefix) && validIdentPart(rest)
}

func validIdentPart(s string) bool {
	if s == "" || len(s) > maxIdentBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c == '_':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Validate checks names (format, no duplicates) and that each entry has a
// claim or a default. Call it once at startup.
func (s SessionVars) Validate() error {
	var errs []error
	seen := make(map[string]bool, len(s))
	for _, v := range s {
		switch {
		case !ValidSessionVarName(v.Name):
			errs = append(errs, fmt.Errorf("auth: session variable name %q must look like app.tenant_id (lower case, one dot)", v.Name))
		case seen[v.Name]:
			errs = append(errs, fmt.Errorf("auth: session variable %q mapped twice", v.Name))
		}
		seen[v.Name] = true
		if v.Claim == "" && v.Default == nil {
			errs = append(errs, fmt.Errorf("auth: session variable %q has neither a claim nor a default", v.Name))
		}
	}
	return errors.Join(errs...)
}

// Settings resolves the mapping for one request; u may be nil (anonymous).
// Values containing a NUL byte cannot be PostgreSQL text and yield an
// InvalidClaimError; names are re-checked so an unvalidated mapping cannot
// slip through.
func (s SessionVars) Settings(u *User) ([]Setting, error) {
	out := make([]Setting, 0, len(s))
	for _, v := range s {
		if !ValidSessionVarName(v.Name) {
			return nil, fmt.Errorf("auth: invalid session variable name %q", v.Name)
		}
		var (
			val string
			ok  bool
		)
		if v.Claim != "" {
			val, ok = u.LookupText(v.Claim)
		}
		if !ok {
			if v.Default == nil {
				continue
			}
			val = *v.Default
		}
		if strings.IndexByte(val, 0) >= 0 {
			return nil, &InvalidClaimError{Claim: v.Claim, Reason: "contains a NUL byte"}
		}
		out = append(out, Setting{Name: v.Name, Value: val})
	}
	return out, nil
}

// SessionSQL builds one statement applying every setting in order,
// transaction-local (is_local = true, so nothing leaks to the next user of
// a pooled connection):
//
//	SELECT set_config($1, $2, true), set_config($3, $4, true)
//
// Names and values are parameters, never part of the SQL text. It returns
// "" for no settings. Run it inside the request's transaction, before the
// query.
func SessionSQL(settings []Setting) (sql string, args []any) {
	if len(settings) == 0 {
		return "", nil
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	args = make([]any, 0, 2*len(settings))
	for i, s := range settings {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("set_config($")
		b.WriteString(strconv.Itoa(2*i + 1))
		b.WriteString(", $")
		b.WriteString(strconv.Itoa(2*i + 2))
		b.WriteString(", true)")
		args = append(args, s.Name, s.Value)
	}
	return b.String(), args
}

// Execer is the one database call ApplySession needs, so this package does
// not depend on pgx. Adapt a pgx.Tx with ExecFunc:
//
//	auth.ExecFunc(func(ctx context.Context, sql string, args ...any) error {
//		_, err := tx.Exec(ctx, sql, args...)
//		return err
//	})
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) error
}

// ExecFunc adapts a function to Execer.
type ExecFunc func(ctx context.Context, sql string, args ...any) error

// Exec calls f.
func (f ExecFunc) Exec(ctx context.Context, sql string, args ...any) error {
	return f(ctx, sql, args...)
}

// ApplySession runs SessionSQL(settings) on ex in one round trip; it does
// nothing for no settings. ex must be inside a transaction, otherwise the
// transaction-local settings vanish before the query runs.
func ApplySession(ctx context.Context, ex Execer, settings []Setting) error {
	sql, args := SessionSQL(settings)
	if sql == "" {
		return nil
	}
	if err := ex.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("auth: applying %d session variables: %w", len(settings), err)
	}
	return nil
}
