package wsbatch

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// ResponseWriter is handed to websocket.Accept in place of the server's
// http.ResponseWriter: when Accept hijacks the connection, it slips a Conn
// under it, which Conn then returns.
type ResponseWriter struct {
	http.ResponseWriter
	writeTimeout time.Duration
	bc           *Conn
}

// Wrap returns w for websocket.Accept, with writeTimeout as the write
// deadline of every system call on the hijacked socket.
func Wrap(w http.ResponseWriter, writeTimeout time.Duration) *ResponseWriter {
	return &ResponseWriter{ResponseWriter: w, writeTimeout: writeTimeout}
}

// Conn returns the socket Accept took over, or nil before the hijack.
func (w *ResponseWriter) Conn() *Conn { return w.bc }

// Hijack takes over the connection, as http.Hijacker does, and wraps it in
// a Conn, which coder/websocket then writes to.
func (w *ResponseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	rw := w.ResponseWriter
	hj, ok := rw.(http.Hijacker)
	for !ok { // follow Unwrap, as http.ResponseController does
		u, can := rw.(interface{ Unwrap() http.ResponseWriter })
		if !can {
			return nil, nil, errors.New("wsbatch: the http.ResponseWriter cannot be hijacked (HTTP/2?)")
		}
		rw = u.Unwrap()
		hj, ok = rw.(http.Hijacker)
	}
	c, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		_ = c.Close()
		return nil, nil, err
	}
	w.bc = &Conn{Conn: c, timeout: w.writeTimeout}
	brw.Writer.Reset(w.bc) // keeps its buffer
	return w.bc, brw, nil
}

// Unwrap returns the wrapped ResponseWriter, for http.ResponseController.
func (w *ResponseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// maxBatch is the most bytes a Conn holds before it writes them.
const maxBatch = 32 << 10

var batchPool = sync.Pool{New: func() any { b := make([]byte, 0, maxBatch); return &b }}

// Conn is the socket as coder/websocket sees it. coder/websocket
// flushes every message with a write system call of its own; when the
// writer goroutine has several frames queued, it brackets them with
// Begin/End, and Conn gathers their bytes (up to maxBatch) into one
// system call. A lone frame is written straight through.
//
// Every system call has a write deadline between 0.9×WriteTimeout and
// WriteTimeout away (wall time), so that a peer that does not take its
// bytes is dropped; no context deadline is needed, which would cost
// coder/websocket a timer and a context.AfterFunc per message.
type Conn struct {
	net.Conn
	timeout time.Duration

	mu       sync.Mutex // serializes writes: the writer, pings, the close
	batching bool
	buf      *[]byte   // from batchPool while batching and holding bytes
	deadline time.Time // the socket's write deadline
}

// Write writes p, or holds it while batching.
func (b *Conn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.batching {
		return b.writeLocked(p)
	}
	if b.buf == nil {
		b.buf = batchPool.Get().(*[]byte)
	}
	*b.buf = append(*b.buf, p...)
	if len(*b.buf) >= maxBatch {
		if err := b.flushLocked(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Begin holds the following writes until End.
func (b *Conn) Begin() {
	b.mu.Lock()
	b.batching = true
	b.mu.Unlock()
}

// End writes what was held and stops holding.
func (b *Conn) End() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batching = false
	return b.flushLocked()
}

func (b *Conn) flushLocked() error {
	if b.buf == nil {
		return nil
	}
	_, err := b.writeLocked(*b.buf)
	*b.buf = (*b.buf)[:0]
	batchPool.Put(b.buf)
	b.buf = nil
	return err
}

// writeLocked writes p with at least 9/10 of the timeout ahead: the
// deadline is moved only when less is left (moving it costs a runtime timer
// update; a busy connection then moves it once per timeout/10, not per
// write).
func (b *Conn) writeLocked(p []byte) (int, error) {
	if now := time.Now(); b.deadline.Sub(now) < b.timeout-b.timeout/10 {
		b.deadline = now.Add(b.timeout)
		_ = b.Conn.SetWriteDeadline(b.deadline)
	}
	return b.Conn.Write(p)
}

// keepRead is the largest read buffer ReadInto hands back for reuse.
const keepRead = 64 << 10

// ReadInto reads the next message of ws into buf's storage, growing it as
// needed, and returns the message and the buffer to pass next time (nil
// after a message over 64 KiB, so that one large message does not pin its
// buffer). Unlike websocket.Conn.Read, a reader that reuses its buffer
// allocates nothing per message; the message is valid until the next
// call. ctx is handed to ws.Reader: a context that can end costs
// coder/websocket a context.AfterFunc per message.
func ReadInto(ctx context.Context, ws *websocket.Conn, buf []byte) (typ websocket.MessageType, msg, next []byte, err error) {
	typ, r, err := ws.Reader(ctx)
	if err != nil {
		return 0, nil, buf, err
	}
	msg = buf[:0]
	for {
		if len(msg) == cap(msg) {
			msg = append(msg, 0)[:len(msg)]
		}
		n, err := r.Read(msg[len(msg):cap(msg)])
		msg = msg[:len(msg)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, nil, buf, err
		}
	}
	next = msg[:0]
	if cap(next) > keepRead {
		next = nil
	}
	return typ, msg, next, nil
}
