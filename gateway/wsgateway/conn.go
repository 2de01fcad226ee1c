package wsgateway

import (
	"context"
	"errors"
	"sync"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/internal/wsbatch"
)

// errClosed is what Send returns once the connection has ended.
var errClosed = errors.New("wsgateway: connection is closed")

// maxCloseReason is the longest close reason a close frame carries, in
// bytes (RFC 6455 leaves 123 after the status code).
const maxCloseReason = 123

// conn is one client connection: the gateway.Conn the service holds. Three
// parties run it:
//
//   - the handler goroutine (ServeHTTP) reads the client's messages and,
//     when the connection ends, waits for the others;
//   - the writer goroutine drains the send queue into the socket (frames
//     waiting together go out in one system call, see wsbatch) and
//     performs the close once the connection ends;
//   - the heartbeat is a timer of the handler's clock; when it fires, a
//     short-lived goroutine pings and re-arms it after the pong.
//
// Whatever ends the connection first (a read error or close frame from the
// client, a binary frame, a failed write, a missed pong, Close) calls end,
// which records the close status and closes ending; Service.Disconnected is
// then called exactly once, never on the goroutine of a Service call.
type conn struct {
	h  *Handler
	ws *websocket.Conn
	bc *wsbatch.Conn // the hijacked socket under ws

	mu       sync.Mutex
	id       string // set once Connect returns
	q        ring
	ended    bool
	code     websocket.StatusCode
	reason   string
	graceful bool // send a close frame (else drop the socket)

	wake       chan struct{} // a frame was queued (capacity 1)
	ending     chan struct{} // closed by end
	writerDone chan struct{} // closed when the writer goroutine returns
	discOnce   sync.Once

	hbMu      sync.Mutex
	hbStopped bool
	hbTimer   *clock.Timer
	hbWG      sync.WaitGroup // heartbeat pings in progress
}

var _ gateway.Conn = (*conn)(nil)

func newConn(h *Handler, ws *websocket.Conn, bc *wsbatch.Conn) *conn {
	return &conn{
		h:          h,
		ws:         ws,
		bc:         bc,
		wake:       make(chan struct{}, 1),
		ending:     make(chan struct{}),
		writerDone: make(chan struct{}),
	}
}

// serve registers the connection with the service and runs it until it
// ends and every goroutine of it has exited.
func (c *conn) serve() {
	id, err := c.h.svc.Connect(c.h.ctx, c.h.ns, c)
	if err != nil {
		code, reason := websocket.StatusInternalError, "gateway unavailable"
		if errors.Is(err, gateway.ErrStopped) {
			code, reason = websocket.StatusGoingAway, "server is stopping"
		}
		c.h.log.Warn("wsgateway: connect refused", "namespace", c.h.ns, "err", err)
		_ = c.ws.Close(code, reason)
		return
	}
	c.mu.Lock()
	c.id = id
	c.mu.Unlock()

	go c.writeLoop()
	_ = c.Send(connectedFrame(id))
	c.armHeartbeat()
	c.readLoop()

	c.disconnected()
	<-c.writerDone
	c.stopHeartbeat()
}

// Send queues frame for the client; see gateway.Conn. It never blocks:
// with SendQueue frames already waiting it returns
// gateway.ErrSlowConsumer, after the end of the connection errClosed. The
// frame is written as it is, never modified.
func (c *conn) Send(frame []byte) error {
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		return errClosed
	}
	if c.q.n >= c.h.sendQueue {
		c.mu.Unlock()
		return gateway.ErrSlowConsumer
	}
	c.q.push(frame, c.h.sendQueue)
	n, id := c.q.n, c.id
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	if c.h.hooks.queued != nil {
		c.h.hooks.queued(id, n)
	}
	return nil
}

// Close ends the connection with a close frame carrying code and reason
// (cut to 123 bytes); see gateway.Conn. It returns at once: the writer
// goroutine drops the frames still queued, finishes the write in progress
// (bounded by WriteTimeout), and performs the close handshake (bounded by
// coder/websocket's 5 s write and 5 s wait). Later calls do nothing.
func (c *conn) Close(code int, reason string) {
	c.end(websocket.StatusCode(code), truncate(reason, maxCloseReason), true)
}

// abort ends the connection at once, without a close frame.
func (c *conn) abort(reason string) {
	if c.end(websocket.StatusAbnormalClosure, reason, false) {
		_ = c.ws.CloseNow()
	}
}

// end records how the connection ends, drops the queued frames and wakes
// the writer. Only the first call counts; it reports whether it was the
// first.
func (c *conn) end(code websocket.StatusCode, reason string, graceful bool) bool {
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		return false
	}
	c.ended = true
	c.code, c.reason, c.graceful = code, reason, graceful
	c.q = ring{}
	c.mu.Unlock()
	close(c.ending)
	return true
}

