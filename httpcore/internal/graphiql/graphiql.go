package graphiql

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// The third-party build (written by scripts/graphiql-update.sh) and the page
// written for this server are kept apart so an update never touches ours.
//
//go:embed assets page
var files embed.FS

// AssetDir is the path segment under Options.Path where the assets live.
const AssetDir = "/graphiql/"

// ContentSecurityPolicy is sent with the page: everything from our own origin
// (WebSocket connections to it included), images and fonts also as data:
// URLs (GraphiQL's CSS inlines its fonts and icons), nothing inline.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

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
// Options.Path+AssetDir, for GET and HEAD. Everything is built once in New;
// serving allocates nothing but what the ResponseWriter does.
type Handler struct {
	path        string
	assetPrefix string
	page        asset
	assets      map[string]*asset // by name under the asset prefix
}

type asset struct {
	body        []byte
	contentType string
	etag        string // quoted strong ETag: a prefix of the body's sha256
	version     string // the same hash, as the page's ?v= cache buster
}

// New builds the handler. It panics only if the embedded files are broken,
// which the package's tests rule out.
func New(opts Options) *Handler {
	if opts.Path == "" {
		opts.Path = "/graphql"
	}
	if opts.Endpoint == "" {
		opts.Endpoint = opts.Path
	}
	h := &Handler{
		path:        opts.Path,
		assetPrefix: strings.TrimSuffix(opts.Path, "/") + AssetDir,
		assets:      map[string]*asset{},
	}
	for _, dir := range []string{"assets", "page"} {
		entries, err := fs.ReadDir(files, dir)
		if err != nil {
			panic("graphiql: embedded files: " + err.Error())
		}
		for _, e := range entries {
			if e.IsDir() || e.Name() == "index.html" || e.Name() == "manifest.json" {
				continue
			}
			body, err := files.ReadFile(dir + "/" + e.Name())
			if err != nil {
				panic("graphiql: embedded files: " + err.Error())
			}
			h.assets[e.Name()] = newAsset(body, contentType(e.Name()))
		}
	}
	tmpl := template.Must(template.New("index.html").Funcs(template.FuncMap{
		"asset": func(name string) (string, error) {
			a, ok := h.assets[name]
			if !ok {
				return "", fs.ErrNotExist
			}
			return h.assetPrefix + name + "?v=" + a.version, nil
		},
	}).ParseFS(files, "page/index.html"))
	var page bytes.Buffer
	if err := tmpl.Execute(&page, struct{ Endpoint string }{opts.Endpoint}); err != nil {
		panic("graphiql: page template: " + err.Error())
	}
	h.page = *newAsset(page.Bytes(), "text/html; charset=utf-8")
	return h
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

// Page returns the page's bytes (for tests and size reports).
func (h *Handler) Page() []byte { return h.page.body }

// ServeHTTP answers the page at Path and the assets under AssetPrefix; any
// other path is 404 and any method but GET and HEAD is 405.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
		serve(w, r, a, cache, false)
	default:
		notFound(w)
	}
}

// ServePage answers the page itself, whatever the request path; the caller
// decides when the page is shown (v1: GET without a query parameter).
func (h *Handler) ServePage(w http.ResponseWriter, r *http.Request) {
	serve(w, r, &h.page, "no-cache", true)
}

func serve(w http.ResponseWriter, r *http.Request, a *asset, cache string, page bool) {
	hdr := w.Header()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	hdr.Set("Cache-Control", cache)
	hdr.Set("Etag", a.etag)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	if page {
		hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	}
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
