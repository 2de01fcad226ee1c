// Package relay is Hearth's in-process relay server for realtime rooms and
// the default realtime.Provisioner. It speaks GS2-Realtime's wire protocol
// (package wire), so GS2's realtime clients connect to it unchanged.
//
// [Server.Provision] starts one room: a WebSocket listener on a free port
// of the configured range (ws://{host}:{port}/, any Origin accepted) and a
// new printable-ASCII encryption key. Players send a signed HelloRequest
// whose access token the [Verifier] checks; the relay answers with a
// HelloResult and tells the others with a JoinNotification, relays
// BinaryMessages to their targets (or to every other player) with
// connectionId set to the sender, and sends UpdateProfileNotification and
// LeaveNotification. Every frame it sends is signed, numbered per recipient
// from 1 and stamped with the ms since the room started.
//
// # Errors
//
// A client frame that is not binary, not a Container, mis-signed, of an
// unknown type, without payload, or anything but a HelloRequest before the
// Hello, gets an Error with status 400 sent to that client alone; it is
// not relayed and the connection stays open. A refused token gets an Error
// with status 401 and the connection is closed. [New] fails with
// [ErrInvalidArgument] naming the Config field; Provision fails with
// [ErrNoPort] or [ErrClosed].
//
// # Time
//
// A room ends after IdleTimeout without a client frame or MaxLifetime
// since it started, both measured on Config.Clock, and then calls the
// request's Ended once. [Server.Release] and [Server.Close] end rooms
// without calling Ended. Pings to find dead sockets run on Config.HeartbeatClock
// (the wall clock by default).
//
// # Concurrency
//
// A Server is safe for concurrent use. Each connection has a reader, a
// writer with a bounded queue (a recipient that falls 1,024 frames behind
// is disconnected) and a pinger.
package relay
