package graphiql

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"
)

// The third-party build (written by scripts/graphiql-update.sh) and the page
// written for this server are kept apart so an update never touches ours.
//
//go:embed assets page
var files embed.FS

// AssetDir is the path segment under Options.Path where the assets live.
const AssetDir = "/graphiql/"

// ContentSecurityPolicy is the policy sent with the page, given the
// response's nonce: everything from our own origin (WebSocket connections to
// it included), images and fonts also as data: URLs (GraphiQL's CSS inlines
// its fonts and icons), no inline script at all, and inline <style> elements
// only with the nonce. GraphiQL's dialogs add one (react-remove-scroll's
// scroll lock, created through react-style-singleton, which sets the nonce
// it finds in the global __webpack_nonce__; init.js sets that from the
// page).
func ContentSecurityPolicy(nonce string) string {
	return "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-" + nonce + "'; " +
		"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// The page template (page/index.html) has three kinds of placeholder:
// {{asset:NAME}} (the asset's versioned URL), {{endpoint}} and {{nonce}}.
// html/template is not used on purpose: text/template's reflective method
// calls keep the linker from dropping unused methods, which made the
// binary about 3 MB larger.
var placeholderRE = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// Options configures a Handler.
type Options struct {
	// Path is where the page is served; the assets are under Path+AssetDir.
	// Default "/graphql".
	Path string
	// Endpoint is the URL path the page's fetcher sends GraphQL requests and
	// opens subscription WebSockets to. Default Path.
	Endpoint string
}

// Handler serves the page at Options.Path and the embedded assets under
// Options.Path+AssetDir, for GET and HEAD. Everything is built once, on the
// first request that needs it (see New); serving allocates nothing but what
// the ResponseWriter does.
type Handler struct {
	path        string
	endpoint    string
	assetPrefix string

	once sync.Once
	err  error // from load: the embedded files are broken
	// The page around its per-response nonce.
	pageHead, pageTail []byte
	assets             map[string]*asset // by name under the asset prefix
}

type asset struct {
	body        []byte
	contentType string
	etag        string // quoted strong ETag: a prefix of the body's sha256
	version     string // the same hash, as the page's ?v= cache buster
}

// New returns the handler. The page and the assets (about 1.9 MB) are read
// and hashed on the first request that needs them, not here: a server whose
// GraphiQL is never opened keeps neither a heap copy of them nor their
// pages of the binary in memory (about 4 MB of idle RSS). New cannot fail;
// the error result is kept for callers. The embedded files can be broken
// only by a bad `make graphiql-update`, which the package's tests rule out;
// if they were, every answer would be a 500 and Load would say why.
func New(opts Options) (*Handler, error) {
	if opts.Path == "" {
		opts.Path = "/graphql"
	}
	if opts.Endpoint == "" {
		opts.Endpoint = opts.Path
	}
	return &Handler{
		path:        opts.Path,
		endpoint:    opts.Endpoint,
		assetPrefix: strings.TrimSuffix(opts.Path, "/") + AssetDir,
	}, nil
}

// Load reads and hashes the embedded files and builds the page, once; the
// first request that needs them calls it. It reports broken embedded files.
func (h *Handler) Load() error {
	h.once.Do(func() { h.err = h.load() })
	return h.err
}

func (h *Handler) load() error {
	h.assets = map[string]*asset{}
	for _, dir := range []string{"assets", "page"} {
		entries, err := fs.ReadDir(files, dir)
		if err != nil {
			return fmt.Errorf("graphiql: embedded files: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() || e.Name() == "index.html" || e.Name() == "manifest.json" {
				continue
			}
			body, err := files.ReadFile(dir + "/" + e.Name())
			if err != nil {
				return fmt.Errorf("graphiql: embedded files: %w", err)
			}
			h.assets[e.Name()] = newAsset(body, contentType(e.Name()))
		}
	}
	tmpl, err := files.ReadFile("page/index.html")
	if err != nil {
		return fmt.Errorf("graphiql: embedded files: %w", err)
	}
	const nonceMark = "\x00nonce\x00"
	var bad []string
	page := placeholderRE.ReplaceAllFunc(tmpl, func(p []byte) []byte {
		key := string(p[2 : len(p)-2])
		switch {
		case key == "endpoint":
			return []byte(html.EscapeString(h.endpoint))
		case key == "nonce":
			return []byte(nonceMark)
		case strings.HasPrefix(key, "asset:"):
			if a, ok := h.assets[key[len("asset:"):]]; ok {
				return []byte(html.EscapeString(h.assetPrefix + key[len("asset:"):] + "?v=" + a.version))
			}
		}
		bad = append(bad, string(p))
		return p
	})
	head, tail, ok := bytes.Cut(page, []byte(nonceMark))
	if len(bad) > 0 || !ok || bytes.Contains(tail, []byte(nonceMark)) {
		return fmt.Errorf("graphiql: page template: unknown placeholders %q, or not one {{nonce}}", bad)
	}
	h.pageHead, h.pageTail = head, tail
	return nil
}

func newAsset(body []byte, contentType string) *asset {
	sum := sha256.Sum256(body)
	v := hex.EncodeToString(sum[:8])
	return &asset{body: body, contentType: contentType, etag: `"` + v + `"`, version: v}
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// AssetPrefix is the URL path prefix of the assets (Path+AssetDir), for the
// caller's router.
func (h *Handler) AssetPrefix() string { return h.assetPrefix }

// IsPage reports whether body is this handler's page (with any nonce).
func (h *Handler) IsPage(body []byte) bool {
	if h.Load() != nil {
		return false
	}
	return len(body) > len(h.pageHead)+len(h.pageTail) &&
		bytes.HasPrefix(body, h.pageHead) && bytes.HasSuffix(body, h.pageTail)
}

// ServeHTTP answers the page at Path and the assets under AssetPrefix; any
// other path is 404 and any method but GET and HEAD is 405.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.loaded(w) {
		return
	}
	p := r.URL.Path
	switch {
	case p == h.path:
		h.ServePage(w, r)
	case strings.HasPrefix(p, h.assetPrefix):
		a, ok := h.assets[p[len(h.assetPrefix):]]
		if !ok {
			notFound(w)
			return
		}
		cache := "no-cache"
		if v := r.URL.Query().Get("v"); v == a.version {
			cache = "public, max-age=31536000, immutable"
		}
		serve(w, r, a, cache)
	default:
		notFound(w)
	}
}

