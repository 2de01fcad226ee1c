// Package client speaks the GS2-Realtime relay protocol from the player's
// side, over a WebSocket: [Dial] connects and completes the Hello
// handshake, [Client.Send] relays data to some or all other players,
// [Client.UpdateProfile] changes the player's profile, and [Client.Recv]
// returns what the relay sends as typed events ([Join], [Leave],
// [ProfileUpdate], [Message], [Error]).
//
// Every frame sent is signed with the room's encryption key, and every
// frame received must carry a valid signature: a frame that does not ends
// the client (Recv returns the error).
//
// # Errors
//
// Dial fails with [ErrRefused] (wrapping the relay's Error) when the relay
// answers the Hello with an Error. Recv returns [ErrClosed] (wrapping the
// cause) once the connection has ended.
//
// # Concurrency
//
// A Client is safe for concurrent use. Events are buffered; a caller that
// stops calling Recv eventually stalls the connection.
package client
