// Package token issues and verifies the access tokens with which a client
// that talks to Hearth directly (the gateway's WebSocket, the realtime
// relay) proves its user ID.
//
// The embedding game server authenticates its players its own way; when a
// client is to open a socket, the server issues it a short-lived token for
// its user ID with [HMAC.Issue], and the transport resolves the token with
// a [Verifier]. [HMAC] is the default verifier for single-binary setups; a
// studio with its own identity provider plugs in its own Verifier.
//
// A token is
//
//	base64url(JSON {"sub": userID, "exp": unix milliseconds}) "." base64url(HMAC-SHA256(secret, first part))
//
// without padding. The signature is compared in constant time, before the
// payload is parsed.
//
// # Errors
//
// Verify returns an error matching [ErrInvalid] for a token that is
// malformed, forged, tampered with or signed with another secret, and one
// matching [ErrExpired] for a well-signed token whose expiry has passed.
// Issue and NewHMAC fail with an error matching [ErrInvalid] on bad
// arguments.
//
// # Time
//
// Expiry is checked on the clock given to NewHMAC, as clock.Now(ctx, clk),
// so a clock.WithOffset in the context shifts it as it does every Hearth
// call. A token is valid while now < exp and refused from exp on.
//
// # Concurrency
//
// An HMAC is safe for concurrent use.
package token
