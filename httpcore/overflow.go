package httpcore

import (
	"bufio"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fraiseql/fraiseql-http/subscriptions"
)

// rejectTimeout bounds everything done for a connection over the limit:
// the TLS handshake, reading its request head, writing the answer.
const rejectTimeout = 2 * time.Second

// overflowBody is the 503's body, in FastAPI's {"detail": …} shape.
var overflowBody = `{"detail":"Service Unavailable"}`

// rejectOverflow answers a connection that arrived while --max-connections
// were open and --max-connections-overflow is reject: an HTTP request gets
// 503 with Retry-After, a WebSocket upgrade completes and is closed at once
// with 1013 (try again later), the code a browser's client can read, so a
// load balancer or client retries elsewhere instead of waiting in the
// kernel's backlog. tlsCfg is set when the port speaks TLS.
func rejectOverflow(tlsCfg *tls.Config) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(rejectTimeout))
		if tlsCfg != nil {
			tc := tls.Server(c, tlsCfg)
			if err := tc.Handshake(); err != nil {
				return
			}
			c = tc
		}
		br := bufio.NewReaderSize(c, 4096)
		req, err := http.ReadRequest(br)
		if err != nil {
			// Not HTTP/1 (an HTTP/2 preface, garbage): nothing to answer in
			// its language; closing is the refusal.
			return
		}
		if subscriptions.IsUpgrade(req) && req.Header.Get("Sec-WebSocket-Key") != "" {
			_, _ = c.Write(overflowUpgrade(req))
			return
		}
		_, _ = c.Write([]byte("HTTP/1.1 503 Service Unavailable\r\n" +
			"content-type: application/json\r\n" +
			"retry-after: 1\r\n" +
			"connection: close\r\n" +
			"content-length: " + strconv.Itoa(len(overflowBody)) + "\r\n\r\n" + overflowBody))
	}
}

// overflowUpgrade is the 101 answer to an upgrade followed by a close frame
// 1013 "Try Again Later" (RFC 6455 §4.2.2, §5.5.1; IANA's close code
// registry). The subprotocol is echoed when the client offered one of ours,
// so clients that insist on one read the close code instead of failing the
// handshake.
func overflowUpgrade(req *http.Request) []byte {
	h := sha1.New()
	h.Write([]byte(req.Header.Get("Sec-WebSocket-Key")))
	h.Write([]byte("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	accept := base64.StdEncoding.EncodeToString(h.Sum(nil))
	b := []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n")
	if p := offeredProtocol(req); p != "" {
		b = append(b, "Sec-WebSocket-Protocol: "+p+"\r\n"...)
	}
	b = append(b, "\r\n"...)
	const reason = "Try Again Later"
	b = append(b, 0x88, byte(2+len(reason)))
	b = binary.BigEndian.AppendUint16(b, 1013)
	return append(b, reason...)
}

// offeredProtocol is the first of our subprotocols the client offered.
func offeredProtocol(req *http.Request) string {
	for _, v := range req.Header.Values("Sec-WebSocket-Protocol") {
		for p := range strings.SplitSeq(v, ",") {
			p = strings.TrimSpace(p)
			if p == subscriptions.ProtocolTransportWS || p == subscriptions.ProtocolLegacyWS {
				return p
			}
		}
	}
	return ""
}
