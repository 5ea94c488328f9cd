package graphiql

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

type manifest struct {
	Pins  map[string]string `json:"pins"`
	Files []struct {
		Name   string `json:"name"`
		From   string `json:"from"`
		Bytes  int    `json:"bytes"`
		SHA256 string `json:"sha256"`
	} `json:"files"`
	Licenses []struct {
		Name, Version, License string
	} `json:"licenses"`
}

func readManifest(t *testing.T) manifest {
	t.Helper()
	b, err := files.ReadFile("assets/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The embedded third-party files are exactly what `make graphiql-update`
// recorded: no hand edits, nothing missing, nothing unrecorded.
func TestAssetsMatchManifest(t *testing.T) {
	t.Parallel()
	m := readManifest(t)
	if m.Pins["graphiql"] != "4.1.2" || m.Pins["react"] != "18.3.1" {
		t.Errorf("pins = %v", m.Pins)
	}
	recorded := map[string]bool{}
	for _, f := range m.Files {
		recorded[f.Name] = true
		b, err := files.ReadFile("assets/" + f.Name)
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 || len(b) != f.Bytes {
			t.Errorf("%s: %d bytes sha256 %s, manifest says %d bytes %s", f.Name, len(b), got, f.Bytes, f.SHA256)
		}
	}
	entries, err := fs.ReadDir(files, "assets")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "manifest.json" && !recorded[e.Name()] {
			t.Errorf("assets/%s is not in manifest.json", e.Name())
		}
	}
}

// Every package whose code is embedded has its licence in the notices.
func TestLicencesIncluded(t *testing.T) {
	t.Parallel()
	notices, err := files.ReadFile("assets/THIRD_PARTY_NOTICES.txt")
	if err != nil {
		t.Fatal(err)
	}
	m := readManifest(t)
	for _, want := range []string{"graphiql@4.1.2", "react@18.3.1", "react-dom@18.3.1", "@graphiql/plugin-explorer@4.0.6", "graphiql-explorer@", "graphql@", "graphql-ws@", "codemirror@", "@graphiql/react@", "@graphiql/toolkit@"} {
		if !strings.Contains(string(notices), "\n"+want) {
			t.Errorf("THIRD_PARTY_NOTICES.txt lacks %s", want)
		}
	}
	for _, l := range m.Licenses {
		if !strings.Contains(string(notices), "\n"+l.Name+"@"+l.Version+" (") {
			t.Errorf("manifest lists %s@%s but the notices do not", l.Name, l.Version)
		}
	}
	if len(m.Licenses) < 20 {
		t.Errorf("only %d licences recorded", len(m.Licenses))
	}
}

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

var refRE = regexp.MustCompile(`(?:src|href)="([^"]*)"`)

// The page loads only this handler's own assets, each of which answers 200
// with its type, and sends the security headers.
func TestPageLoadsOnlyOwnAssets(t *testing.T) {
	t.Parallel()
	h := mustNew(t, Options{})
	w := get(t, h, "GET", "/graphql", nil)
	if w.Code != 200 {
		t.Fatalf("page: %d", w.Code)
	}
	page := w.Body.String()
	nonce := regexp.MustCompile(`data-style-nonce="([A-Za-z0-9+/=]{24})"`).FindStringSubmatch(page)
	if nonce == nil {
		t.Fatalf("no nonce in the page")
	}
	for k, v := range map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"Content-Security-Policy": ContentSecurityPolicy(nonce[1]),
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "no-store",
		"Etag":                    "",
	} {
		if got := w.Header().Get(k); got != v {
			t.Errorf("page %s = %q, want %q", k, got, v)
		}
	}
	if csp := ContentSecurityPolicy("n"); strings.Contains(csp, "unsafe-") || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("CSP weakened: %s", csp)
	}
	again := get(t, h, "GET", "/graphql", nil).Body.String()
	if strings.Contains(again, nonce[1]) || !h.IsPage([]byte(again)) || !h.IsPage([]byte(page)) {
		t.Errorf("the nonce is not fresh per answer, or IsPage is wrong")
	}
	if h.IsPage([]byte(strings.Replace(page, "init.js", "evil.js", 1))) {
		t.Errorf("IsPage accepts another page")
	}
	if !strings.Contains(page, `data-endpoint="/graphql"`) {
		t.Error("page does not name the endpoint")
	}
	refs := refRE.FindAllStringSubmatch(page, -1)
	if len(refs) != 9 {
		t.Errorf("page has %d references, want 9 (an empty icon, 3 stylesheets, 5 scripts)", len(refs))
	}
	for _, ref := range refs {
		u := ref[1]
		if u == "data:," {
			continue // the empty icon: no /favicon.ico request
		}
		if !strings.HasPrefix(u, "/graphql/graphiql/") || !strings.Contains(u, "?v=") {
			t.Errorf("page refers to %q, not to a versioned asset of ours", u)
			continue
		}
		aw := get(t, h, "GET", u, nil)
		if aw.Code != 200 || aw.Body.Len() == 0 {
			t.Errorf("%s: %d, %d bytes", u, aw.Code, aw.Body.Len())
		}
		if ct := aw.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") && !strings.HasPrefix(ct, "text/css") {
			t.Errorf("%s: content-type %q", u, ct)
		}
		if cc := aw.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: cache-control %q", u, cc)
		}
	}
	// Our own files never name another origin.
	for _, name := range []string{"page/index.html", "page/init.js", "page/page.css"} {
		b, _ := files.ReadFile(name)
		if m := regexp.MustCompile(`(?i)\b(?:https?:|wss?:)?//[a-z0-9.-]+\.[a-z]{2,}`).Find(b); m != nil {
			t.Errorf("%s names another origin: %s", name, m)
		}
	}
}

