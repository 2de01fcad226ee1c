package wire_test

import (
	"bytes"
	"testing"

	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// FuzzDecode: Decode never panics, agrees with the generated Container wherever that accepts the bytes,
// and a frame that decodes re-encodes to bytes that decode to the same values.
func FuzzDecode(f *testing.F) {
	f.Add(unhex(f, helloRequestContainer), goldenKey)
	f.Add(oldHelloRequest(f), goldenKey)
	f.Add(unhex(f, helloResultContainer), goldenKey)
	f.Add(unhex(f, byeContainer), goldenKey)
	f.Add(unhex(f, relayBinaryPacked), goldenKey)
	f.Add(unhex(f, helloRequestContainer), []byte("kez"))
	f.Add([]byte{}, []byte{})
	f.Add([]byte("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"), goldenKey)
	f.Fuzz(func(t *testing.T, frame, key []byte) {
		assertMatchesGenerated(t, frame)
		if p, _, err := wire.Parse(frame); err == nil {
			_, _ = p.Message() // must not panic on any payload
		}
		got, err := wire.Decode(frame, key)
		if err != nil {
			return
		}
		again, err := wire.Encode(got, key)
		if err != nil {
			t.Fatalf("Encode(%+v): %v", got, err)
		}
		back, err := wire.Decode(again, key)
		if err != nil {
			t.Fatalf("Decode(Encode(%+v)) = %v", got, err)
		}
		if back.Type != got.Type || !bytes.Equal(back.Payload, got.Payload) ||
			back.SequenceNumber != got.SequenceNumber || back.LifeTimeMilliSeconds != got.LifeTimeMilliSeconds {
			t.Fatalf("round trip: %+v became %+v", got, back)
		}
	})
}
