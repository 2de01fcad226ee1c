package wsgateway

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/token"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/validate"
	"github.com/hearth-go/hearth/internal/wsbatch"
)

// Defaults of the zero Config fields.
const (
	// DefaultSendQueue is how many frames wait for one client when
	// Config.SendQueue is zero.
	DefaultSendQueue = 256
	// DefaultPingInterval is the heartbeat period when Config.PingInterval
	// is zero.
	DefaultPingInterval = 30 * time.Second
	// DefaultPingTimeout is how long a pong may take when
	// Config.PingTimeout is zero.
	DefaultPingTimeout = 10 * time.Second
	// DefaultWriteTimeout bounds the write of one frame when
	// Config.WriteTimeout is zero.
	DefaultWriteTimeout = 10 * time.Second
	// DefaultReadLimit is the largest client message, in bytes, when
	// Config.ReadLimit is zero.
	DefaultReadLimit = 4096
)

// Config configures a Handler. Service and Namespace are required; every
// other field has a default.
type Config struct {
	// Service is the gateway service the connections register with. It
	// must have been started (Service.Start) before clients connect.
	Service *gateway.Service
	// Namespace is the gateway namespace the clients of this handler belong
	// to. It must exist when a client connects.
	Namespace string
	// Verifier resolves the token a client sends in a setUserId message to
	// a user ID. Nil means clients cannot bind themselves: the game server
	// binds them with Service.SetUserID, and a setUserId message gets an
	// error frame (400).
	Verifier token.Verifier
	// AllowConcurrentAccess is the allowConcurrentAccess of a client's
	// setUserId message that does not give one. Nil means true.
	AllowConcurrentAccess *bool
	// SendQueue is how many frames may wait to be written to one client;
	// zero means DefaultSendQueue. A frame sent to a full queue fails with
	// gateway.ErrSlowConsumer and the service disconnects the client.
	SendQueue int
	// PingInterval is the period of the heartbeat: this long after the
	// connection opened, and after each pong, the server pings the client.
	// Zero means DefaultPingInterval.
	PingInterval time.Duration
	// PingTimeout is how long the client has to answer a ping; a client
	// that does not is dropped. Zero means DefaultPingTimeout.
	PingTimeout time.Duration
	// WriteTimeout bounds the write of one frame to the socket (wall time:
	// it is a socket deadline). A client whose socket does not take a frame
	// in time is dropped. Zero means DefaultWriteTimeout.
	WriteTimeout time.Duration
	// ReadLimit is the largest message a client may send, in bytes; a
	// larger one closes the connection with status 1009. Zero means
	// DefaultReadLimit.
	ReadLimit int64
	// Clock runs the heartbeat's timers (PingInterval and PingTimeout). Nil
	// means clock.New().
	Clock clock.Clock
	// Logger receives the errors of connections (failed handshakes,
	// internal errors answered with 500). Nil discards them.
	Logger *slog.Logger
	// AcceptOptions are handed to websocket.Accept: origin patterns,
	// subprotocols, compression. Nil accepts same-origin requests only,
	// without compression. Its OnPongReceived and OnPingReceived are kept.
	AcceptOptions *websocket.AcceptOptions

	// hooks are test-only signals, set by export_test.go.
	hooks hooks
}

// hooks let tests wait for internal events instead of sleeping.
type hooks struct {
	// ended runs when a connection has been reported to
	// Service.Disconnected.
	ended func(connectionID string)
	// pinged runs after each heartbeat ping with its result (nil when the
	// pong arrived in time).
	pinged func(connectionID string, err error)
	// queued runs when a frame is queued, with the number of frames then
	// waiting for that connection.
	queued func(connectionID string, n int)
}

