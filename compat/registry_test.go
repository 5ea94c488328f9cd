package compat

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const someResponse = "HTTP/1.1 200 OK\r\ndate: Wed, 25 Nov 2026 20:10:49 GMT\r\ncontent-length: 2\r\n\r\n{}"

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadRegistry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		files   map[string]string
		wantErr string
		entries int
	}{
		{name: "empty", files: map[string]string{"README.md": "docs"}},
		{name: "one entry", entries: 1, files: map[string]string{
			"development/query-user-miss.response":  someResponse,
			"development/query-user-miss.reason.md": "quirk: 7\nwe keep extensions.\n",
		}},
		{name: "reason missing", wantErr: "no query-user-miss.reason.md", files: map[string]string{
			"development/query-user-miss.response": someResponse,
		}},
		{name: "response missing", wantErr: "has a reason but no", files: map[string]string{
			"development/query-user-miss.reason.md": "quirk: 7\nwhy",
		}},
		{name: "empty reason", wantErr: "is empty", files: map[string]string{
			"development/query-user-miss.response":  someResponse,
			"development/query-user-miss.reason.md": " \n",
		}},
		{name: "stray file", wantErr: "unexpected file", files: map[string]string{
			"development/query-user-miss.json": "{}",
		}},
		{name: "LF line ends", wantErr: "not an HTTP response", files: map[string]string{
			"development/query-user-miss.response":  strings.ReplaceAll(someResponse, "\r\n", "\n"),
			"development/query-user-miss.reason.md": "quirk: 7\nwhy",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := LoadRegistry(writeFiles(t, tt.files))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Len() != tt.entries {
				t.Fatalf("%d entries, want %d", r.Len(), tt.entries)
			}
		})
	}
}

func TestLoadRegistryForRecording(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"development/query-user-miss.reason.md": "quirk: 7\nwhy",
		"development/error-syntax.response":     someResponse,
		"development/error-syntax.reason.md":    "quirk: 12\nwhy",
	})
	if _, err := LoadRegistry(dir); err == nil {
		t.Fatal("LoadRegistry accepted a reason without a response")
	}
	r, err := LoadRegistryForRecording(dir)
	if err != nil {
		t.Fatal(err)
	}
	es := r.Entries()
	if len(es) != 2 || es[0].Case != "error-syntax" || es[1].Case != "query-user-miss" {
		t.Fatalf("entries = %+v", es)
	}
	if es[0].Quirk != 12 || es[0].Response == nil {
		t.Errorf("recorded entry: quirk %d, response %q", es[0].Quirk, es[0].Response)
	}
	if es[1].Quirk != 7 || es[1].Response != nil || es[1].ResponseFile != filepath.Join(dir, "development", "query-user-miss.response") {
		t.Errorf("unrecorded entry: %+v", es[1])
	}
}

