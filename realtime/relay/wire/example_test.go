package wire_test

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// A server encodes a BinaryMessage carrying a RelayBinaryMessage for one recipient; the recipient
// decodes it, verifying the signature with the room's encryption key.
func Example() {
	key := []byte("room-encryption-key")

	relayed, _ := proto.Marshal(&pb.RelayBinaryMessage{ConnectionId: 2, Data: []byte("hello")})
	frame, err := wire.EncodeMessage(&pb.BinaryMessage{Data: relayed}, 1, 1500, key)
	if err != nil {
		panic(err)
	}

	f, err := wire.Decode(frame, key)
	if err != nil {
		panic(err)
	}
	msg, _ := f.Message()
	var rb pb.RelayBinaryMessage
	_ = proto.Unmarshal(msg.(*pb.BinaryMessage).GetData(), &rb)
	fmt.Println(f.Type, f.SequenceNumber, f.LifeTimeMilliSeconds)
	fmt.Printf("from %d: %s\n", rb.GetConnectionId(), rb.GetData())

	_, err = wire.Decode(frame, []byte("another-key"))
	fmt.Println(errors.Is(err, wire.ErrBadSignature))
	// Output:
	// BINARY_MESSAGE 1 1500
	// from 2: hello
	// true
}
