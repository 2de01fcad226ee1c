package wire_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// TestAppendSignedMatchesProtoMarshal holds the hand encoding to the
// generated one for every message type and the zero/non-zero cases of each
// field, and checks that it appends to dst.
func TestAppendSignedMatchesProtoMarshal(t *testing.T) {
	payloads := [][]byte{nil, {}, []byte("x"), bytes.Repeat([]byte{0xab}, 300)}
	sigs := [][]byte{nil, wire.Sign([]byte("x"), []byte("key"))}
	for typ := range pb.Container_MessageType_name {
		for _, payload := range payloads {
			for _, sig := range sigs {
				for _, n := range []uint32{0, 1, 300, 1 << 31} {
					f := &wire.Frame{Type: pb.Container_MessageType(typ), Payload: payload, SequenceNumber: n, LifeTimeMilliSeconds: n}
					want, err := proto.MarshalOptions{Deterministic: true}.Marshal(&pb.Container{
						MessageType: f.Type, Payload: &anypb.Any{TypeUrl: wire.TypeURL(f.Type), Value: payload},
						Signature: sig, SequenceNumber: n, LifeTimeMilliSeconds: n,
					})
					require.NoError(t, err)
					got, err := wire.AppendSigned([]byte("head"), f, sig)
					require.NoError(t, err)
					require.Equal(t, append([]byte("head"), want...), got, "type %d payload %d sig %d n %d", typ, len(payload), len(sig), n)
				}
			}
		}
	}
}
