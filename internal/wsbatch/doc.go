// Package wsbatch lets a WebSocket server write several queued messages
// in one system call. coder/websocket flushes every message with a write
// of its own, which under fan-out is most of the CPU; a server wraps its
// http.ResponseWriter with Wrap before websocket.Accept, so that the
// hijacked socket is a *Conn, and brackets the messages its writer
// goroutine finds queued together with Begin and End. A lone message is
// written straight through. Every system call carries a write deadline of
// the configured timeout, so a peer that takes no bytes is dropped without
// a context per message.
//
// ReadInto is the reading half: it reads a message into a buffer the
// reader reuses, where websocket.Conn.Read allocates one per message.
//
// gateway/wsgateway and realtime/relay use it.
package wsbatch
