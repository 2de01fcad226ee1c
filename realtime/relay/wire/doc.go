// Package wire encodes and decodes the frames of the GS2-Realtime relay protocol: one protobuf Container
// (package realtime/relay/pb) per binary WebSocket message, carrying an inner message in a
// google.protobuf.Any and an HMAC-SHA256 signature of it.
//
// A [Frame] is a Container reduced to what the relay uses: the message type, the inner message's bytes as
// carried, the sequence number and the lifetime. [Decode] parses a frame and verifies its signature with
// the room's encryption key; [Encode] and [EncodeMessage] build a signed frame. [Frame.Message] unmarshals
// the inner bytes into the generated type that the message type names.
//
// The rules GS2's clients impose, which this package keeps:
//
//   - Receivers dispatch on messageType, never on the Any's type_url: clients send either
//     "type.googleapis.com" or "type.googleapis.com/<Name>", so Decode accepts any type_url.
//   - Senders set type_url to "type.googleapis.com/<Name>" with the bare message name (no proto package):
//     older clients unpack with Any.Unpack and drop any other URL. [TypeURL] gives it.
//   - The payload is always present, even for an empty inner message.
//   - signature = HMAC-SHA256(key = the ASCII bytes of the room's encryptionKey, message = payload.value as
//     carried), the raw 32-byte digest. Decode verifies it over the received bytes with hmac.Equal, never
//     over a re-encoding.
//   - Only the message types of the enum are sent or accepted.
//
// Encoding is deterministic: the same Frame and key always give the same bytes, in field-number order.
//
// # Errors
//
// Decode and the helpers return errors matching one sentinel per failure, so the relay can answer with the
// right pb.Error (Hearth answers all four with status code 400): [ErrMalformed] for bytes that are not a
// Container (or an inner message that does not parse), [ErrUnknownType] for a messageType outside the enum
// (or a message with no MessageType), [ErrMissingPayload] for a Container without its Any, and
// [ErrBadSignature] for a signature that does not match. Decode checks in that order and stops at the
// first failure.
//
// # Concurrency
//
// All functions are safe for concurrent use. A Frame is a plain value: share it read-only.
package wire
