// Package wsgateway is the WebSocket transport of Hearth's gateway: an
// http.Handler, built on github.com/coder/websocket, through which game
// clients connect, are bound to their user and receive notifications in
// GS2's frame format.
//
//	h, _ := wsgateway.New(wsgateway.Config{Service: svc, Namespace: "game", Verifier: hmac})
//	mux.Handle("/gateway", h)
//	...
//	svc.Stop(ctx)  // closes every socket with 1001
//	h.Close(ctx)   // waits for the connection goroutines
//
// One Handler serves one gateway namespace; mount several for several
// namespaces. The service must be started (gateway.Service.Start) before
// clients connect.
//
// # Protocol
//
// Every message is a JSON text frame {"type": …, "body": {…}}.
//
// On connecting, the client is registered with the service
// (Service.Connect) and receives its connection ID first:
//
//	{"type":"connected","body":{"connectionId":"…"}}
//
// Notifications to the connection's user arrive as GS2's frame, byte for
// byte as the service encodes it:
//
//	{"type":"notification","body":{"issuer":"…","subject":"…","payload":"…"}}
//
// The client binds itself to a user by sending a token, which
// Config.Verifier resolves to a user ID (gateway/token.HMAC is the default
// issuer and verifier):
//
//	{"type":"setUserId","body":{"token":"…","allowConcurrentAccess":false,"sessionId":"…","force":false}}
//
// allowConcurrentAccess, sessionId and force follow SetUserID's rules
// (SEMANTICS.md); an absent allowConcurrentAccess takes
// Config.AllowConcurrentAccess (true when nil). The answer is
//
//	{"type":"setUserId","body":{"session":{…the WebSocketSession…}}}
//
// or an error frame, after which the connection stays open and usable:
//
//	{"type":"error","body":{"code":401,"message":"token expired"}}
//
// with code 400 (malformed message, unknown type, an invalid field, or no
// Verifier configured), 401 (the Verifier refused the token: forged,
// expired, malformed), 404 (the namespace or connection is gone), 409 (the
// user's other session refuses it: allowConcurrentAccess false without
// force or a matching sessionId), 503 (the service is stopping) or 500
// (anything else; logged). A binary frame closes the connection with 1003,
// a message over Config.ReadLimit with 1009.
//
// # Binding from the server
//
// A game server that authenticates players itself does not configure a
// Verifier. The client forwards the connectionId of its connected frame to
// the game server (e.g. in its login request), and the game server calls
//
//	svc.SetUserID(ctx, gateway.SetUserIDInput{NamespaceName: "game", ConnectionID: id, UserID: user})
//
// The connection ID is a random UUID sent only to that client, so another
// client cannot guess it; an unbound connection is listed nowhere.
//
// # Closing
//
// The service closes connections with a close frame: 1001 on
// Service.Stop, 1008 on DisconnectByUserID, DisconnectAll, a replaced
// session or a deleted namespace, 1013 for a client that does not keep up
// with its messages (see below). Whatever ends a connection — the client's
// close frame or a network error, a binary frame, a failed or timed-out
// write, a missed pong, or the service's Close — Service.Disconnected is
// called exactly once, from a goroutine of the connection: the session is
// removed at once. When the client goes, it is called as soon as the
// handler sees the socket end; when the service closes the connection, as
// soon as the writer has finished the write in progress (at most
// WriteTimeout). The connection's goroutines have all exited when
// ServeHTTP returns.
//
// # Slow clients and memory
//
// Each connection has a queue of at most Config.SendQueue frames (256)
// waiting for its writer goroutine. The service's Send never blocks: a
// frame sent to a full queue fails with gateway.ErrSlowConsumer and the
// service closes the connection with 1013 (CloseTooSlow), dropping the
// frames still queued. A notification frame is encoded once and shared by
// every connection it goes to, so a queue holds references, not copies.
// When several frames are waiting, the writer hands their bytes to the
// socket in one system call (at most 32 KB at a time, from a shared pool)
// instead of one call per frame; so what one connection holds is bounded by
// SendQueue frames plus 32 KB. A write the socket does not take within
// WriteTimeout drops the client, so a client that stops reading is gone
// after WriteTimeout even if its queue never fills. The queue grows with use
// and lets go of its buffer when it empties: an idle connection costs about
// 16 KB of heap (mostly the 4 KB read and write buffers of the socket, and
// net/http's connection) plus the stacks of its two goroutines, 28 KB in
// all (BenchmarkIdleConnectionMemory).
//
// # Heartbeat
//
// PingInterval (30 s) after the connection opens, and after each pong, the
// server sends a WebSocket ping; a client whose pong does not arrive within
// PingTimeout (10 s) is dropped without a close frame (it would not be
// read). Browsers, and coder/websocket and gorilla/websocket clients,
// answer pings by themselves while they read.
//
// # Time
//
// The heartbeat runs on timers of Config.Clock, so a mock clock drives it
// in tests: advancing the clock past PingInterval sends the ping, past
// PingTimeout more drops a silent client. While it waits, the heartbeat
// holds no goroutine (see heartbeat.go). WriteTimeout is wall time:
// it is a deadline on the socket, moved forward only once less than 9/10 of
// it is left, so a write gets between 0.9×WriteTimeout and WriteTimeout.
// coder/websocket's close handshake waits at most 5 s for the client's close
// frame, in wall time.
//
// # Errors
//
// New fails with an error matching gateway.ErrInvalidArgument that names
// the Config field. Errors of a connection are answered on the connection
// (error frames, close statuses) and logged to Config.Logger; the service
// sees only Connect, SetUserID and Disconnected.
//
// # Concurrency
//
// A Handler serves any number of connections concurrently. Per connection,
// client messages are handled one at a time, in order, on the handler
// goroutine; frames (answers and notifications) are written in the order
// they were queued, by the writer goroutine. The service may call Send and
// Close from any goroutine.
package wsgateway