// ServePage answers the page itself, whatever the request path; the caller
// decides when the page is shown (v1: GET without a query parameter). Each
// answer has a fresh nonce, so the page (under 1.5 KB) is never stored.
func (h *Handler) ServePage(w http.ResponseWriter, r *http.Request) {
	if !h.loaded(w) {
		return
	}
	hdr := w.Header()
	if !allowed(w, r) {
		return
	}
	var raw [16]byte
	rand.Read(raw[:]) // never fails (crypto/rand's documented guarantee)
	nonce := base64.StdEncoding.EncodeToString(raw[:])
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy(nonce))
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	body := make([]byte, 0, len(h.pageHead)+len(nonce)+len(h.pageTail))
	body = append(append(append(body, h.pageHead...), nonce...), h.pageTail...)
	w.Write(body)
}

// loaded loads the files on first use; when they are broken it answers 500.
func (h *Handler) loaded(w http.ResponseWriter) bool {
	if err := h.Load(); err != nil {
		http.Error(w, "graphiql: the embedded files are broken", http.StatusInternalServerError)
		return false
	}
	return true
}

func allowed(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

func serve(w http.ResponseWriter, r *http.Request, a *asset, cache string) {
	hdr := w.Header()
	if !allowed(w, r) {
		return
	}
	hdr.Set("Cache-Control", cache)
	hdr.Set("Etag", a.etag)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	if etagMatches(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Type", a.contentType)
	w.WriteHeader(http.StatusOK)
	// Written for HEAD too: both net/http and httpcore's writer drop the
	// body of a HEAD answer but keep its content-length.
	w.Write(a.body)
}

// etagMatches is If-None-Match's weak comparison (RFC 9110 13.1.2): a list of
// entity tags, "W/" ignored, or "*".
func etagMatches(header, etag string) bool {
	for header != "" {
		var tag string
		tag, header, _ = strings.Cut(header, ",")
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}

func notFound(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	http.Error(w, "not found", http.StatusNotFound)
}
