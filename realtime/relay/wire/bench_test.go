package wire_test

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// benchFrame is a broadcast BinaryMessage with 64 bytes of application data, the benchmark load.
func benchFrame(b *testing.B) (*wire.Frame, []byte) {
	relayed, err := proto.Marshal(&pb.RelayBinaryMessage{ConnectionId: 3, Data: make([]byte, 64)})
	if err != nil {
		b.Fatal(err)
	}
	f, err := wire.NewFrame(&pb.BinaryMessage{Data: relayed}, 42, 123456)
	if err != nil {
		b.Fatal(err)
	}
	return f, []byte("room-encryption-key")
}

func BenchmarkDecode(b *testing.B) {
	f, key := benchFrame(b)
	frame, err := wire.Encode(f, key)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := wire.Decode(frame, key); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	f, key := benchFrame(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := wire.Encode(f, key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeSigned is the per-recipient cost of a broadcast that signs once.
func BenchmarkEncodeSigned(b *testing.B) {
	f, key := benchFrame(b)
	sig := wire.Sign(f.Payload, key)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := wire.EncodeSigned(f, sig); err != nil {
			b.Fatal(err)
		}
	}
}
