package wire_test

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// noType makes container omit field 1.
const noType = math.MinInt64

// container builds a Container with protowire; messageType noType omits field 1 (a negative value is
// written as protobuf writes a negative enum), a nil anyMsg omits the payload, a nil sig omits the
// signature.
func container(messageType int64, anyMsg, sig []byte) []byte {
	var c []byte
	if messageType != noType {
		c = protowire.AppendTag(c, 1, protowire.VarintType)
		c = protowire.AppendVarint(c, uint64(messageType))
	}
	if anyMsg != nil {
		c = protowire.AppendTag(c, 2, protowire.BytesType)
		c = protowire.AppendBytes(c, anyMsg)
	}
	if sig != nil {
		c = protowire.AppendTag(c, 3, protowire.BytesType)
		c = protowire.AppendBytes(c, sig)
	}
	return c
}

func anyOf(typeURL string, value []byte) []byte {
	var a []byte
	a = protowire.AppendTag(a, 1, protowire.BytesType)
	a = protowire.AppendString(a, typeURL)
	a = protowire.AppendTag(a, 2, protowire.BytesType)
	return protowire.AppendBytes(a, value)
}

func TestDecodeRejects(t *testing.T) {
	golden := unhex(t, helloRequestContainer)
	inner := unhex(t, helloRequestInner)
	sig := wire.Sign(inner, goldenKey)
	tampered := bytes.Clone(golden)
	tampered[len(tampered)-1] ^= 1 // last signature byte
	flippedPayload := bytes.Clone(golden)
	flippedPayload[bytes.Index(flippedPayload, []byte("tok"))] = 'T'

	cases := []struct {
		name  string
		frame []byte
		key   []byte
		want  error
	}{
		{"wrong key", golden, []byte("kez"), wire.ErrBadSignature},
		{"empty key", golden, []byte{}, wire.ErrBadSignature},
		{"tampered signature", tampered, goldenKey, wire.ErrBadSignature},
		{"tampered payload", flippedPayload, goldenKey, wire.ErrBadSignature},
		{"no signature", container(noType, anyOf("type.googleapis.com", inner), nil), goldenKey, wire.ErrBadSignature},
		{"truncated signature", container(noType, anyOf("type.googleapis.com", inner), sig[:31]), goldenKey, wire.ErrBadSignature},
		{"hex signature", container(noType, anyOf("type.googleapis.com", inner), []byte(helloRequestSig)), goldenKey, wire.ErrBadSignature},
		{"truncated frame", golden[:len(golden)-1], goldenKey, wire.ErrMalformed},
		{"truncated inside the Any", golden[:10], goldenKey, wire.ErrMalformed},
		{"garbage", []byte("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"), goldenKey, wire.ErrMalformed},
		{"text", []byte("hello, relay"), goldenKey, wire.ErrMalformed},
		{"field number 0", []byte{0x02, 0x00}, goldenKey, wire.ErrMalformed},
		{"reserved wire type", []byte{0x0f}, goldenKey, wire.ErrMalformed},
		{"bad Any inside", container(1, []byte{0x12, 0x05, 0x00}, sig), goldenKey, wire.ErrMalformed},
		{"unknown messageType", container(0x30000001, anyOf("type.googleapis.com", inner), sig), goldenKey, wire.ErrUnknownType},
		{"negative messageType", container(-1, anyOf("type.googleapis.com", inner), sig), goldenKey, wire.ErrUnknownType},
		{"missing payload", container(1, nil, sig), goldenKey, wire.ErrMissingPayload},
		{"empty frame: HELLO_REQUEST without payload", []byte{}, goldenKey, wire.ErrMissingPayload},
		{"nil frame", nil, goldenKey, wire.ErrMissingPayload},
	}
	sentinels := []error{wire.ErrMalformed, wire.ErrUnknownType, wire.ErrMissingPayload, wire.ErrBadSignature}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := wire.Decode(tc.frame, tc.key)
			if !errors.Is(err, tc.want) || f != nil {
				t.Fatalf("Decode = %+v, %v; want nil, %v", f, err, tc.want)
			}
			for _, s := range sentinels {
				if s != tc.want && errors.Is(err, s) {
					t.Errorf("error %v also matches %v", err, s)
				}
			}
		})
	}
}

func TestDecodeAcceptsAnyTypeURL(t *testing.T) {
	inner := unhex(t, helloRequestInner)
	sig := wire.Sign(inner, goldenKey)
	for _, url := range []string{"", "type.googleapis.com", "type.googleapis.com/HelloRequest",
		"type.googleapis.com/hearth.relay.v1.HelloRequest", "type.googleapis.com/Error", "\xff\xfe not UTF-8"} {
		frame := container(noType, anyOf(url, inner), sig)
		f, err := wire.Decode(frame, goldenKey)
		if err != nil || f.Type != pb.Container_HELLO_REQUEST || !bytes.Equal(f.Payload, inner) {
			t.Errorf("type_url %q: Decode = %+v, %v", url, f, err)
		}
	}
}

