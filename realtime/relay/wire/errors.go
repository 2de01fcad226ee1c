package wire

import "errors"

// Errors of Decode, Parse, Encode and the message helpers. Every failure of Decode and Parse matches
// exactly one of them with errors.Is.
var (
	// ErrMalformed reports bytes that are not a valid Container, or an inner message that does not parse
	// as the type its messageType names.
	ErrMalformed = errors.New("wire: malformed container")
	// ErrUnknownType reports a messageType outside the protocol's enum, or a message that no messageType
	// carries.
	ErrUnknownType = errors.New("wire: unknown message type")
	// ErrMissingPayload reports a Container without its payload (the Any is absent, not merely empty).
	ErrMissingPayload = errors.New("wire: missing payload")
	// ErrBadSignature reports a signature that is not HMAC-SHA256(key, payload.value).
	ErrBadSignature = errors.New("wire: bad signature")
)
