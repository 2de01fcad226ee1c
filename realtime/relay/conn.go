package relay

import (
	"context"
	"time"

	"github.com/coder/websocket"

	"github.com/hearth-go/hearth/internal/wsbatch"
	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

const (
	// queueLen is how many frames may wait for a slow recipient before it
	// is disconnected.
	queueLen = 1024
	// writeTimeout bounds one write, on the wall clock.
	writeTimeout = 10 * time.Second
	// verifyTimeout bounds one token verification.
	verifyTimeout = 10 * time.Second
	// readLimit is the largest frame accepted.
	readLimit = 1 << 20
)

// out is one frame queued for its recipients (every recipient of a
// broadcast shares it; it is never modified once queued); each writer
// numbers it in its own sequence.
type out struct {
	typ     pb.Container_MessageType
	payload []byte
	sig     []byte
	life    uint32
	// closeCode, when non-zero, closes the connection after the frame.
	closeCode websocket.StatusCode
	reason    string
}

// conn is one WebSocket connection of a room. Its player fields are
// guarded by the room's mutex.
type conn struct {
	r  *room
	ws *websocket.Conn
	bc *wsbatch.Conn // the socket under ws: batches the writes of queued frames

	q       chan *out
	quit    chan struct{} // closed when the reader is done
	written chan struct{} // closed when the writer is done

	// Guarded by r.mu; id is 0 until Hello.
	id      uint32
	userID  string
	profile []byte
}

func newConn(r *room, ws *websocket.Conn, bc *wsbatch.Conn) *conn {
	ws.SetReadLimit(readLimit)
	return &conn{r: r, ws: ws, bc: bc, q: make(chan *out, queueLen), quit: make(chan struct{}), written: make(chan struct{})}
}

// serve runs the connection until it closes: the writer and pinger on
// their own goroutines, the reader here.
func (c *conn) serve(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go c.write()
	pinged := make(chan struct{})
	go c.pingLoop(ctx, pinged)

	c.read(ctx)

	c.r.leave(c)
	close(c.quit)
	<-c.written
	cancel()
	<-pinged
	_ = c.ws.CloseNow()
}

// read handles client frames until the socket fails or the handler says
// to stop. It reads with no context (the room ends a connection by
// closing its socket) into one reused buffer: nothing handle keeps
// aliases it (wire.Decode copies what the Frame holds).
func (c *conn) read(ctx context.Context) {
	var buf []byte
	for {
		typ, data, next, err := wsbatch.ReadInto(context.Background(), c.ws, buf)
		if err != nil {
			return
		}
		buf = next
		c.r.touch()
		if typ != websocket.MessageBinary {
			c.sendError(400, "binary frames only")
			continue
		}
		f, err := c.r.signer.Decode(data)
		if err != nil {
			c.sendError(400, err.Error())
			continue
		}
		if !c.handle(ctx, f) {
			return
		}
	}
}

// handle runs the room's handler for f. A panic there (a bug) ends this
// connection only: the player leaves the room like any other, and the
// relay and the room's other players go on. The handlers release the
// room's lock with defer, so none is left held.
func (c *conn) handle(ctx context.Context, f *wire.Frame) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			c.r.srv.log.Error("relay: a frame handler panicked; closing the connection",
				"namespace", c.r.id.ns, "room", c.r.id.name, "panic", p)
			ok = false
		}
	}()
	return c.r.handle(ctx, c, f)
}

// write sends queued frames in order, numbering them from 1, until the
// reader is done and the queue is drained.
func (c *conn) write() {
	defer close(c.written)
	var seq uint32
	var buf []byte // reused: Write is done with it when it returns
	batching := false
	defer func() {
		if batching {
			_ = c.bc.End()
		}
	}()
	send := func(o *out) bool {
		seq++
		b, err := wire.AppendSigned(buf[:0], &wire.Frame{Type: o.typ, Payload: o.payload, SequenceNumber: seq, LifeTimeMilliSeconds: o.life}, o.sig)
		buf = b
		if err != nil {
			c.r.srv.log.Error("relay: encoding a frame failed", "err", err)
			return true
		}
		// No context deadline: the socket (wsbatch.Conn) carries
		// writeTimeout as a write deadline on every system call. While
		// more frames wait, writes are held and go out together.
		if !batching && len(c.q) > 0 {
			c.bc.Begin()
			batching = true
		}
		err = c.ws.Write(context.Background(), websocket.MessageBinary, b)
		if err == nil && batching && len(c.q) == 0 {
			batching = false
			err = c.bc.End()
		}
		if err != nil {
			_ = c.ws.CloseNow()
			return false
		}
		if o.closeCode != 0 {
			if batching {
				batching = false
				_ = c.bc.End()
			}
			c.close(o.closeCode, o.reason)
			return false
		}
		return true
	}
	for {
		select {
		case o := <-c.q:
			if !send(o) {
				return
			}
		case <-c.quit:
			for {
				select {
				case o := <-c.q:
					if !send(o) {
						return
					}
				default:
					return
				}
			}
		}
	}
}

// pingLoop pings the peer every PingInterval of the heartbeat clock and
// drops it when a ping goes unanswered for another PingInterval.
func (c *conn) pingLoop(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	clk := c.r.srv.hbClk
	t := clk.NewTicker(c.r.srv.ping)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithCancel(ctx)
			timeout := clk.AfterFunc(c.r.srv.ping, cancel)
			err := c.ws.Ping(pctx)
			timeout.Stop()
			cancel()
			if err != nil {
				_ = c.ws.CloseNow()
				return
			}
		}
	}
}

// close closes the socket with a close handshake, bounded in time.
func (c *conn) close(code websocket.StatusCode, reason string) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = c.ws.Close(code, reason)
	}()
	select {
	case <-done:
	case <-time.After(writeTimeout):
		_ = c.ws.CloseNow()
		<-done
	}
}

// enqueue queues o for c; a recipient too slow to drain its queue is
// disconnected.
func (c *conn) enqueue(o *out) {
	select {
	case c.q <- o:
	default:
		c.r.srv.log.Warn("relay: dropping a slow connection", "namespace", c.r.id.ns, "room", c.r.id.name)
		go func() { _ = c.ws.CloseNow() }()
	}
}

// sendError queues an Error for c alone.
func (c *conn) sendError(code uint32, msg string) {
	c.enqueue(c.r.errorFrame(code, msg))
}
