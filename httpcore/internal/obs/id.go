package obs

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync/atomic"
)

// IDMode says whether the X-Request-ID header is read and echoed.
type IDMode string

const (
	// IDAuto echoes a well-formed incoming X-Request-ID (a proxy's id
	// stays the id of the request end to end); a request without one gets
	// the generated id only when its answer is a 5xx or told the client
	// "Internal server error" (Record.MarkInternal), so that the client can
	// quote the id of the log line saying why, and every other answer keeps
	// v1's bytes. Under --quirks v1.9.7 it acts as IDOff. The default.
	IDAuto IDMode = "auto"
	// IDAlways answers every request with an x-request-id header: the
	// incoming one when well formed, else a generated one (what a server
	// without an id-making proxy in front wants).
	IDAlways IDMode = "always"
	// IDOff neither reads nor sends the header; ids are generated for the
	// logs only.
	IDOff IDMode = "off"
)

// ParseIDMode reads a --request-id-header value.
func ParseIDMode(s string) (IDMode, error) {
	switch m := IDMode(s); m {
	case IDAuto, IDAlways, IDOff:
		return m, nil
	case "":
		return IDAuto, nil
	}
	return "", fmt.Errorf("%q is not auto, always or off", s)
}

// HeaderName is the request id header, lower-case as uvicorn writes
// header names.
const HeaderName = "x-request-id"

// MaxIDBytes bounds an incoming id.
const MaxIDBytes = 128

// ValidID reports whether an incoming id may be used as it is: 1 to
// MaxIDBytes bytes of ASCII letters, digits and "-_.:/+=@" (UUIDs, ULIDs,
// hex trace ids, base64 and the AWS "Root=1-…" forms; no space, quote,
// control byte or non-ASCII byte that could forge a log line or a header).
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > MaxIDBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '=' || c == '@':
		default:
			return false
		}
	}
	return true
}

// IDs makes request ids: a random 8-byte prefix chosen once and a
// counter, as 32 hex digits. Safe for concurrent use.
type IDs struct {
	prefix [8]byte
	n      atomic.Uint64
}

// NewIDs chooses the random prefix.
func NewIDs() (*IDs, error) {
	g := &IDs{}
	if _, err := rand.Read(g.prefix[:]); err != nil {
		return nil, fmt.Errorf("obs: request id prefix: %w", err)
	}
	return g, nil
}

// Next returns a new id.
func (g *IDs) Next() string { return g.format(g.n.Add(1)) }

func (g *IDs) format(n uint64) string {
	var b [16]byte
	copy(b[:8], g.prefix[:])
	binary.BigEndian.PutUint64(b[8:], n)
	var out [32]byte
	hex.Encode(out[:], b[:])
	return string(out[:])
}
