package wsgateway

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// hijackWriter hands the request to websocket.Accept and slips a
// batchConn under the connection that Accept takes over.
type hijackWriter struct {
	http.ResponseWriter
	writeTimeout time.Duration
	bc           *batchConn
}

// Hijack takes over the connection, as http.Hijacker does, and wraps it in
// a batchConn, which coder/websocket then writes to.
func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	rw := w.ResponseWriter
	hj, ok := rw.(http.Hijacker)
	for !ok { // follow Unwrap, as http.ResponseController does
		u, can := rw.(interface{ Unwrap() http.ResponseWriter })
		if !can {
			return nil, nil, errors.New("wsgateway: the http.ResponseWriter cannot be hijacked (HTTP/2?)")
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
	w.bc = &batchConn{Conn: c, timeout: w.writeTimeout}
	brw.Writer.Reset(w.bc) // keeps its buffer
	return w.bc, brw, nil
}

// Unwrap returns the wrapped ResponseWriter, for http.ResponseController.
func (w *hijackWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// maxBatch is the most bytes a batchConn holds before it writes them.
const maxBatch = 32 << 10

var batchPool = sync.Pool{New: func() any { b := make([]byte, 0, maxBatch); return &b }}

// batchConn is the socket as coder/websocket sees it. coder/websocket
// flushes every message with a write system call of its own; when the
// writer goroutine has several frames queued, it brackets them with
// begin/end, and batchConn gathers their bytes (up to maxBatch) into one
// system call. A lone frame is written straight through.
//
// Every system call has a write deadline between 0.9×WriteTimeout and
// WriteTimeout away (wall time), so that a peer that does not take its
// bytes is dropped; no context deadline is needed, which would cost
// coder/websocket a timer and a context.AfterFunc per message.
type batchConn struct {
	net.Conn
	timeout time.Duration

	mu       sync.Mutex // serializes writes: the writer, pings, the close
	batching bool
	buf      *[]byte   // from batchPool while batching and holding bytes
	deadline time.Time // the socket's write deadline
}

// Write writes p, or holds it while batching.
func (b *batchConn) Write(p []byte) (int, error) {
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

// begin holds the following writes until end.
func (b *batchConn) begin() {
	b.mu.Lock()
	b.batching = true
	b.mu.Unlock()
}

// end writes what was held and stops holding.
func (b *batchConn) end() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batching = false
	return b.flushLocked()
}

func (b *batchConn) flushLocked() error {
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
func (b *batchConn) writeLocked(p []byte) (int, error) {
	if now := time.Now(); b.deadline.Sub(now) < b.timeout-b.timeout/10 {
		b.deadline = now.Add(b.timeout)
		_ = b.Conn.SetWriteDeadline(b.deadline)
	}
	return b.Conn.Write(p)
}