func TestDecodeFollowsProtobufRules(t *testing.T) {
	inner := unhex(t, helloRequestInner)
	sig := wire.Sign(inner, goldenKey)
	// Unknown fields (varint 9, fixed32 10, fixed64 11, group 12, bytes 13) are skipped, field 1 seen
	// twice takes its last value, and a field 4 with the wrong wire type is skipped as unknown.
	var b []byte
	b = protowire.AppendTag(b, 9, protowire.VarintType)
	b = protowire.AppendVarint(b, 1<<40)
	b = protowire.AppendTag(b, 10, protowire.Fixed32Type)
	b = protowire.AppendFixed32(b, 1)
	b = protowire.AppendTag(b, 11, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, 1)
	b = protowire.AppendTag(b, 12, protowire.StartGroupType)
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, 5)
	b = protowire.AppendTag(b, 12, protowire.EndGroupType)
	b = protowire.AppendTag(b, 13, protowire.BytesType)
	b = protowire.AppendBytes(b, []byte("x"))
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(pb.Container_ERROR))
	b = protowire.AppendTag(b, 4, protowire.BytesType)
	b = protowire.AppendBytes(b, []byte{9})
	b = append(b, container(int64(pb.Container_BINARY_MESSAGE), anyOf("x", inner), sig)...)
	// A second payload occurrence without a value merges into the first: the value stays.
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	b = protowire.AppendBytes(b, anyOf("y", nil)[:3])
	b = protowire.AppendTag(b, 4, protowire.VarintType)
	b = protowire.AppendVarint(b, 1<<32+9) // uint32 keeps the low 32 bits
	f, err := wire.Decode(b, goldenKey)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if f.Type != pb.Container_BINARY_MESSAGE || !bytes.Equal(f.Payload, inner) || f.SequenceNumber != 9 {
		t.Errorf("Decode = %+v", f)
	}
	assertMatchesGenerated(t, b)
}

// assertMatchesGenerated checks that, when the generated Container accepts frame, Parse agrees with it.
func assertMatchesGenerated(t testing.TB, frame []byte) {
	t.Helper()
	var c pb.Container
	if proto.Unmarshal(frame, &c) != nil {
		return
	}
	f, sig, err := wire.Parse(frame)
	switch {
	case !wire.Known(c.MessageType):
		if !errors.Is(err, wire.ErrUnknownType) {
			t.Fatalf("generated type %d unknown; Parse = %v", c.MessageType, err)
		}
	case c.Payload == nil:
		if !errors.Is(err, wire.ErrMissingPayload) {
			t.Fatalf("generated has no payload; Parse = %v", err)
		}
	case err != nil:
		t.Fatalf("generated accepts %x; Parse = %v", frame, err)
	case f.Type != c.MessageType || !bytes.Equal(f.Payload, c.Payload.Value) || !bytes.Equal(sig, c.Signature) ||
		f.SequenceNumber != c.SequenceNumber || f.LifeTimeMilliSeconds != c.LifeTimeMilliSeconds:
		t.Fatalf("Parse = %+v sig %x; generated = %v", f, sig, &c)
	}
}

func TestDecodeDoesNotAliasInput(t *testing.T) {
	frame := unhex(t, helloRequestContainer)
	f, err := wire.Decode(frame, goldenKey)
	if err != nil {
		t.Fatal(err)
	}
	for i := range frame {
		frame[i] = 0
	}
	if !bytes.Equal(f.Payload, unhex(t, helloRequestInner)) {
		t.Errorf("payload changed with the input: %x", f.Payload)
	}
}

func TestMessageRejects(t *testing.T) {
	if _, err := (&wire.Frame{Type: pb.Container_HELLO_REQUEST, Payload: []byte{0x0a, 0x05, 't'}}).Message(); !errors.Is(err, wire.ErrMalformed) {
		t.Errorf("truncated inner: %v, want ErrMalformed", err)
	}
	if _, err := (&wire.Frame{Type: 77}).Message(); !errors.Is(err, wire.ErrUnknownType) {
		t.Errorf("unknown type: %v, want ErrUnknownType", err)
	}
}

func TestEncodeRejects(t *testing.T) {
	if _, err := wire.Encode(&wire.Frame{Type: 3}, goldenKey); !errors.Is(err, wire.ErrUnknownType) {
		t.Errorf("Encode type 3: %v, want ErrUnknownType", err)
	}
	for _, msg := range []proto.Message{nil, &pb.Container{}, &pb.Player{}, &pb.RelayBinaryMessage{}, &pb.RUDPSendContainer{}} {
		if _, err := wire.EncodeMessage(msg, 0, 0, goldenKey); !errors.Is(err, wire.ErrUnknownType) {
			t.Errorf("EncodeMessage(%T): %v, want ErrUnknownType", msg, err)
		}
	}
}