// Handler is the WebSocket transport of a gateway namespace: an
// http.Handler that upgrades each request to a WebSocket, registers it with
// the service and serves it until it closes. See the package documentation
// for the protocol. A Handler is safe for concurrent use.
type Handler struct {
	svc          *gateway.Service
	ns           string
	verifier     token.Verifier
	allowConc    *bool
	sendQueue    int
	pingInterval time.Duration
	pingTimeout  time.Duration
	writeTimeout time.Duration
	readLimit    int64
	clock        clock.Clock
	log          *slog.Logger
	accept       *websocket.AcceptOptions
	hooks        hooks

	// ctx is the context of the calls a connection makes to the service;
	// cancel ends it when Close gives up waiting.
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	conns  map[*conn]struct{} // open connections, for Close
	wg     sync.WaitGroup     // ServeHTTP calls in progress
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler for cfg. It fails with an error matching
// gateway.ErrInvalidArgument when Service is nil, Namespace is not a valid
// namespace name, or a size or duration is negative.
func New(cfg Config) (*Handler, error) {
	if cfg.Service == nil {
		return nil, fmt.Errorf("wsgateway: new: %w", errs.Invalid("Service", "required"))
	}
	if err := validate.Name("Namespace", cfg.Namespace); err != nil {
		return nil, fmt.Errorf("wsgateway: new: %w", err)
	}
	for _, d := range []struct {
		field string
		v     int64
	}{
		{"SendQueue", int64(cfg.SendQueue)},
		{"PingInterval", int64(cfg.PingInterval)},
		{"PingTimeout", int64(cfg.PingTimeout)},
		{"WriteTimeout", int64(cfg.WriteTimeout)},
		{"ReadLimit", cfg.ReadLimit},
	} {
		if d.v < 0 {
			return nil, fmt.Errorf("wsgateway: new: %w", errs.Invalid(d.field, "must not be negative"))
		}
	}
	h := &Handler{
		svc:          cfg.Service,
		ns:           cfg.Namespace,
		verifier:     cfg.Verifier,
		allowConc:    cfg.AllowConcurrentAccess,
		sendQueue:    orDefault(cfg.SendQueue, DefaultSendQueue),
		pingInterval: orDefault(cfg.PingInterval, DefaultPingInterval),
		pingTimeout:  orDefault(cfg.PingTimeout, DefaultPingTimeout),
		writeTimeout: orDefault(cfg.WriteTimeout, DefaultWriteTimeout),
		readLimit:    orDefault(cfg.ReadLimit, DefaultReadLimit),
		clock:        cfg.Clock,
		log:          cfg.Logger,
		accept:       cfg.AcceptOptions,
		hooks:        cfg.hooks,
		conns:        make(map[*conn]struct{}),
	}
	if h.clock == nil {
		h.clock = clock.New()
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	return h, nil
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// ServeHTTP upgrades the request to a WebSocket and serves the connection
// until it ends; it returns once every goroutine of the connection has
// exited. After Close it answers 503 Service Unavailable.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		http.Error(w, "gateway is closed", http.StatusServiceUnavailable)
		return
	}
	h.wg.Add(1)
	h.mu.Unlock()
	defer h.wg.Done()

	hw := wsbatch.Wrap(w, h.writeTimeout)
	ws, err := websocket.Accept(hw, r, h.accept)
	if err != nil {
		h.log.Debug("wsgateway: handshake failed", "remote", r.RemoteAddr, "err", err)
		return // Accept has answered the request
	}
	ws.SetReadLimit(h.readLimit)
	c := newConn(h, ws, hw.Conn())
	if !h.track(c) {
		_ = ws.Close(websocket.StatusGoingAway, "gateway is closed")
		return
	}
	defer h.untrack(c)
	c.serve()
}

// track registers c as open, unless the handler is closing.
func (h *Handler) track(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.conns[c] = struct{}{}
	return true
}

func (h *Handler) untrack(c *conn) {
	h.mu.Lock()
	delete(h.conns, c)
	h.mu.Unlock()
}

// Close stops the handler from accepting connections (new requests get
// 503) and waits until the goroutines of every connection have exited. It
// does not close the open connections itself: Service.Stop (or
// DisconnectAll) does, with a close frame. If ctx ends first, Close drops
// the remaining connections without a close frame, waits for their
// goroutines, and returns ctx.Err(). Close may be called more than once.
func (h *Handler) Close(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()

	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	h.cancel()
	h.mu.Lock()
	for c := range h.conns {
		c.abort("gateway is closed")
	}
	h.mu.Unlock()
	<-done
	return ctx.Err()
}
