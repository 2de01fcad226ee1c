package relay

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/wsbatch"
	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// room is one running relay: a listener, its HTTP server and its players.
type room struct {
	srv     *Server
	id      roomID
	port    int
	key     []byte
	signer  *wire.Signer // signs and verifies with key
	ln      net.Listener
	hs      *http.Server
	started time.Time
	idle    time.Duration
	life    time.Duration
	ended   func(string)

	last   atomic.Int64 // UnixNano, on the Clock, of the last client frame
	idleT  *clock.Timer
	lifeT  *clock.Timer
	served chan struct{} // closed when hs.Serve returns

	mu      sync.Mutex
	closed  bool
	conns   map[*conn]struct{} // every open connection
	players map[uint32]*conn   // connections past Hello, by connectionId
	nextID  uint32
	wg      sync.WaitGroup // connection handlers
	endOnce sync.Once
	done    chan struct{} // closed when the room has fully ended
}

func newRoom(s *Server, id roomID, port int, ln net.Listener, req realtime.ProvisionRequest) *room {
	r := &room{
		srv: s, id: id, port: port, key: newKey(), ln: ln,
		started: s.clk.Now(), idle: req.IdleTimeout, life: req.MaxLifetime, ended: req.Ended,
		served: make(chan struct{}), conns: make(map[*conn]struct{}),
		players: make(map[uint32]*conn), done: make(chan struct{}),
	}
	r.signer = wire.NewSigner(r.key)
	if r.idle <= 0 {
		r.idle = realtime.DefaultIdleTimeout
	}
	if r.life <= 0 {
		r.life = realtime.DefaultMaxLifetime
	}
	r.last.Store(r.started.UnixNano())
	r.hs = &http.Server{Handler: http.HandlerFunc(r.serveHTTP), ReadHeaderTimeout: 10 * time.Second}
	return r
}

// start serves the listener and arms the idle and lifetime timers.
func (r *room) start() {
	go func() {
		defer close(r.served)
		_ = r.hs.Serve(r.ln)
	}()
	r.idleT = r.srv.clk.AfterFunc(r.idle, r.checkIdle)
	r.lifeT = r.srv.clk.AfterFunc(r.life, func() { r.expire("lifetime") })
}

// touch records client traffic.
func (r *room) touch() { r.last.Store(r.srv.clk.Now().UnixNano()) }

// lifetime is lifeTimeMilliSeconds: ms since the room started.
func (r *room) lifetime() uint32 {
	return uint32(r.srv.clk.Since(r.started).Milliseconds())
}

// checkIdle ends the room if no client frame came for the idle timeout, or
// re-arms the timer for the rest of it.
func (r *room) checkIdle() {
	since := r.srv.clk.Since(time.Unix(0, r.last.Load()))
	if since >= r.idle {
		r.expire("idle")
		return
	}
	r.idleT.Reset(r.idle - since)
}

// expire ends the room by itself and calls Ended, once.
func (r *room) expire(reason string) {
	if r.end(reason) && r.ended != nil {
		r.ended(reason)
	}
}

// end closes every socket and the listener and frees the port. It reports
// whether this call ended the room; any call returns once it has ended.
func (r *room) end(reason string) bool {
	first := false
	r.endOnce.Do(func() {
		first = true
		r.mu.Lock()
		r.closed = true
		conns := make([]*conn, 0, len(r.conns))
		for c := range r.conns {
			conns = append(conns, c)
		}
		r.mu.Unlock()
		if r.idleT != nil {
			r.idleT.Stop()
		}
		if r.lifeT != nil {
			r.lifeT.Stop()
		}
		_ = r.hs.Close() // the listener and any connection not upgraded
		<-r.served
		// Each connection's writer sends the 404 after what is queued, then
		// closes (bounded by writeTimeout and the close handshake's own
		// limit); r.wg counts the connections being served.
		for _, c := range conns {
			o := r.errorFrame(StatusNotFound, "room gone: "+reason)
			o.closeCode, o.reason = websocket.StatusGoingAway, "room ended"
			c.enqueue(o)
		}
		r.wg.Wait()
		r.srv.forget(r)
		r.srv.log.Info("relay: room ended", "namespace", r.id.ns, "room", r.id.name, "port", r.port, "reason", reason)
		close(r.done)
	})
	<-r.done
	return first
}

// serveHTTP upgrades a request to a WebSocket connection and serves it.
func (r *room) serveHTTP(w http.ResponseWriter, req *http.Request) {
	hw := wsbatch.Wrap(w, writeTimeout)
	ws, err := websocket.Accept(hw, req, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return // Accept has answered the request
	}
	c := newConn(r, ws, hw.Conn())
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		_ = ws.CloseNow()
		return
	}
	r.conns[c] = struct{}{}
	r.wg.Add(1)
	r.mu.Unlock()
	defer r.wg.Done()
	c.serve(context.Background())
}
