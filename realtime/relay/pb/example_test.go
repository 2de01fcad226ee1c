package pb_test

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/hearth-go/hearth/realtime/relay/pb"
)

// RelayBinaryMessage writes its target list packed, as GS2 clients do.
func Example() {
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(&pb.RelayBinaryMessage{TargetConnectionId: []uint32{2, 3}})
	fmt.Printf("%x\n", b)
	fmt.Println((&pb.Container{}).ProtoReflect().Descriptor().FullName())
	// Output:
	// 1a020203
	// hearth.relay.v1.Container
}
