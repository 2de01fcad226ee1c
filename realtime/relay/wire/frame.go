package wire

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/hearth-go/hearth/realtime/relay/pb"
)

// Frame is one relay message: a Container without its type_url and signature.
type Frame struct {
	// Type names the inner message; it is always a value of the enum in a Frame that Decode returns.
	Type pb.Container_MessageType
	// Payload is the serialized inner message, payload.value exactly as carried (it may be empty).
	Payload []byte
	// SequenceNumber is set by the server per recipient, from 1; clients send 0.
	SequenceNumber uint32
	// LifeTimeMilliSeconds is the milliseconds since the room started (a timestamp, not a time to live);
	// clients send 0.
	LifeTimeMilliSeconds uint32
}

// Container field numbers, from relay.proto.
const (
	fieldMessageType    protowire.Number = 1
	fieldPayload        protowire.Number = 2
	fieldSignature      protowire.Number = 3
	fieldSequenceNumber protowire.Number = 4
	fieldLifeTime       protowire.Number = 5

	fieldAnyValue protowire.Number = 2 // google.protobuf.Any.value; type_url (1) is ignored
)

// marshalOptions is the one way this package serializes messages.
var marshalOptions = proto.MarshalOptions{Deterministic: true}

// Sign returns the signature of a payload: the raw HMAC-SHA256 of payload keyed by key (the ASCII bytes of
// the room's encryptionKey).
func Sign(payload, key []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write(payload)
	return mac.Sum(nil)
}

// Decode parses the wire bytes of one Container and verifies its signature with key. It accepts any
// type_url (or none) and checks, in this order: the bytes are a Container (ErrMalformed), messageType is in
// the enum (ErrUnknownType), the payload is present (ErrMissingPayload), and the signature is
// HMAC-SHA256(key, payload.value) over the received bytes (ErrBadSignature). The Frame does not alias
// frame.
func Decode(frame []byte, key []byte) (*Frame, error) {
	f, sig, err := Parse(frame)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal(sig, Sign(f.Payload, key)) {
		return nil, ErrBadSignature
	}
	return f, nil
}

// Parse is Decode without the signature check: it returns the Frame and the signature as carried (nil
// when absent). It is for clients and tools that do not verify (later GS2 SDKs do not); a relay must use
// Decode.
//
// Parsing follows protobuf's rules for a proto3 message: unknown fields and fields of a known number but
// another wire type are skipped, and a field seen twice takes its last value (the payload Any is merged).
func Parse(frame []byte) (*Frame, []byte, error) {
	var (
		f          Frame
		sig        []byte
		payload    []byte
		hasPayload bool
	)
	b := frame
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, nil, malformed(n)
		}
		b = b[n:]
		switch {
		case typ == protowire.VarintType && (num == fieldMessageType || num == fieldSequenceNumber || num == fieldLifeTime):
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, nil, malformed(n)
			}
			b = b[n:]
			switch num {
			case fieldMessageType:
				f.Type = pb.Container_MessageType(int32(v)) // protobuf truncates an enum to 32 bits
			case fieldSequenceNumber:
				f.SequenceNumber = uint32(v)
			default:
				f.LifeTimeMilliSeconds = uint32(v)
			}
		case typ == protowire.BytesType && (num == fieldPayload || num == fieldSignature):
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, nil, malformed(n)
			}
			b = b[n:]
			if num == fieldSignature {
				sig = v
				continue
			}
			value, ok, err := anyValue(v)
			if err != nil {
				return nil, nil, err
			}
			hasPayload = true
			if ok {
				payload = value
			}
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return nil, nil, malformed(n)
			}
			b = b[n:]
		}
	}
	if !Known(f.Type) {
		return nil, nil, fmt.Errorf("%w: %d", ErrUnknownType, int32(f.Type))
	}
	if !hasPayload {
		return nil, nil, fmt.Errorf("%w: %s", ErrMissingPayload, f.Type)
	}
	f.Payload = append([]byte{}, payload...)
	return &f, clone(sig), nil
}

// anyValue returns the value field of one serialized google.protobuf.Any, and whether it was present.
func anyValue(b []byte) (value []byte, ok bool, err error) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, false, malformed(n)
		}
		b = b[n:]
		if num == fieldAnyValue && typ == protowire.BytesType {
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, false, malformed(n)
			}
			b = b[n:]
			value, ok = v, true
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return nil, false, malformed(n)
		}
		b = b[n:]
	}
	return value, ok, nil
}

func malformed(code int) error {
	return fmt.Errorf("%w: %w", ErrMalformed, protowire.ParseError(code))
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

// Encode returns the wire bytes of the Container that carries f, signed with key: messageType f.Type,
// payload always present with type_url TypeURL(f.Type) and value f.Payload, signature Sign(f.Payload,
// key), and f's sequence number and lifetime. It fails with ErrUnknownType for a type outside the enum.
func Encode(f *Frame, key []byte) ([]byte, error) {
	return EncodeSigned(f, Sign(f.Payload, key))
}

// EncodeSigned is Encode with a signature computed beforehand with Sign, for a payload sent to many
// recipients with different sequence numbers. A nil sig sends no signature.
func EncodeSigned(f *Frame, sig []byte) ([]byte, error) { return AppendSigned(nil, f, sig) }

// AppendSigned appends the bytes EncodeSigned returns to dst, so that a writer can reuse one buffer for
// every frame it sends. The Container is encoded directly with protowire, in field order and with proto3's
// zero values left out — the bytes proto.Marshal gives (the golden tests hold both to the vectors) —
// without building a message per recipient.
func AppendSigned(dst []byte, f *Frame, sig []byte) ([]byte, error) {
	if !Known(f.Type) {
		return nil, fmt.Errorf("%w: %d", ErrUnknownType, int32(f.Type))
	}
	typeURL := TypeURL(f.Type)
	anyLen := protowire.SizeTag(1) + protowire.SizeBytes(len(typeURL))
	if len(f.Payload) > 0 {
		anyLen += protowire.SizeTag(2) + protowire.SizeBytes(len(f.Payload))
	}
	if f.Type != 0 {
		dst = protowire.AppendTag(dst, 1, protowire.VarintType)
		dst = protowire.AppendVarint(dst, uint64(f.Type))
	}
	dst = protowire.AppendTag(dst, 2, protowire.BytesType)
	dst = protowire.AppendVarint(dst, uint64(anyLen))
	dst = protowire.AppendTag(dst, 1, protowire.BytesType)
	dst = protowire.AppendString(dst, typeURL)
	if len(f.Payload) > 0 {
		dst = protowire.AppendTag(dst, 2, protowire.BytesType)
		dst = protowire.AppendBytes(dst, f.Payload)
	}
	if len(sig) > 0 {
		dst = protowire.AppendTag(dst, 3, protowire.BytesType)
		dst = protowire.AppendBytes(dst, sig)
	}
	if f.SequenceNumber != 0 {
		dst = protowire.AppendTag(dst, 4, protowire.VarintType)
		dst = protowire.AppendVarint(dst, uint64(f.SequenceNumber))
	}
	if f.LifeTimeMilliSeconds != 0 {
		dst = protowire.AppendTag(dst, 5, protowire.VarintType)
		dst = protowire.AppendVarint(dst, uint64(f.LifeTimeMilliSeconds))
	}
	return dst, nil
}
