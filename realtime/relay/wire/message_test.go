package wire_test

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// Every value of the enum maps to one generated type and back, with a bare-name type_url, and a message
// of each type survives EncodeMessage, Decode and Message unchanged.
func TestEveryMessageTypeRoundTrips(t *testing.T) {
	msgs := map[pb.Container_MessageType]proto.Message{
		pb.Container_HELLO_REQUEST:               &pb.HelloRequest{AccessToken: "tok", MyProfile: []byte{1}},
		pb.Container_HELLO_RESULT:                &pb.HelloResult{MyProfile: &pb.Player{ConnectionId: 1}, Players: []*pb.Player{{ConnectionId: 2, UserId: "b"}}, Secret: 9},
		pb.Container_BYE_REQUEST:                 &pb.ByeRequest{},
		pb.Container_UPDATE_PROFILE_REQUEST:      &pb.UpdateProfileRequest{MyProfile: []byte("p")},
		pb.Container_JOIN_NOTIFICATION:           &pb.JoinNotification{JoinPlayer: &pb.Player{ConnectionId: 3}},
		pb.Container_LEAVE_NOTIFICATION:          &pb.LeaveNotification{LeavePlayer: &pb.Player{ConnectionId: 3}},
		pb.Container_UPDATE_PROFILE_NOTIFICATION: &pb.UpdateProfileNotification{UpdatePlayer: &pb.Player{ConnectionId: 3, Profile: []byte("q")}},
		pb.Container_BINARY_MESSAGE:              &pb.BinaryMessage{Data: []byte{0, 1, 2}},
		pb.Container_ERROR:                       &pb.Error{Component: "relay", StatusCode: 400, Message: "bad signature"},
	}
	if len(msgs) != len(pb.Container_MessageType_name) {
		t.Fatalf("test covers %d types, the enum has %d", len(msgs), len(pb.Container_MessageType_name))
	}
	key := []byte("room-key")
	for typ, msg := range msgs {
		name := string(msg.ProtoReflect().Descriptor().Name())
		if got, err := wire.TypeOf(msg); err != nil || got != typ {
			t.Errorf("TypeOf(%s) = %v, %v; want %v", name, got, err, typ)
		}
		if got := wire.TypeURL(typ); got != "type.googleapis.com/"+name {
			t.Errorf("TypeURL(%v) = %q", typ, got)
		}
		fresh, err := wire.NewMessage(typ)
		if err != nil || fresh.ProtoReflect().Descriptor() != msg.ProtoReflect().Descriptor() {
			t.Errorf("NewMessage(%v) = %T, %v", typ, fresh, err)
		}
		frame, err := wire.EncodeMessage(msg, 5, 6, key)
		if err != nil {
			t.Fatalf("EncodeMessage(%s): %v", name, err)
		}
		var c pb.Container
		if err := proto.Unmarshal(frame, &c); err != nil || c.Payload == nil || c.Payload.TypeUrl != "type.googleapis.com/"+name {
			t.Errorf("%s: container %v, %v", name, &c, err)
		}
		f, err := wire.Decode(frame, key)
		if err != nil || f.Type != typ || f.SequenceNumber != 5 || f.LifeTimeMilliSeconds != 6 {
			t.Fatalf("Decode(%s) = %+v, %v", name, f, err)
		}
		back, err := f.Message()
		if err != nil || !proto.Equal(back, msg) {
			t.Errorf("Message(%s) = %v, %v; want %v", name, back, err, msg)
		}
	}
}

func TestUnknownTypeHelpers(t *testing.T) {
	for _, typ := range []pb.Container_MessageType{3, -1, 0x10000001, 0x7FFFFFFE} {
		if wire.Known(typ) {
			t.Errorf("Known(%d) = true", typ)
		}
		if got := wire.TypeURL(typ); got != "" {
			t.Errorf("TypeURL(%d) = %q, want empty", typ, got)
		}
		if _, err := wire.NewMessage(typ); !errors.Is(err, wire.ErrUnknownType) {
			t.Errorf("NewMessage(%d) = %v", typ, err)
		}
	}
}

// Broadcasting signs once: EncodeSigned with Sign's result equals Encode, for any sequence number.
func TestEncodeSignedMatchesEncode(t *testing.T) {
	f, err := wire.NewFrame(&pb.BinaryMessage{Data: []byte("x")}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("room-key")
	sig := wire.Sign(f.Payload, key)
	for seq := uint32(1); seq <= 3; seq++ {
		f.SequenceNumber = seq
		a, err1 := wire.Encode(f, key)
		b, err2 := wire.EncodeSigned(f, sig)
		if err1 != nil || err2 != nil || string(a) != string(b) {
			t.Fatalf("seq %d: Encode %x %v, EncodeSigned %x %v", seq, a, err1, b, err2)
		}
	}
	unsigned, err := wire.EncodeSigned(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, sig, err := wire.Parse(unsigned); err != nil || sig != nil {
		t.Errorf("EncodeSigned(nil) carries signature %x, %v", sig, err)
	}
}
