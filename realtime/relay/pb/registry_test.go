package pb_test

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/hearth-go/hearth/realtime/relay/pb"
)

// The generated types live under the proto package hearth.relay.v1: the global registry holds no bare
// Container or Error (which would clash with other schemas linked into the same binary).
func TestRegistryHoldsNoBareNames(t *testing.T) {
	for _, bare := range []protoreflect.FullName{"Container", "Error", "Player", "HelloRequest", "RelayBinaryMessage"} {
		if _, err := protoregistry.GlobalTypes.FindMessageByName(bare); !errors.Is(err, protoregistry.NotFound) {
			t.Errorf("bare %s registered (err %v)", bare, err)
		}
		if _, err := protoregistry.GlobalTypes.FindMessageByName("hearth.relay.v1." + bare); err != nil {
			t.Errorf("hearth.relay.v1.%s: %v", bare, err)
		}
	}
	if got := (&pb.Container{}).ProtoReflect().Descriptor().FullName(); got != "hearth.relay.v1.Container" {
		t.Errorf("Container full name = %s", got)
	}
}

// The schema keeps GS2's field numbers and enum values (the wire is what GS2 clients speak).
func TestSchemaNumbers(t *testing.T) {
	fields := map[protoreflect.FullName][]string{
		"hearth.relay.v1.Container":                 {"messageType", "payload", "signature", "sequenceNumber", "lifeTimeMilliSeconds"},
		"hearth.relay.v1.RUDPSendContainer":         {"connectionId", "secret", "packetNumber", "container"},
		"hearth.relay.v1.RUDPReceiveContainer":      {"lastReceivePacketNumber", "receiveMessageBitFlags", "container"},
		"hearth.relay.v1.Player":                    {"connectionId", "userId", "profile"},
		"hearth.relay.v1.HelloRequest":              {"accessToken", "myProfile"},
		"hearth.relay.v1.HelloResult":               {"myProfile", "players", "secret"},
		"hearth.relay.v1.ByeRequest":                {},
		"hearth.relay.v1.UpdateProfileRequest":      {"myProfile"},
		"hearth.relay.v1.JoinNotification":          {"joinPlayer"},
		"hearth.relay.v1.LeaveNotification":         {"leavePlayer"},
		"hearth.relay.v1.UpdateProfileNotification": {"updatePlayer"},
		"hearth.relay.v1.BinaryMessage":             {"data"},
		"hearth.relay.v1.Error":                     {"component", "statusCode", "message"},
		"hearth.relay.v1.RelayBinaryMessage":        {"connectionId", "data", "targetConnectionId"},
	}
	for name, want := range fields {
		mt, err := protoregistry.GlobalTypes.FindMessageByName(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fds := mt.Descriptor().Fields()
		if fds.Len() != len(want) {
			t.Errorf("%s has %d fields, want %d", name, fds.Len(), len(want))
		}
		for i, fname := range want {
			fd := fds.ByName(protoreflect.Name(fname))
			if fd == nil || fd.Number() != protoreflect.FieldNumber(i+1) {
				t.Errorf("%s.%s: %v, want field number %d", name, fname, fd, i+1)
			}
		}
	}
	enum := map[pb.Container_MessageType]int32{
		pb.Container_HELLO_REQUEST: 0, pb.Container_HELLO_RESULT: 1, pb.Container_BYE_REQUEST: 2,
		pb.Container_UPDATE_PROFILE_REQUEST: 0x10000000, pb.Container_JOIN_NOTIFICATION: 0x20000000,
		pb.Container_LEAVE_NOTIFICATION: 0x20000001, pb.Container_UPDATE_PROFILE_NOTIFICATION: 0x20000002,
		pb.Container_BINARY_MESSAGE: 0x30000000, pb.Container_ERROR: 0x7FFFFFFF,
	}
	if len(pb.Container_MessageType_name) != len(enum) {
		t.Errorf("enum has %d values, want %d", len(pb.Container_MessageType_name), len(enum))
	}
	for v, n := range enum {
		if int32(v) != n {
			t.Errorf("%s = %#x, want %#x", v, int32(v), n)
		}
	}
}
