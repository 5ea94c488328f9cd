package fastapi

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// Automatic persisted queries, as FraiseQL v1.9.7's POST /graphql handles
// them (spec/fastapi-contract.md §6). A client sends
// extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}, with the
// query text once ("registration") and without it afterwards ("hit"). The
// body model's 422 checks of the extension live in body.go; this file is
// what happens after the 401 gate.
//
// v1.9.7 behaviour kept only under --quirks v1.9.7 (TrustHash, quirk 14):
//   - the hash is never checked against the text, so a registration under
//     any hash executes its query and later answers hits for that hash
//     (with the PostgreSQL store, the first registration wins for good).
//     By default a registration whose hash is not the SHA-256 of its text
//     is refused with Apollo Server's "provided sha does not match query"
//     (400, code BAD_REQUEST): nothing is stored or executed;
//
// v1 behaviour kept in both modes, because clients see it:
//   - "required" mode refuses requests without a persistedQuery; a
//     registration carries its own text, which runs once it is stored
//     under its verified hash;
//   - GET /graphql cannot carry the extension, so required mode refuses it;
//   - every other refusal or miss is HTTP 200 with a GraphQL error body.

// APQMode is v1's apq_mode.
type APQMode string

const (
	// APQOptional processes persisted queries and accepts plain ones.
	APQOptional APQMode = "optional"
	// APQRequired refuses requests that carry no persistedQuery.
	APQRequired APQMode = "required"
	// APQDisabled validates the extension (422s) but otherwise ignores it.
	APQDisabled APQMode = "disabled"
)

// Store names accepted by --apq-store.
const (
	APQStoreMemory   = "memory"
	APQStorePostgres = "postgresql"
)

// Defaults of the in-memory store. An entry costs its query text plus
// about 200 bytes; the byte bound keeps unauthenticated registrations of
// huge documents from growing the heap without limit (v1's store is an
// unbounded dict).
const (
	DefaultAPQCacheEntries = 10000
	DefaultAPQCacheBytes   = 64 << 20
)

// APQStore maps a client-chosen hash to query text. Implementations must be
// safe for concurrent use.
type APQStore interface {
	// Get returns the query registered under hash. An error is a store
	// failure (logged; the client sees PersistedQueryNotFound and
	// re-registers).
	Get(ctx context.Context, hash string) (query string, found bool, err error)
	// Put registers query under hash.
	Put(ctx context.Context, hash, query string) error
}

// Fixed APQ bodies, byte for byte as v1 writes them.
var (
	bodyAPQRequired = []byte(`{"errors":[{"message":"Persisted queries required. Arbitrary queries are not allowed.","extensions":{"code":"ARBITRARY_QUERY_NOT_ALLOWED","details":"Configure your client to use Automatic Persisted Queries (APQ) or register queries at build time."}}]}`)
	bodyAPQNotFound = []byte(`{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]}`)
	// Apollo Server's answer to a registration whose hash is not its text's.
	bodyAPQHashMismatch = []byte(`{"errors":[{"message":"provided sha does not match query","extensions":{"code":"BAD_REQUEST"}}]}`)
)

// APQ is the handler's persisted-query step.
type APQ struct {
	Mode   APQMode
	Store  APQStore
	Logger *slog.Logger
	// TrustHash stores and runs a registration under whatever hash it
	// names, as v1.9.7 does (--quirks v1.9.7).
	TrustHash bool
	// Stats, when set, counts hits, misses and registrations (metrics).
	Stats *APQStats
}

// APQStats counts what Resolve did with persisted queries.
type APQStats struct {
	Hits, Misses, Registrations atomic.Uint64
}