// disconnected reports the end of the connection to the service, once.
func (c *conn) disconnected() {
	c.discOnce.Do(func() {
		// Not h.ctx: the session must go even when Close gave up waiting.
		c.h.svc.Disconnected(context.Background(), c.id)
		if c.h.hooks.ended != nil {
			c.h.hooks.ended(c.id)
		}
	})
}

// writeLoop is the writer goroutine.
func (c *conn) writeLoop() {
	defer close(c.writerDone)
	for {
		select {
		case <-c.ending:
			c.finish()
			return
		case <-c.wake:
			c.flush()
		}
	}
}

// flush writes the queued frames until the queue is empty or the
// connection ends. When more than one frame is waiting, their bytes go to
// the socket together (see wsbatch).
func (c *conn) flush() {
	batching := false
	for {
		c.mu.Lock()
		if c.ended || c.q.n == 0 {
			c.mu.Unlock()
			break
		}
		f := c.q.pop()
		more := c.q.n > 0
		c.mu.Unlock()
		if more && !batching {
			c.bc.Begin()
			batching = true
		}
		// No context deadline: wsbatch.Conn puts WriteTimeout on the socket,
		// and coder/websocket closes the socket when a write fails.
		if err := c.ws.Write(context.Background(), websocket.MessageText, f); err != nil {
			c.broken()
			break
		}
	}
	if batching {
		if err := c.bc.End(); err != nil {
			c.broken()
		}
	}
}

// broken ends the connection after a failed write: the socket is dropped
// without a close frame, even if a Close asked for one (the client that
// did not take a frame within WriteTimeout would not take that either).
func (c *conn) broken() {
	if !c.end(websocket.StatusAbnormalClosure, "write failed", false) {
		c.mu.Lock()
		c.graceful = false
		c.mu.Unlock()
	}
}

// finish runs on the writer goroutine once the connection has ended: it
// reports the end to the service and closes the socket.
func (c *conn) finish() {
	c.disconnected()
	c.mu.Lock()
	code, reason, graceful := c.code, c.reason, c.graceful
	c.mu.Unlock()
	if graceful {
		_ = c.ws.Close(code, reason)
	} else {
		_ = c.ws.CloseNow()
	}
}

// readLoop reads the client's messages until the connection fails or
// closes, or the client sends a binary frame.
func (c *conn) readLoop() {
	ctx := context.Background() // no read deadline: the heartbeat finds dead peers
	for {
		typ, data, err := c.ws.Read(ctx)
		if err != nil {
			// A close frame (answered by coder/websocket), a network error,
			// a message over ReadLimit (closed with 1009), or the end of
			// our own close handshake.
			c.end(websocket.StatusAbnormalClosure, "", false)
			return
		}
		if c.isEnded() {
			continue // closing: keep reading until the client's close frame
		}
		if typ != websocket.MessageText {
			c.end(websocket.StatusUnsupportedData, "binary messages are not supported", true)
			return // the close handshake reads the rest
		}
		c.handle(data)
	}
}

func (c *conn) isEnded() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ended
}

// reply queues an answer to the client; a client too slow to take it is
// disconnected as the service would (CloseTooSlow).
func (c *conn) reply(frame []byte) {
	if errors.Is(c.Send(frame), gateway.ErrSlowConsumer) {
		c.Close(gateway.CloseTooSlow, "client is not reading its messages")
	}
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ring is the send queue: a FIFO of frames that grows by doubling up to the
// queue limit and lets go of a large buffer once empty, so that an idle
// connection holds at most a few slots.
type ring struct {
	buf  [][]byte
	head int
	n    int
}

// push appends f; the caller has checked that n < limit.
func (r *ring) push(f []byte, limit int) {
	if r.n == len(r.buf) {
		size := min(max(4, 2*len(r.buf)), limit)
		nb := make([][]byte, size)
		k := copy(nb, r.buf[r.head:])
		copy(nb[k:], r.buf[:r.head])
		r.buf, r.head = nb, 0
	}
	r.buf[(r.head+r.n)%len(r.buf)] = f
	r.n++
}

// pop removes and returns the oldest frame; the caller has checked n > 0.
func (r *ring) pop() []byte {
	f := r.buf[r.head]
	r.buf[r.head] = nil
	r.head++
	if r.head == len(r.buf) {
		r.head = 0
	}
	r.n--
	if r.n == 0 {
		r.head = 0
		if len(r.buf) > 8 {
			r.buf = nil
		}
	}
	return f
}
