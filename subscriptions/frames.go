package subscriptions

import (
	"encoding/binary"
	"strconv"
	"unicode/utf8"
)

// This file is the reading half of the WebSocket protocol (RFC 6455
// section 5) for what a client sends. gorilla/websocket upgrades and
// writes; reading is ours because gorilla's reader can only be driven by a
// goroutine that blocks in it, and an idle socket should hold no goroutine
// (see poller_linux.go). frameReader is fed bytes as they arrive, in
// pieces of any size, and holds nothing between frames.

// WebSocket opcodes.
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xa
)

// maxControlPayload is the largest payload of a close, ping or pong frame.
const maxControlPayload = 125

// closeNoStatus stands for a close frame without a code (RFC 6455 7.1.5);
// it is never sent.
const closeNoStatus = 1005

// frameReader parses client frames. It owns the start of a frame whose
// bytes have not all arrived (partial) and the payload of a fragmented
// message (msg); both are nil while the socket sits at a frame boundary,
// which is where an idle socket sits.
type frameReader struct {
	limit   int64  // the largest message, in bytes (Config.MaxMessageBytes)
	partial []byte // bytes of a frame not yet complete
	msg     []byte // a fragmented message's payload so far
	msgOp   byte   // that message's opcode; 0 when none is being assembled
}

// readError is a violation of the protocol by the client: the socket is
// closed with code and text.
type readError struct {
	code int
	text string
}

// feed parses p after what an earlier call left incomplete, and calls on
// for each complete message (opText or opBinary, fragments joined) and
// each control frame, in order. The payload is only valid during the call
// (it may point into p). When on returns false feed stops and returns
// (false, nil): the socket is ending. A violation returns the close code
// to send; frames before it were delivered.
func (r *frameReader) feed(p []byte, on func(op byte, payload []byte) bool) (bool, *readError) {
	buf := p
	if r.partial != nil {
		r.partial = append(r.partial, p...)
		buf = r.partial
	}
	for len(buf) >= 2 {
		b0, b1 := buf[0], buf[1]
		if b0&0x70 != 0 {
			return false, &readError{CloseProtocolError, "unexpected reserved bits"}
		}
		if b1&0x80 == 0 {
			return false, &readError{CloseProtocolError, "incorrect mask flag"}
		}
		fin, op := b0&0x80 != 0, b0&0x0f
		n, hdr := int64(b1&0x7f), 2
		switch n {
		case 126:
			if len(buf) < 4 {
				return true, r.keep(buf)
			}
			n, hdr = int64(binary.BigEndian.Uint16(buf[2:])), 4
		case 127:
			if len(buf) < 10 {
				return true, r.keep(buf)
			}
			u := binary.BigEndian.Uint64(buf[2:])
			if u>>63 != 0 {
				return false, &readError{CloseProtocolError, "invalid payload length"}
			}
			n, hdr = int64(u), 10
		}
		switch op {
		case opContinuation:
			if r.msgOp == 0 {
				return false, &readError{CloseProtocolError, "continuation after final message frame"}
			}
		case opText, opBinary:
			if r.msgOp != 0 {
				return false, &readError{CloseProtocolError, "message start before final message frame"}
			}
		case opClose, opPing, opPong:
			if n > maxControlPayload {
				return false, &readError{CloseProtocolError, "control frame length > 125"}
			}
			if !fin {
				return false, &readError{CloseProtocolError, "control frame not final"}
			}
		default:
			return false, &readError{CloseProtocolError, "unknown opcode " + strconv.Itoa(int(op))}
		}
		// The limit counts the whole message and is checked from the
		// header, before its payload is waited for or held.
		if op < opClose && (n > r.limit || int64(len(r.msg))+n > r.limit) {
			return false, &readError{CloseMessageTooBig, ""}
		}
		end := int64(hdr+4) + n
		if int64(len(buf)) < end {
			return true, r.keep(buf)
		}
		payload := buf[hdr+4 : end]
		mask := buf[hdr : hdr+4]
		for i := range payload {
			payload[i] ^= mask[i&3]
		}
		buf = buf[end:]

		switch {
		case op >= opClose:
		case op == opContinuation:
			r.msg = append(r.msg, payload...)
			if !fin {
				continue
			}
			op, payload = r.msgOp, r.msg
			r.msg, r.msgOp = nil, 0
		case !fin:
			r.msg, r.msgOp = append([]byte(nil), payload...), op
			continue
		}
		if !on(op, payload) {
			r.partial = nil
			return false, nil
		}
	}
	return true, r.keep(buf)
}

// keep holds the incomplete rest of the input (nil when there is none)
// for the next feed. It always copies: rest may point into the caller's
// buffer, or into partial, which it lets go of.
func (r *frameReader) keep(rest []byte) *readError {
	if len(rest) == 0 {
		r.partial = nil
	} else {
		r.partial = append([]byte(nil), rest...)
	}
	return nil
}

// parseClose reads a close frame's payload: the peer's code
// (closeNoStatus when it sent none), or a violation.
func parseClose(payload []byte) (int, *readError) {
	if len(payload) < 2 {
		// RFC 6455 allows no body; one byte is malformed, and read as no
		// body as gorilla/websocket does.
		return closeNoStatus, nil
	}
	code := int(binary.BigEndian.Uint16(payload))
	if !validReceivedCloseCode(code) {
		return 0, &readError{CloseProtocolError, "bad close code " + strconv.Itoa(code)}
	}
	if !utf8.Valid(payload[2:]) {
		return 0, &readError{CloseProtocolError, "invalid utf8 payload in close frame"}
	}
	return code, nil
}

// validReceivedCloseCode: the codes a peer may send (RFC 6455 section
// 7.4.1 and the IANA registry; 1004, 1005, 1006 and 1015 never travel on
// the wire), and the 3000–4999 ranges for libraries and applications.
func validReceivedCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	}
	return code >= 3000 && code <= 4999
}
