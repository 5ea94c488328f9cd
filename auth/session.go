package auth

import (
	"errors"
	"fmt"
	"strings"
)

// SessionVar maps one PostgreSQL setting (for RLS policies reading
// current_setting('app.tenant_id', true)) to a claim of the request's user.
type SessionVar struct {
	// Name is the setting, "<prefix>.<name>" in lower case, e.g.
	// "app.tenant_id" (the engine's rule, graphqlexec.ValidSessionVarName);
	// it is bound as a parameter, never spliced into SQL.
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

// Validate checks that no name is mapped twice and that each entry has a
// claim or a default. Call it once at startup. Whether a name may be set at
// all is the engine's rule (graphqlexec.ValidSessionVarName, which the
// server applies to its mapping and the engine to every request); this
// package only maps claims to values.
func (s SessionVars) Validate() error {
	var errs []error
	seen := make(map[string]bool, len(s))
	for _, v := range s {
		if seen[v.Name] {
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
// InvalidClaimError. Call it once per request: its result is the
// request's settings (the engine refuses a request whose names break its
// rule before any statement runs).
func (s SessionVars) Settings(u *User) ([]Setting, error) {
	out := make([]Setting, 0, len(s))
	for _, v := range s {
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
