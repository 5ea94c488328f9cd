package compat

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Divergence is a case where we deliberately answer differently from
// FraiseQL v1.9.7 (usually a v1 bug we fix). The registered response bytes
// are what our server must send instead; volatile parts are normalized the
// same way as for the golden.
type Divergence struct {
	Profile string
	Case    string
	Reason  string
	// Quirk is the number of the v1.9.7 quirk the divergence fixes, from the
	// reason's first line "quirk: N" (the numbering of the goldens README's
	// "Known v1.9.7 quirks" and of docs/compatibility.md's quirk table).
	Quirk    int
	Response []byte
	// ResponseFile is the path the bytes were (or, when recording, will be)
	// read from, for messages.
	ResponseFile string
}

// quirkLineRE is the reason file's mandatory first line.
var quirkLineRE = regexp.MustCompile(`^quirk: ([1-9][0-9]*)\s*(?:\n|$)`)

// Registry holds the registered divergences keyed by "profile/case".
type Registry struct {
	entries map[string]*Divergence
}

// Registry layout, one folder per profile, two files per case:
//
//	<dir>/<profile>/<case>.response    our exact response bytes (CRLF, -text in git)
//	<dir>/<profile>/<case>.reason.md   why we diverge (non-empty)
//
// Files at the top level (README.md, .gitattributes) are documentation.
const (
	divergenceResponseExt = ".response"
	divergenceReasonExt   = ".reason.md"
)

// LoadRegistry reads a divergence registry folder. An empty dir argument
// yields an empty registry. Stray or half entries are errors, so a typo
// cannot silently turn a registered case back into an unregistered one.
func LoadRegistry(dir string) (*Registry, error) {
	return loadRegistry(dir, false)
}

// LoadRegistryForRecording is LoadRegistry that also accepts an entry with
// a reason but no response yet: the way a new divergence is registered
// (write the reason, then let the replay record our bytes; see
// divergences/README.md). Such an entry has a nil Response.
func LoadRegistryForRecording(dir string) (*Registry, error) {
	return loadRegistry(dir, true)
}

func loadRegistry(dir string, allowUnrecorded bool) (*Registry, error) {
	r := &Registry{entries: map[string]*Divergence{}}
	if dir == "" {
		return r, nil
	}
	top, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load divergence registry: %w", err)
	}
	for _, pd := range top {
		if !pd.IsDir() {
			continue
		}
		profile := pd.Name()
		files, err := os.ReadDir(filepath.Join(dir, profile))
		if err != nil {
			return nil, fmt.Errorf("load divergence registry: %w", err)
		}
		reasons := map[string]string{}
		for _, f := range files {
			name := f.Name()
			full := filepath.Join(dir, profile, name)
			switch {
			case f.IsDir():
				return nil, fmt.Errorf("load divergence registry: unexpected folder %s", full)
			case strings.HasSuffix(name, divergenceReasonExt):
				b, err := os.ReadFile(full)
				if err != nil {
					return nil, fmt.Errorf("load divergence registry: %w", err)
				}
				reason := strings.TrimSpace(string(b))
				if reason == "" {
					return nil, fmt.Errorf("load divergence registry: %s is empty: say why we diverge", full)
				}
				if !quirkLineRE.MatchString(reason) {
					return nil, fmt.Errorf("load divergence registry: %s must start with a line \"quirk: N\" naming the v1.9.7 quirk it fixes (docs/compatibility.md)", full)
				}
				reasons[strings.TrimSuffix(name, divergenceReasonExt)] = reason
			case strings.HasSuffix(name, divergenceResponseExt):
				b, err := os.ReadFile(full)
				if err != nil {
					return nil, fmt.Errorf("load divergence registry: %w", err)
				}
				c := strings.TrimSuffix(name, divergenceResponseExt)
				r.entries[ID(profile, c)] = &Divergence{Profile: profile, Case: c, Response: b, ResponseFile: full}
			default:
				return nil, fmt.Errorf("load divergence registry: unexpected file %s (want <case>%s and <case>%s)", full, divergenceResponseExt, divergenceReasonExt)
			}
		}
		for c, reason := range reasons {
			d, ok := r.entries[ID(profile, c)]
			if !ok {
				if !allowUnrecorded {
					return nil, fmt.Errorf("load divergence registry: %s has a reason but no %s%s (record it: make compat-record)", ID(profile, c), c, divergenceResponseExt)
				}
				d = &Divergence{Profile: profile, Case: c, ResponseFile: filepath.Join(dir, profile, c+divergenceResponseExt)}
				r.entries[ID(profile, c)] = d
			}
			d.Reason = reason
			m := quirkLineRE.FindStringSubmatch(reason)
			d.Quirk, _ = strconv.Atoi(m[1])
		}
	}
	for id, d := range r.entries {
		if d.Reason == "" {
			return nil, fmt.Errorf("load divergence registry: %s has no %s%s: say why we diverge", id, d.Case, divergenceReasonExt)
		}
		if d.Response != nil && HeaderBlockLen(d.Response) < 0 {
			return nil, fmt.Errorf("load divergence registry: %s is not an HTTP response (no CRLF CRLF after the headers; was it saved with LF line ends?)", d.ResponseFile)
		}
	}
	return r, nil
}