// Resolve applies the APQ step to req; ext is the validated extensions
// object (nil when absent, always nil for GET) and loneSurrogate says the
// query text held an unpaired surrogate escape. It returns false after
// writing the answer itself (refusal, miss, or the 500 of a blank
// registration); otherwise req is ready to execute, with the stored text as
// its query on a hit, so the engine's document cache (keyed by text) finds
// the already parsed and validated document.
func (a *APQ) Resolve(w h1.ResponseWriter, r *http.Request, req *graphqlexec.Request, ext *pyjson.Value, loneSurrogate bool) bool {
	var pq *pyjson.Value
	if ext != nil {
		pq = ext.Get("persistedQuery")
	}
	if pq == nil {
		if a.Mode == APQRequired {
			w.Respond(http.StatusOK, ContentTypeJSON, bodyAPQRequired)
			return false
		}
		return true
	}
	if a.Mode == APQDisabled {
		return true
	}
	// The body model guarantees a non-empty string hash.
	hash := pq.Get("sha256Hash")
	if strings.TrimFunc(hash.Str, isPySpace) == "" {
		w.Respond(http.StatusOK, ContentTypeJSON, bodyAPQNotFound)
		return false
	}
	if !req.QueryMissing && req.Query != "" {
		// Registration. v1's store raises ValueError for a blank query (and
		// UnicodeEncodeError hashing a lone surrogate) outside the
		// handler's error handling: Starlette's 500.
		if loneSurrogate || strings.TrimFunc(req.Query, isPySpace) == "" {
			ServerError(w)
			return false
		}
		if sum := sha256.Sum256([]byte(req.Query)); hex.EncodeToString(sum[:]) != hash.Str {
			if !a.TrustHash {
				w.Respond(http.StatusBadRequest, ContentTypeJSON, bodyAPQHashMismatch)
				return false
			}
			a.Logger.WarnContext(r.Context(), "apq: hash does not match the query text; stored anyway, as FraiseQL v1.9.7 does",
				"hash", clip(hash.Str, 16))
		}
		if a.Stats != nil {
			a.Stats.Registrations.Add(1)
		}
		if err := a.Store.Put(r.Context(), hash.Str, req.Query); err != nil {
			// The request still carries its text: execute it, a later hit
			// will miss and the client registers again.
			a.Logger.ErrorContext(r.Context(), "apq: storing a persisted query failed", "err", err)
		}
		return true
	}
	query, found, err := a.Store.Get(r.Context(), hash.Str)
	if err != nil {
		a.Logger.ErrorContext(r.Context(), "apq: reading a persisted query failed", "err", err)
	}
	if !found {
		if a.Stats != nil {
			a.Stats.Misses.Add(1)
		}
		w.Respond(http.StatusOK, ContentTypeJSON, bodyAPQNotFound)
		return false
	}
	if a.Stats != nil {
		a.Stats.Hits.Add(1)
	}
	req.Query, req.QueryMissing = query, false
	return true
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// isPySpace is Python's str.isspace for one character: Unicode white space
// plus the ASCII information separators U+001C..U+001F, what str.strip()
// removes.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// MemoryAPQStore is a bounded LRU map from hash to query text: the
// per-process store of v1 (apq_storage_backend "memory"), with bounds v1
// does not have. The least recently used entries are dropped first.
type MemoryAPQStore struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int64
	bytes      int64
	order      *list.List // front = most recently used; values are *apqEntry
	entries    map[string]*list.Element
}

type apqEntry struct{ hash, query string }

// NewMemoryAPQStore returns a store bounded to maxEntries entries and
// maxBytes bytes of hash plus query text; values below 1 take the defaults.
func NewMemoryAPQStore(maxEntries int, maxBytes int64) *MemoryAPQStore {
	if maxEntries < 1 {
		maxEntries = DefaultAPQCacheEntries
	}
	if maxBytes < 1 {
		maxBytes = DefaultAPQCacheBytes
	}
	return &MemoryAPQStore{
		maxEntries: maxEntries, maxBytes: maxBytes,
		order: list.New(), entries: make(map[string]*list.Element),
	}
}

// Get implements APQStore.
func (s *MemoryAPQStore) Get(_ context.Context, hash string) (string, bool, error) {
	q, ok := s.get(hash)
	return q, ok, nil
}

func (s *MemoryAPQStore) get(hash string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.entries[hash]
	if !ok {
		return "", false
	}
	s.order.MoveToFront(el)
	return el.Value.(*apqEntry).query, true
}

// Put implements APQStore. Like v1's dict, a new registration under a known
// hash replaces the old text. A query larger than the byte bound is not
// kept (it still executes: the request carries it).
func (s *MemoryAPQStore) Put(_ context.Context, hash, query string) error {
	s.put(hash, query)
	return nil
}

func (s *MemoryAPQStore) put(hash, query string) {
	size := int64(len(hash) + len(query))
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.entries[hash]; ok {
		s.remove(el)
	}
	if size > s.maxBytes {
		return
	}
	s.entries[hash] = s.order.PushFront(&apqEntry{hash, query})
	s.bytes += size
	for s.order.Len() > s.maxEntries || s.bytes > s.maxBytes {
		s.remove(s.order.Back())
	}
}

func (s *MemoryAPQStore) forget(hash string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.entries[hash]; ok {
		s.remove(el)
	}
}

func (s *MemoryAPQStore) remove(el *list.Element) {
	e := s.order.Remove(el).(*apqEntry)
	delete(s.entries, e.hash)
	s.bytes -= int64(len(e.hash) + len(e.query))
}

// Len returns the number of entries held.
func (s *MemoryAPQStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len()
}
