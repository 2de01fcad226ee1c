package wire_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// TestSignerAgreesWithSignAndDecode checks the reusing Signer against the
// one-shot functions, from many goroutines (a pooled state must be reset).
func TestSignerAgreesWithSignAndDecode(t *testing.T) {
	key := []byte("key")
	s := wire.NewSigner(key)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				payload := []byte{byte(g), byte(i), 7}
				if got := s.Sign(payload); string(got) != string(wire.Sign(payload, key)) {
					t.Errorf("Sign differs for %v", payload)
					return
				}
				b, err := wire.Encode(&wire.Frame{Type: pb.Container_BINARY_MESSAGE, Payload: payload, SequenceNumber: uint32(i + 1)}, key)
				if err != nil {
					t.Error(err)
					return
				}
				f, err := s.Decode(b)
				if err != nil || string(f.Payload) != string(payload) {
					t.Errorf("Decode: %v", err)
					return
				}
				bad, _ := wire.Encode(&wire.Frame{Type: pb.Container_BINARY_MESSAGE, Payload: payload}, []byte("other"))
				if _, err := s.Decode(bad); err != wire.ErrBadSignature {
					t.Errorf("a frame signed with another key: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	_, err := s.Decode([]byte{0xff})
	require.ErrorIs(t, err, wire.ErrMalformed)
}
