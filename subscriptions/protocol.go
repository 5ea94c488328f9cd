package subscriptions

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Subprotocol names, as offered in Sec-WebSocket-Protocol.
const (
	// ProtocolTransportWS is the graphql-transport-ws protocol (the
	// graphql-ws npm package, Apollo Client 3's GraphQLWsLink, urql, …).
	ProtocolTransportWS = "graphql-transport-ws"
	// ProtocolLegacyWS is subscriptions-transport-ws's protocol, named
	// graphql-ws (Apollo's older clients).
	ProtocolLegacyWS = "graphql-ws"
)

// Close codes sent by the server. 4xxx are graphql-transport-ws's; the
// legacy protocol defines none, so it reuses them where it must close.
const (
	CloseNormal              = 1000 // connection_terminate (legacy)
	CloseGoingAway           = 1001 // server shutdown
	CloseProtocolError       = 1002 // a frame that breaks RFC 6455 (unmasked, reserved bits, bad opcode …)
	ClosePolicyViolation     = 1008 // outgoing queue full: the client reads too slowly
	CloseMessageTooBig       = 1009 // a message over Config.MaxMessageBytes
	CloseBadRequest          = 4400 // invalid message (binary, bad JSON, unknown type, missing id …)
	CloseUnauthorized        = 4401 // subscribe before connection_ack
	CloseForbidden           = 4403 // authentication refused, or credentials expired
	CloseSubprotocolNotOK    = 4406 // no or unknown subprotocol
	CloseInitTimeout         = 4408 // no connection_init within Config.InitTimeout
	CloseSubscriberExists    = 4409 // subscribe with the id of a live operation
	CloseTooManyInits        = 4429 // a second connection_init
	CloseInternalServerError = 4500 // an unexpected engine error
)

// inMessage is a client message; fields are checked by hand so that every
// shape error becomes a protocol error, not a crash.
type inMessage struct {
	Type    *string         `json:"type"`
	ID      *string         `json:"id"`
	Payload json.RawMessage `json:"payload"`
}

type subscribePayload struct {
	Query         *string         `json:"query"`
	OperationName *string         `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    json.RawMessage `json:"extensions"`
}

// isNull reports whether raw is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// isObject reports whether raw is a JSON object (raw is already valid JSON).
func isObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

// parseRequest checks a subscribe/start payload; msg is "" when it is fine.
func parseRequest(raw json.RawMessage) (req Request, msg string) {
	if !isObject(raw) {
		return req, "payload must be an object"
	}
	var p subscribePayload
	if err := json.Unmarshal(raw, &p); err != nil {
		return req, "payload fields have the wrong types"
	}
	if p.Query == nil || *p.Query == "" {
		return req, "payload.query must be a non-empty string"
	}
	req.Query = *p.Query
	if p.OperationName != nil {
		req.OperationName = *p.OperationName
	}
	if !isNull(p.Variables) {
		if !isObject(p.Variables) {
			return req, "payload.variables must be an object"
		}
		req.Variables = p.Variables
	}
	if !isNull(p.Extensions) {
		if !isObject(p.Extensions) {
			return req, "payload.extensions must be an object"
		}
		req.Extensions = p.Extensions
	}
	return req, ""
}

// encode builds {"type":t,"id":id,"payload":payload}; quotedID and payload
// may be nil. quotedID is already a JSON string.
func encode(t string, quotedID []byte, payload []byte) []byte {
	b := make([]byte, 0, 32+len(quotedID)+len(payload))
	b = append(b, `{"type":"`...)
	b = append(b, t...)
	b = append(b, '"')
	if quotedID != nil {
		b = append(b, `,"id":`...)
		b = append(b, quotedID...)
	}
	if payload != nil {
		b = append(b, `,"payload":`...)
		b = append(b, payload...)
	}
	return append(b, '}')
}

// quoteID renders a client id as a JSON string.
func quoteID(id string) []byte {
	b, err := json.Marshal(id)
	if err != nil { // invalid UTF-8 is replaced by json.Marshal, never an error
		return []byte(strconv.Quote(id))
	}
	return b
}

// messagePayload is the legacy protocol's error object.
func messagePayload(msg string) []byte {
	b, _ := json.Marshal(struct {
		Message string `json:"message"`
	}{msg})
	return b
}

// errorsPayload is a graphql-transport-ws error payload: an array of one
// GraphQL error with a code.
func errorsPayload(msg, code string) []byte {
	type ext struct {
		Code string `json:"code"`
	}
	b, _ := json.Marshal([]struct {
		Message    string `json:"message"`
		Extensions ext    `json:"extensions"`
	}{{msg, ext{code}}})
	return b
}