func TestRegistryValidate(t *testing.T) {
	t.Parallel()
	profiles := []*Profile{loadTestProfile(t, "development")}
	good, err := LoadRegistry(writeFiles(t, map[string]string{
		"development/query-user-miss.response":  someResponse,
		"development/query-user-miss.reason.md": "quirk: 7\nwhy",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := good.Validate(profiles); err != nil {
		t.Fatal(err)
	}
	bad, err := LoadRegistry(writeFiles(t, map[string]string{
		"development/no-such-case.response":  someResponse,
		"development/no-such-case.reason.md": "quirk: 7\nwhy",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.Validate(profiles); err == nil || !strings.Contains(err.Error(), "development/no-such-case") {
		t.Fatalf("err = %v", err)
	}
}

// The project's own registry and pending list must always load and match the
// shipped goldens.
func TestProjectRegistryAndPendingListAreValid(t *testing.T) {
	t.Parallel()
	profiles, err := LoadGoldens(goldensDir)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := LoadRegistry("divergences")
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Validate(profiles); err != nil {
		t.Fatal(err)
	}
	pend, err := LoadPending("pending.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := pend.Validate(profiles, reg); err != nil {
		t.Fatal(err)
	}
}

func TestParsePending(t *testing.T) {
	t.Parallel()
	p, err := ParsePending([]byte("# comment\n\nauth/*   no auth yet\nproduction/mutation-*\tlater issue\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		profile, name, reason string
		ok                    bool
	}{
		{"auth", "auth-no-token", "no auth yet", true},
		{"production", "mutation-create-user-success", "later issue", true},
		{"production", "query-users-basic", "", false},
		{"authx", "a", "", false},
	} {
		reason, ok := p.Reason(tt.profile, tt.name)
		if ok != tt.ok || reason != tt.reason {
			t.Errorf("%s/%s: got %q %v", tt.profile, tt.name, reason, ok)
		}
	}
	for _, bad := range []string{"auth/*\n", "nocase reason\n", "auth/[ reason\n"} {
		if _, err := ParsePending([]byte(bad)); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

func TestPendingValidate(t *testing.T) {
	t.Parallel()
	profiles := []*Profile{loadTestProfile(t, "development")}
	stale, _ := ParsePending([]byte("development/gone-case  was removed\n"))
	if err := stale.Validate(profiles, nil); err == nil || !strings.Contains(err.Error(), "matches no golden case") {
		t.Fatalf("err = %v", err)
	}
	both, _ := ParsePending([]byte("development/query-user-miss  pending\n"))
	reg, err := LoadRegistry(writeFiles(t, map[string]string{
		"development/query-user-miss.response":  someResponse,
		"development/query-user-miss.reason.md": "quirk: 7\nwhy",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := both.Validate(profiles, reg); err == nil || !strings.Contains(err.Error(), "both pending") {
		t.Fatalf("err = %v", err)
	}
}

func TestJudge(t *testing.T) {
	t.Parallel()
	p := loadTestProfile(t, "development")
	c := p.Find("error-syntax") // volatile: date, time_ms, content-length
	golden, err := p.ReadResponse(c)
	if err != nil {
		t.Fatal(err)
	}
	rerunGolden := rerun(golden)
	different := replaceOnce(rerunGolden, "Syntax Error", "Syntax error")
	ours := replaceOnce(golden, `"locations"`, `"location"`)
	ours = replaceOnce(ours, "content-length: 171", "content-length: 170")
	oursRerun := rerun(ours)

	regDir := writeFiles(t, map[string]string{
		"development/error-syntax.response":  string(ours),
		"development/error-syntax.reason.md": "quirk: 7\nwe fix it",
	})
	reg, err := LoadRegistry(regDir)
	if err != nil {
		t.Fatal(err)
	}
	pend, _ := ParsePending([]byte("development/error-syntax  not yet\n"))

	tests := []struct {
		name   string
		actual []byte
		xerr   error
		reg    *Registry
		pend   *PendingList
		want   Outcome
		reason string
		diff   bool // a diff against the bytes the case is judged by
	}{
		{name: "identical after normalization", actual: rerunGolden, want: Identical},
		{name: "different", actual: different, want: Failed, reason: "differs from the golden", diff: true},
		{name: "read error", actual: rerunGolden, xerr: ErrExtraBytes, want: Failed, reason: "beyond"},
		{name: "pending and different", actual: different, pend: pend, want: Pending, reason: "not yet", diff: true},
		{name: "pending but identical", actual: rerunGolden, pend: pend, want: Failed, reason: "now identical: remove from pending"},
		{name: "registered and as registered", actual: oursRerun, reg: reg, want: DivergedAsRegistered, reason: "we fix it"},
		{name: "registered but identical to golden", actual: rerunGolden, reg: reg, want: Failed, reason: "remove the registered divergence", diff: true},
		{name: "registered but different", actual: different, reg: reg, want: Failed, reason: "differs from the registered divergence", diff: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Judge(p.Name, c, golden, tt.actual, tt.xerr, tt.reg, tt.pend)
			if r.Outcome != tt.want || !strings.Contains(r.Reason, tt.reason) {
				t.Fatalf("got %v %q, want %v %q\n%s", r.Outcome, r.Reason, tt.want, tt.reason, r.Diff)
			}
			if tt.diff != (r.Diff != "") {
				t.Fatalf("diff presence wrong: %q", r.Diff)
			}
		})
	}
}

// TestDivergencesAreDocumented: every registered divergence names a quirk
// whose row in docs/compatibility.md's quirk table says it is fixed and
// lists the case, and every case the table lists is registered.
func TestDivergencesAreDocumented(t *testing.T) {
	t.Parallel()
	reg, err := LoadRegistry("divergences")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(mustRead(t, filepath.Join("..", "docs", "compatibility.md")))
	rows := map[int][]string{} // quirk number -> its table rows (12a, 12b, … share 12)
	rowRE := regexp.MustCompile(`(?m)^\| ([0-9]+)[a-z]? \|.*$`)
	for _, m := range rowRE.FindAllStringSubmatch(doc, -1) {
		n, _ := strconv.Atoi(m[1])
		rows[n] = append(rows[n], m[0])
	}
	if len(rows) != 17 {
		t.Errorf("the quirk table has rows for %d quirks, want the 17 of the goldens README", len(rows))
	}
	listed := map[string]bool{}
	caseRE := regexp.MustCompile("`([a-z-]+/[a-z0-9-]+)`")
	for _, rs := range rows {
		for _, r := range rs {
			cells := strings.Split(r, "|") // "", #, behaviour, mode, cases, ""
			for _, m := range caseRE.FindAllStringSubmatch(cells[len(cells)-2], -1) {
				listed[m[1]] = true
			}
		}
	}
	for _, d := range reg.Entries() {
		id := ID(d.Profile, d.Case)
		ok := false
		for _, r := range rows[d.Quirk] {
			cells := strings.Split(r, "|")
			if strings.Contains(r, "**fixed**") && strings.Contains(cells[len(cells)-2], "`"+id+"`") {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s (quirk %d): no row of quirk %d in docs/compatibility.md says **fixed** and lists it", id, d.Quirk, d.Quirk)
		}
		delete(listed, id)
	}
	for id := range listed {
		if reg.Lookup(strings.Split(id, "/")[0], strings.Split(id, "/")[1]) == nil {
			t.Errorf("docs/compatibility.md lists %s as a divergence, but it is not registered", id)
		}
	}
}
