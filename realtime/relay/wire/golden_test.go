package wire_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"slices"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// Vectors from realtime-vectors.md; the encryption key of all of them is "key".
var (
	goldenKey = []byte("key")

	helloRequestInner = "0a03746f6b"
	helloRequestSig   = "c674ad135617e5b3e36f2d5ad55f2d40892f9f665a093a7117ae27169431ef3d"
	// Current SDKs: type_url is the bare "type.googleapis.com"; no field 1 (HELLO_REQUEST is 0).
	helloRequestContainer = "121c0a13747970652e676f6f676c65617069732e636f6d12050a03746f6b1a20" + helloRequestSig

	helloResultInner     = "0a06080112027531"
	helloResultSig       = "ef2dcf4086aad863f9442ed7a50ed11f4122aab3ec76b8fa20d9005f09da5eb2"
	helloResultContainer = "0801122b0a1f747970652e676f6f676c65617069732e636f6d2f48656c6c6f526573756c7412080a060801120275311a20" +
		helloResultSig + "200128d209"

	byeContainer = "08021200" // ByeRequest, Any present but empty, unsigned

	relayBinaryPacked = "1a020203" // RelayBinaryMessage{targetConnectionId:[2,3]}
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// oldHelloRequest is the same HelloRequest as older SDKs send it, with type_url
// "type.googleapis.com/HelloRequest", built with protowire from the .proto field numbers (Container:
// payload 2, signature 3; Any: type_url 1, value 2), independently of the generated types.
func oldHelloRequest(t testing.TB) []byte {
	var anyMsg []byte
	anyMsg = protowire.AppendTag(anyMsg, 1, protowire.BytesType)
	anyMsg = protowire.AppendString(anyMsg, "type.googleapis.com/HelloRequest")
	anyMsg = protowire.AppendTag(anyMsg, 2, protowire.BytesType)
	anyMsg = protowire.AppendBytes(anyMsg, unhex(t, helloRequestInner))
	var c []byte
	c = protowire.AppendTag(c, 2, protowire.BytesType)
	c = protowire.AppendBytes(c, anyMsg)
	c = protowire.AppendTag(c, 3, protowire.BytesType)
	c = protowire.AppendBytes(c, unhex(t, helloRequestSig))
	return c
}

func TestGoldenSignatures(t *testing.T) {
	if got := hex.EncodeToString(wire.Sign(unhex(t, helloRequestInner), goldenKey)); got != helloRequestSig {
		t.Errorf("HelloRequest signature = %s, want %s", got, helloRequestSig)
	}
	if got := hex.EncodeToString(wire.Sign(unhex(t, helloResultInner), goldenKey)); got != helloResultSig {
		t.Errorf("HelloResult signature = %s, want %s", got, helloResultSig)
	}
}

func TestGoldenHelloRequestDecodesWithBothTypeURLs(t *testing.T) {
	for name, frame := range map[string][]byte{
		"current SDK, bare type.googleapis.com":       unhex(t, helloRequestContainer),
		"older SDK, type.googleapis.com/HelloRequest": oldHelloRequest(t),
	} {
		t.Run(name, func(t *testing.T) {
			f, err := wire.Decode(frame, goldenKey)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if f.Type != pb.Container_HELLO_REQUEST || f.SequenceNumber != 0 || f.LifeTimeMilliSeconds != 0 {
				t.Errorf("frame = %+v, want HELLO_REQUEST, 0, 0", f)
			}
			if !bytes.Equal(f.Payload, unhex(t, helloRequestInner)) {
				t.Errorf("payload = %x, want %s", f.Payload, helloRequestInner)
			}
			msg, err := f.Message()
			if err != nil {
				t.Fatalf("Message: %v", err)
			}
			req, ok := msg.(*pb.HelloRequest)
			if !ok || req.GetAccessToken() != "tok" || len(req.GetMyProfile()) != 0 {
				t.Errorf("message = %T %v, want HelloRequest{accessToken:\"tok\"}", msg, msg)
			}
		})
	}
}

func TestGoldenHelloResultEncodesByteForByte(t *testing.T) {
	res := &pb.HelloResult{MyProfile: &pb.Player{ConnectionId: 1, UserId: "u1"}}
	got, err := wire.EncodeMessage(res, 1, 1234, goldenKey)
	if err != nil {
		t.Fatalf("EncodeMessage: %v", err)
	}
	if want := unhex(t, helloResultContainer); !bytes.Equal(got, want) {
		t.Fatalf("encoded\n got %x\nwant %x", got, want)
	}
	// The same through a Frame built by hand.
	got, err = wire.Encode(&wire.Frame{Type: pb.Container_HELLO_RESULT, Payload: unhex(t, helloResultInner),
		SequenceNumber: 1, LifeTimeMilliSeconds: 1234}, goldenKey)
	if err != nil || !bytes.Equal(got, unhex(t, helloResultContainer)) {
		t.Fatalf("Encode = %x, %v; want the golden bytes", got, err)
	}
	f, err := wire.Decode(got, goldenKey)
	if err != nil || f.Type != pb.Container_HELLO_RESULT || f.SequenceNumber != 1 || f.LifeTimeMilliSeconds != 1234 {
		t.Fatalf("Decode = %+v, %v", f, err)
	}
}

// The generated marshalling of a Container alone (no wire package) gives the golden field order.
func TestGoldenGeneratedContainerFieldOrder(t *testing.T) {
	frame := unhex(t, helloResultContainer)
	var c pb.Container
	if err := proto.Unmarshal(frame, &c); err != nil {
		t.Fatal(err)
	}
	if c.GetPayload().GetTypeUrl() != "type.googleapis.com/HelloResult" {
		t.Errorf("type_url = %q", c.GetPayload().GetTypeUrl())
	}
	got, err := proto.MarshalOptions{Deterministic: true}.Marshal(&c)
	if err != nil || !bytes.Equal(got, frame) {
		t.Fatalf("re-marshalled = %x, %v; want %x", got, err, frame)
	}
}

func TestGoldenByeRequestEmptyAny(t *testing.T) {
	frame := unhex(t, byeContainer)
	f, sig, err := wire.Parse(frame)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if f.Type != pb.Container_BYE_REQUEST || len(f.Payload) != 0 || sig != nil {
		t.Errorf("Parse = %+v, sig %x; want BYE_REQUEST, empty payload, no signature", f, sig)
	}
	if msg, err := f.Message(); err != nil {
		t.Errorf("Message: %v", err)
	} else if _, ok := msg.(*pb.ByeRequest); !ok {
		t.Errorf("Message = %T, want *pb.ByeRequest", msg)
	}
	// Unsigned, so a relay refuses it.
	if _, err := wire.Decode(frame, goldenKey); !errors.Is(err, wire.ErrBadSignature) {
		t.Errorf("Decode unsigned = %v, want ErrBadSignature", err)
	}
	// What the encoder sends for an empty inner message keeps the Any present, with its type_url.
	out, err := wire.EncodeMessage(&pb.ByeRequest{}, 0, 0, goldenKey)
	if err != nil {
		t.Fatal(err)
	}
	var c pb.Container
	if err := proto.Unmarshal(out, &c); err != nil {
		t.Fatal(err)
	}
	if c.Payload == nil || c.Payload.TypeUrl != "type.googleapis.com/ByeRequest" || len(c.Payload.Value) != 0 {
		t.Errorf("encoded ByeRequest payload = %v, want present with type_url .../ByeRequest", c.Payload)
	}
	if f, err := wire.Decode(out, goldenKey); err != nil || f.Type != pb.Container_BYE_REQUEST {
		t.Errorf("Decode(encoded ByeRequest) = %+v, %v", f, err)
	}
}

func TestGoldenRelayBinaryMessagePacked(t *testing.T) {
	m := &pb.RelayBinaryMessage{TargetConnectionId: []uint32{2, 3}}
	got, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil || !bytes.Equal(got, unhex(t, relayBinaryPacked)) {
		t.Fatalf("marshal = %x, %v; want %s", got, err, relayBinaryPacked)
	}
	// Clients read the unpacked form too: [2,3] as two varint fields 3.
	var back pb.RelayBinaryMessage
	if err := proto.Unmarshal(unhex(t, "18021803"), &back); err != nil || !slices.Equal(back.TargetConnectionId, []uint32{2, 3}) {
		t.Fatalf("unpacked = %v, %v", back.TargetConnectionId, err)
	}
}

// A golden built only with protowire from the .proto field numbers: a server BinaryMessage carrying a
// RelayBinaryMessage, with type_url, signature, sequence number and lifetime; Encode must match it.
func TestGoldenIndependentBinaryMessage(t *testing.T) {
	key := []byte("k3y-For-Room")
	var relay []byte // RelayBinaryMessage{connectionId:7, data:"hi"}
	relay = protowire.AppendTag(relay, 1, protowire.VarintType)
	relay = protowire.AppendVarint(relay, 7)
	relay = protowire.AppendTag(relay, 2, protowire.BytesType)
	relay = protowire.AppendBytes(relay, []byte("hi"))
	var inner []byte // BinaryMessage{data: relay}
	inner = protowire.AppendTag(inner, 1, protowire.BytesType)
	inner = protowire.AppendBytes(inner, relay)
	var anyMsg []byte
	anyMsg = protowire.AppendTag(anyMsg, 1, protowire.BytesType)
	anyMsg = protowire.AppendString(anyMsg, "type.googleapis.com/BinaryMessage")
	anyMsg = protowire.AppendTag(anyMsg, 2, protowire.BytesType)
	anyMsg = protowire.AppendBytes(anyMsg, inner)
	var want []byte
	want = protowire.AppendTag(want, 1, protowire.VarintType)
	want = protowire.AppendVarint(want, 0x30000000)
	want = protowire.AppendTag(want, 2, protowire.BytesType)
	want = protowire.AppendBytes(want, anyMsg)
	want = protowire.AppendTag(want, 3, protowire.BytesType)
	want = protowire.AppendBytes(want, wire.Sign(inner, key))
	want = protowire.AppendTag(want, 4, protowire.VarintType)
	want = protowire.AppendVarint(want, 300)
	want = protowire.AppendTag(want, 5, protowire.VarintType)
	want = protowire.AppendVarint(want, 1<<31+5)

	relayMsg, err := proto.MarshalOptions{Deterministic: true}.Marshal(&pb.RelayBinaryMessage{ConnectionId: 7, Data: []byte("hi")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := wire.EncodeMessage(&pb.BinaryMessage{Data: relayMsg}, 300, 1<<31+5, key)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("EncodeMessage = %x, %v\nwant %x", got, err, want)
	}
	f, err := wire.Decode(want, key)
	if err != nil || f.Type != pb.Container_BINARY_MESSAGE || !bytes.Equal(f.Payload, inner) ||
		f.SequenceNumber != 300 || f.LifeTimeMilliSeconds != 1<<31+5 {
		t.Fatalf("Decode = %+v, %v", f, err)
	}
}