// Lookup returns the divergence registered for profile/case, or nil.
func (r *Registry) Lookup(profile, name string) *Divergence {
	if r == nil {
		return nil
	}
	return r.entries[ID(profile, name)]
}

// Entries returns the registered divergences ordered by profile and case.
func (r *Registry) Entries() []*Divergence {
	if r == nil {
		return nil
	}
	out := make([]*Divergence, 0, len(r.entries))
	for _, d := range r.entries {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return ID(out[i].Profile, out[i].Case) < ID(out[j].Profile, out[j].Case) })
	return out
}

// Len is the number of registered divergences.
func (r *Registry) Len() int {
	if r == nil {
		return 0
	}
	return len(r.entries)
}

// Validate checks that every entry names an existing case of profiles, so the
// registry cannot keep entries for cases that were renamed or removed.
func (r *Registry) Validate(profiles []*Profile) error {
	known := caseIDs(profiles)
	var bad []string
	for id := range r.entries {
		if !known[id] {
			bad = append(bad, id)
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		return fmt.Errorf("divergence registry: no such golden case: %s", strings.Join(bad, ", "))
	}
	return nil
}

// PendingList lists cases we know we do not implement yet. They are replayed like
// every other case (state must evolve as when recording), but a difference is
// reported as pending instead of failed. A pending case that comes out
// identical is a failure ("now identical: remove from pending"), so the list
// can only shrink towards nothing.
type PendingList struct {
	rules []pendingRule
}

type pendingRule struct {
	pattern string // path.Match pattern over "profile/case"
	reason  string
	line    int
}

// ParsePending reads the pending list format: one rule a line,
//
//	<profile>/<case-pattern>   <reason>
//
// where the pattern uses path.Match syntax ("auth/*", "production/mutation-*"),
// "#" starts a comment line and blank lines are ignored. Every rule needs a
// reason.
func ParsePending(data []byte) (*PendingList, error) {
	p := &PendingList{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		pattern, reason := fields[0], strings.Join(fields[1:], " ")
		if !strings.Contains(pattern, "/") {
			return nil, fmt.Errorf("pending list line %d: %q is not profile/case", i+1, pattern)
		}
		if _, err := path.Match(pattern, ""); err != nil {
			return nil, fmt.Errorf("pending list line %d: bad pattern %q: %w", i+1, pattern, err)
		}
		if reason == "" {
			return nil, fmt.Errorf("pending list line %d: %s needs a reason", i+1, pattern)
		}
		p.rules = append(p.rules, pendingRule{pattern: pattern, reason: reason, line: i + 1})
	}
	return p, nil
}

// LoadPending reads a pending list file; an empty file name yields an empty list.
func LoadPending(file string) (*PendingList, error) {
	if file == "" {
		return &PendingList{}, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("load pending list: %w", err)
	}
	p, err := ParsePending(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return p, nil
}

// Reason returns the reason of the first rule matching profile/case.
func (p *PendingList) Reason(profile, name string) (string, bool) {
	if p == nil {
		return "", false
	}
	id := ID(profile, name)
	for _, r := range p.rules {
		if ok, _ := path.Match(r.pattern, id); ok {
			return r.reason, true
		}
	}
	return "", false
}

// Validate checks that every rule matches at least one case of profiles and
// that no case is both pending and registered as a divergence.
func (p *PendingList) Validate(profiles []*Profile, reg *Registry) error {
	known := caseIDs(profiles)
	var problems []string
	for _, r := range p.rules {
		matched := false
		for id := range known {
			if ok, _ := path.Match(r.pattern, id); ok {
				matched = true
				if reg != nil && reg.entries[id] != nil {
					problems = append(problems, fmt.Sprintf("%s is both pending (line %d) and a registered divergence", id, r.line))
				}
			}
		}
		if !matched {
			problems = append(problems, fmt.Sprintf("line %d: %s matches no golden case", r.line, r.pattern))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("pending list: %s", strings.Join(problems, "; "))
	}
	return nil
}

func caseIDs(profiles []*Profile) map[string]bool {
	known := map[string]bool{}
	for _, p := range profiles {
		for _, c := range p.Cases {
			known[ID(p.Name, c.Name)] = true
		}
	}
	return known
}
