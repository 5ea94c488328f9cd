package h2

import (
	"net/http"
	"testing"
)

// FuzzUpgradeSettings: any Upgrade, Connection and HTTP2-Settings values
// are read without panicking; a granted upgrade carries whole 6-byte
// settings entries.
func FuzzUpgradeSettings(f *testing.F) {
	f.Add("h2c", "Upgrade, HTTP2-Settings", "AAMAAABkAAQCAAAAAAIAAAAA")
	f.Add("h2c, websocket", "upgrade,http2-settings", "")
	f.Add("H2C", "Upgrade,,HTTP2-Settings", "AAMAAABk==")
	f.Fuzz(func(t *testing.T, upgrade, connection, settings string) {
		r := &http.Request{ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{
			"Upgrade": {upgrade}, "Connection": {connection}, "Http2-Settings": {settings},
		}}
		if s, ok := upgradeSettings(r); ok && len(s)%6 != 0 {
			t.Fatalf("granted with %d settings bytes", len(s))
		}
	})
}
