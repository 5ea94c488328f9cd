package pyjson

import "testing"

// typicalBody is a GraphQL request body of the usual size (~200 bytes).
var typicalBody = []byte(`{"query":"query GetUser($id: ID!) { user(id: $id) { id firstName lastName email posts(limit: 5) { id title } } }","variables":{"id":"11111111-1111-1111-1111-111111111111"},"operationName":"GetUser"}`)

func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(typicalBody)))
	for b.Loop() {
		if _, err := Decode(typicalBody); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendCompact(b *testing.B) {
	v, err := Decode(typicalBody)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	b.SetBytes(int64(len(typicalBody)))
	for b.Loop() {
		if buf, err = AppendCompact(buf[:0], &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendSpaced(b *testing.B) {
	v, err := Decode(typicalBody)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		if buf, err = AppendSpaced(buf[:0], &v); err != nil {
			b.Fatal(err)
		}
	}
}
