package subscriptions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Op is the row operation that caused an event (the trigger's TG_OP).
type Op string

const (
	OpInsert Op = "INSERT"
	OpUpdate Op = "UPDATE"
	OpDelete Op = "DELETE"
)

// MaxNotifyPayload is PostgreSQL's limit on a NOTIFY payload (bytes, less
// than 8000). The shipped trigger never sends more; it sends an overflow
// event instead (see Event.Overflow).
const MaxNotifyPayload = 7999

// Event is one change notification, decoded from the NOTIFY payload the
// shipped trigger sends (sql/fraiseql_notify.sql):
//
//	{"entity":"Post","op":"UPDATE","id":"…","scope":{"tenant_id":"…"}}
//
// An event carries ids and scope values, never the row: each subscriber's
// selection is read under its own context.
type Event struct {
	Entity string             // GraphQL type name given at install ("Post")
	Op     Op                 // INSERT, UPDATE or DELETE
	ID     string             // the id column as text ("" only when Overflow)
	Scope  map[string]*string // scope column → value as text (nil: SQL NULL)
	// Overflow is set when the row's id and scope values did not fit in a
	// NOTIFY payload: the event says only "some row of Entity changed". The
	// Hub does not read for it; it sends every subscription of the entity
	// the lost-events signal.
	Overflow bool
}

// wireEvent is the JSON shape of the payload.
type wireEvent struct {
	Entity   string             `json:"entity"`
	Op       Op                 `json:"op"`
	ID       *string            `json:"id"`
	Scope    map[string]*string `json:"scope"`
	Overflow bool               `json:"overflow"`
}

// ErrBadEvent is wrapped by ParseEvent's errors.
var ErrBadEvent = errors.New("bad event payload")

// ParseEvent decodes and checks one NOTIFY payload. Anything else on the
// channel (a hand-written NOTIFY, another program's payload) is an error the
// Hub logs and drops; it never reaches a subscriber.
func ParseEvent(payload []byte) (Event, error) {
	if len(payload) > MaxNotifyPayload {
		return Event{}, fmt.Errorf("%w: %d bytes", ErrBadEvent, len(payload))
	}
	var w wireEvent
	// Unknown fields are ignored: a newer trigger may add some, and a
	// server that does not know them still delivers the event.
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&w); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrBadEvent, err)
	}
	if dec.More() {
		return Event{}, fmt.Errorf("%w: trailing data", ErrBadEvent)
	}
	switch {
	case w.Entity == "" || len(w.Entity) > 63:
		return Event{}, fmt.Errorf("%w: entity must be 1 to 63 bytes", ErrBadEvent)
	case w.Op != OpInsert && w.Op != OpUpdate && w.Op != OpDelete:
		return Event{}, fmt.Errorf("%w: unknown op %q", ErrBadEvent, w.Op)
	case !w.Overflow && (w.ID == nil || *w.ID == ""):
		return Event{}, fmt.Errorf("%w: id missing", ErrBadEvent)
	}
	ev := Event{Entity: w.Entity, Op: w.Op, Scope: w.Scope, Overflow: w.Overflow}
	if w.ID != nil && !w.Overflow {
		ev.ID = *w.ID
	}
	return ev, nil
}
