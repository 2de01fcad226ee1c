package wire

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/hearth-go/hearth/realtime/relay/pb"
)

// typeURLPrefix is what every GS2 client expects before the bare message name.
const typeURLPrefix = "type.googleapis.com/"

// kinds maps each message type of the enum to its generated Go type's zero value.
var kinds = map[pb.Container_MessageType]proto.Message{
	pb.Container_HELLO_REQUEST:               (*pb.HelloRequest)(nil),
	pb.Container_HELLO_RESULT:                (*pb.HelloResult)(nil),
	pb.Container_BYE_REQUEST:                 (*pb.ByeRequest)(nil),
	pb.Container_UPDATE_PROFILE_REQUEST:      (*pb.UpdateProfileRequest)(nil),
	pb.Container_JOIN_NOTIFICATION:           (*pb.JoinNotification)(nil),
	pb.Container_LEAVE_NOTIFICATION:          (*pb.LeaveNotification)(nil),
	pb.Container_UPDATE_PROFILE_NOTIFICATION: (*pb.UpdateProfileNotification)(nil),
	pb.Container_BINARY_MESSAGE:              (*pb.BinaryMessage)(nil),
	pb.Container_ERROR:                       (*pb.Error)(nil),
}

// byName maps a generated message's full name to the message type that carries it.
var byName = func() map[protoreflect.FullName]pb.Container_MessageType {
	m := make(map[protoreflect.FullName]pb.Container_MessageType, len(kinds))
	for t, msg := range kinds {
		m[msg.ProtoReflect().Descriptor().FullName()] = t
	}
	return m
}()

// Known reports whether t is a value of the protocol's MessageType enum.
func Known(t pb.Container_MessageType) bool {
	_, ok := kinds[t]
	return ok
}

// NewMessage returns a new, empty message of the generated type that t names, e.g. a *pb.HelloRequest
// for HELLO_REQUEST. It fails with ErrUnknownType for a t outside the enum.
func NewMessage(t pb.Container_MessageType) (proto.Message, error) {
	msg, ok := kinds[t]
	if !ok {
		return nil, fmt.Errorf("%w: %d", ErrUnknownType, int32(t))
	}
	return msg.ProtoReflect().Type().New().Interface(), nil
}

// TypeOf returns the message type that carries msg's generated type, e.g. BINARY_MESSAGE for a
// *pb.BinaryMessage. It fails with ErrUnknownType for any other message (a Container, a Player, a
// RelayBinaryMessage, a nil interface).
func TypeOf(msg proto.Message) (pb.Container_MessageType, error) {
	if msg == nil {
		return 0, fmt.Errorf("%w: nil message", ErrUnknownType)
	}
	name := msg.ProtoReflect().Descriptor().FullName()
	t, ok := byName[name]
	if !ok {
		return 0, fmt.Errorf("%w: no message type carries %s", ErrUnknownType, name)
	}
	return t, nil
}

// TypeURL returns the type_url a sender sets for t: "type.googleapis.com/" and the bare message name
// (no proto package), e.g. "type.googleapis.com/HelloResult". It returns "" for a t outside the enum.
func TypeURL(t pb.Container_MessageType) string { return typeURLs[t] }

// typeURLs holds TypeURL's answers, built once.
var typeURLs = func() map[pb.Container_MessageType]string {
	m := make(map[pb.Container_MessageType]string, len(kinds))
	for t, msg := range kinds {
		m[t] = typeURLPrefix + string(msg.ProtoReflect().Descriptor().Name())
	}
	return m
}()

// Message unmarshals the frame's payload into a new message of the generated type that f.Type names
// (never chosen by the type_url) and returns it; callers type-switch on the result. It fails with
// ErrUnknownType for a type outside the enum and ErrMalformed for bytes that do not parse as that type.
func (f *Frame) Message() (proto.Message, error) {
	msg, err := NewMessage(f.Type)
	if err != nil {
		return nil, err
	}
	if err := proto.Unmarshal(f.Payload, msg); err != nil {
		return nil, fmt.Errorf("%w: %s payload: %w", ErrMalformed, f.Type, err)
	}
	return msg, nil
}

// NewFrame marshals msg deterministically and returns the Frame that carries it: the type TypeOf(msg)
// gives, and the sequence number and lifetime given. It fails with ErrUnknownType for a message no
// messageType carries.
func NewFrame(msg proto.Message, sequenceNumber, lifeTimeMilliSeconds uint32) (*Frame, error) {
	t, err := TypeOf(msg)
	if err != nil {
		return nil, err
	}
	payload, err := marshalOptions.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("wire: marshal %s: %w", t, err)
	}
	return &Frame{Type: t, Payload: payload, SequenceNumber: sequenceNumber, LifeTimeMilliSeconds: lifeTimeMilliSeconds}, nil
}

// EncodeMessage is NewFrame followed by Encode: the signed wire bytes of a Container carrying msg.
func EncodeMessage(msg proto.Message, sequenceNumber, lifeTimeMilliSeconds uint32, key []byte) ([]byte, error) {
	f, err := NewFrame(msg, sequenceNumber, lifeTimeMilliSeconds)
	if err != nil {
		return nil, err
	}
	return Encode(f, key)
}
