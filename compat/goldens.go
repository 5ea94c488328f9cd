package compat

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Profile is one folder of recorded exchanges: one server configuration, its
// cases in recording order.
type Profile struct {
	Name   string
	Dir    string
	Config ProfileConfig
	Cases  []Case
}

// ProfileConfig is the part of profile.json that decides how the server is
// started. Unknown fields of profile.json are kept in Raw for reporting.
type ProfileConfig struct {
	Profile         string          `json:"profile"`
	FraiseQLVersion string          `json:"fraiseql_version"`
	EffectiveConfig map[string]any  `json:"effective_config"`
	Auth            json.RawMessage `json:"auth"`
	// Present reports whether the folder had a profile.json at all.
	Present bool `json:"-"`
}

// Case is one exchange of cases.json. Request and Response are file names
// relative to the profile folder.
type Case struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Request     string   `json:"request"`
	Response    string   `json:"response"`
	Status      string   `json:"status"`
	Volatile    []string `json:"volatile"`
	Note        string   `json:"note,omitempty"`

	// Parts is Volatile parsed; filled by LoadProfile.
	Parts []VolatilePart `json:"-"`
}

// ID is "profile/case", the key used by the pending list and the registry.
func ID(profile, name string) string { return profile + "/" + name }

// LoadGoldens finds every profile under dir: dir itself when it holds a
// cases.json, else each folder below it (up to two levels, so that both a
// goldens root with version folders and a version folder work) that holds
// one. Profiles are returned sorted by path.
func LoadGoldens(dir string) ([]*Profile, error) {
	var dirs []string
	if fileExists(filepath.Join(dir, "cases.json")) {
		dirs = append(dirs, dir)
	} else {
		base := strings.Count(filepath.Clean(dir), string(filepath.Separator))
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				return nil
			}
			if strings.Count(filepath.Clean(p), string(filepath.Separator))-base > 2 {
				return filepath.SkipDir
			}
			if fileExists(filepath.Join(p, "cases.json")) {
				dirs = append(dirs, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("load goldens: %w", err)
		}
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("load goldens: no cases.json under %s", dir)
	}
	sort.Strings(dirs)
	profiles := make([]*Profile, 0, len(dirs))
	seen := map[string]string{}
	for _, d := range dirs {
		p, err := LoadProfile(d)
		if err != nil {
			return nil, err
		}
		if other, dup := seen[p.Name]; dup {
			return nil, fmt.Errorf("load goldens: profile %q found twice (%s and %s)", p.Name, other, d)
		}
		seen[p.Name] = d
		profiles = append(profiles, p)
	}
	return profiles, nil
}

// LoadProfile reads one profile folder. The profile's name is the folder
// name. A missing profile.json means a development-mode server with defaults.
func LoadProfile(dir string) (*Profile, error) {
	p := &Profile{Name: filepath.Base(dir), Dir: dir}
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		return nil, fmt.Errorf("load profile %s: %w", dir, err)
	}
	if err := json.Unmarshal(raw, &p.Cases); err != nil {
		return nil, fmt.Errorf("load profile %s: cases.json: %w", dir, err)
	}
	names := map[string]bool{}
	for i := range p.Cases {
		c := &p.Cases[i]
		if c.Name == "" || c.Request == "" || c.Response == "" {
			return nil, fmt.Errorf("load profile %s: case #%d needs name, request and response", dir, i+1)
		}
		if names[c.Name] {
			return nil, fmt.Errorf("load profile %s: case %q listed twice", dir, c.Name)
		}
		names[c.Name] = true
		for _, f := range []string{c.Request, c.Response} {
			if filepath.Base(f) != f {
				return nil, fmt.Errorf("load profile %s: case %q: file %q must be a plain file name", dir, c.Name, f)
			}
		}
		if c.Parts, err = ParseVolatileList(c.Volatile); err != nil {
			return nil, fmt.Errorf("load profile %s: case %q: %w", dir, c.Name, err)
		}
	}
	raw, err = os.ReadFile(filepath.Join(dir, "profile.json"))
	switch {
	case err == nil:
		if err := json.Unmarshal(raw, &p.Config); err != nil {
			return nil, fmt.Errorf("load profile %s: profile.json: %w", dir, err)
		}
		p.Config.Present = true
	case os.IsNotExist(err):
	default:
		return nil, fmt.Errorf("load profile %s: %w", dir, err)
	}
	return p, nil
}

// Find returns the case named name, or nil.
func (p *Profile) Find(name string) *Case {
	for i := range p.Cases {
		if p.Cases[i].Name == name {
			return &p.Cases[i]
		}
	}
	return nil
}

// ReadRequest returns the exact request bytes of c.
func (p *Profile) ReadRequest(c *Case) ([]byte, error) {
	return os.ReadFile(filepath.Join(p.Dir, c.Request))
}

// ReadResponse returns the exact recorded response bytes of c.
func (p *Profile) ReadResponse(c *Case) ([]byte, error) {
	return os.ReadFile(filepath.Join(p.Dir, c.Response))
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