func TestCachingAndMethods(t *testing.T) {
	t.Parallel()
	h := mustNew(t, Options{Path: "/api/graphql"})
	if h.AssetPrefix() != "/api/graphql/graphiql/" {
		t.Fatalf("prefix %q", h.AssetPrefix())
	}
	asset := "/api/graphql/graphiql/graphiql.min.js"
	first := get(t, h, "GET", asset, nil)
	etag := first.Header().Get("Etag")
	if first.Code != 200 || len(etag) != 18 || first.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("unversioned asset: %d etag %q cache %q", first.Code, etag, first.Header().Get("Cache-Control"))
	}
	if got := get(t, h, "GET", asset+"?v=0000", nil).Header().Get("Cache-Control"); got != "no-cache" {
		t.Errorf("wrong version is cached as %q", got)
	}
	tests := []struct {
		name, method, target, inm string
		code                      int
	}{
		{"revalidated", "GET", asset, etag, 304},
		{"weak and listed", "GET", asset, `"x", W/` + etag, 304},
		{"star", "GET", asset, "*", 304},
		{"stale", "GET", asset, `"0123456789abcdef"`, 200},
		{"head", "HEAD", asset, "", 200},
		{"page is never a 304", "GET", "/api/graphql", "*", 200},
		{"post", "POST", asset, "", 405},
		{"unknown asset", "GET", "/api/graphql/graphiql/nope.js", "", 404},
		{"manifest not served", "GET", "/api/graphql/graphiql/manifest.json", "", 404},
		{"template not served", "GET", "/api/graphql/graphiql/index.html", "", 404},
		{"traversal", "GET", "/api/graphql/graphiql/../graphiql.go", "", 404},
		{"other path", "GET", "/elsewhere", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(t, h, tt.method, tt.target, map[string]string{"If-None-Match": tt.inm})
			if w.Code != tt.code {
				t.Fatalf("%s %s: %d, want %d", tt.method, tt.target, w.Code, tt.code)
			}
			if tt.code == 304 && w.Body.Len() != 0 {
				t.Errorf("304 with a body")
			}
		})
	}
	if got := get(t, h, "POST", "/api/graphql", nil).Header().Get("Allow"); got != "GET, HEAD" {
		t.Errorf("allow %q", got)
	}
}

// The fetcher must not be given a headers option: GraphiQL's createFetcher
// merges it by key and a differently spelled content-type becomes a second
// field (the 422 of issue 11). The browser test checks the wire; this keeps
// the reason next to the code.
func TestInitScriptFetcherOptions(t *testing.T) {
	t.Parallel()
	b, _ := files.ReadFile("page/init.js")
	code := regexp.MustCompile(`(?m)^\s*//.*$`).ReplaceAll(b, nil)
	for _, bad := range []string{"headers:", "Content-Type", "innerHTML", "eval("} {
		if strings.Contains(string(code), bad) {
			t.Errorf("init.js uses %q", bad)
		}
	}
	for _, want := range []string{"createFetcher", "subscriptionUrl", "enableIncrementalDelivery: false"} {
		if !strings.Contains(string(code), want) {
			t.Errorf("init.js lacks %q", want)
		}
	}
}

// The endpoint is written into an attribute: it is escaped, and nothing of
// the template's placeholders survives.
func TestPageEscapesEndpoint(t *testing.T) {
	t.Parallel()
	h := mustNew(t, Options{Path: "/x", Endpoint: `/g"><script>alert(1)</script>`})
	page := get(t, h, "GET", "/x", nil).Body.String()
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, `data-endpoint="/g&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`) {
		t.Errorf("endpoint not escaped: %s", page)
	}
	if strings.Contains(page, "{{") || strings.Contains(page, "\x00") {
		t.Errorf("placeholder left in the page: %s", page)
	}
	if !strings.Contains(page, `src="/x/graphiql/init.js?v=`) {
		t.Errorf("assets not under the path: %s", page)
	}
}

func mustNew(t *testing.T, opts Options) *Handler {
	t.Helper()
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Load(); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestLoadIsLazy: New reads nothing (a server whose GraphiQL is never opened
// keeps no copy of the assets); the first request loads them once.
func TestLoadIsLazy(t *testing.T) {
	t.Parallel()
	h, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h.assets != nil || h.pageHead != nil {
		t.Fatal("New read the embedded files")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/graphql", nil))
	if w.Code != 200 || !h.IsPage(w.Body.Bytes()) || len(h.assets) == 0 {
		t.Fatalf("first request: %d, page %v, %d assets", w.Code, h.IsPage(w.Body.Bytes()), len(h.assets))
	}
	first := h.assets["graphiql.min.js"]
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/graphql", nil))
	if w.Code != 200 || first == nil || h.assets["graphiql.min.js"] != first {
		t.Fatal("the files were loaded again")
	}
}
