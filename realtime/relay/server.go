package relay

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/realtime"
)

// Defaults of Config.
const (
	// DefaultHost is the address rooms listen on and hand out.
	DefaultHost = "127.0.0.1"
	// DefaultPortMin and DefaultPortMax bound the ports rooms listen on.
	DefaultPortMin = 40000
	DefaultPortMax = 40999
	// DefaultPingInterval is how often a connection is pinged.
	DefaultPingInterval = 20 * time.Second
)

// Verifier checks the access token of a HelloRequest and returns the user
// it identifies. *token.HMAC of package gateway/token satisfies it.
type Verifier interface {
	Verify(ctx context.Context, token string) (userID string, err error)
}

// Config configures a Server.
type Config struct {
	// Host is the IPv4 address (or host name) rooms listen on and the
	// address handed to players. Empty means DefaultHost.
	Host string
	// PortMin and PortMax are the inclusive port range of the rooms, one
	// port per room. Both zero mean DefaultPortMin..DefaultPortMax.
	PortMin, PortMax int
	// Verifier checks access tokens. Required.
	Verifier Verifier
	// Clock drives the idle and lifetime limits and the rooms'
	// lifeTimeMilliSeconds. Nil means clock.New().
	Clock clock.Clock
	// Logger receives the server's logs. Nil means slog.Default().
	Logger *slog.Logger
	// PingInterval is how often each connection is pinged to find dead
	// sockets; a ping unanswered after another PingInterval drops the
	// connection (its player leaves the room). Zero means
	// DefaultPingInterval.
	PingInterval time.Duration
	// HeartbeatClock drives PingInterval. Nil means the wall clock. It is
	// apart from Clock so that a test can advance a room's limits without
	// pinging, or ping without ending rooms.
	HeartbeatClock clock.Clock
}

// Server is the in-process relay: one WebSocket listener per room. It is
// the default realtime.Provisioner.
type Server struct {
	host     string
	min, max int
	verifier Verifier
	clk      clock.Clock
	hbClk    clock.Clock
	log      *slog.Logger
	ping     time.Duration

	mu     sync.Mutex
	rooms  map[roomID]*room
	ports  map[int]*room
	next   int // the port the next search starts at
	closed bool
}

// roomID names a room within the server.
type roomID struct{ ns, name string }

var _ realtime.Provisioner = (*Server)(nil)

// New returns a Server. It fails with ErrInvalidArgument for a missing
// Verifier or a bad port range.
func New(cfg Config) (*Server, error) {
	if cfg.Verifier == nil {
		return nil, &errs.FieldError{Field: "Verifier", Rule: "required"}
	}
	if cfg.PortMin == 0 && cfg.PortMax == 0 {
		cfg.PortMin, cfg.PortMax = DefaultPortMin, DefaultPortMax
	}
	if cfg.PortMin < 1 || cfg.PortMin > 65535 {
		return nil, &errs.FieldError{Field: "PortMin", Rule: "not in 1..65535"}
	}
	if cfg.PortMax < cfg.PortMin || cfg.PortMax > 65535 {
		return nil, &errs.FieldError{Field: "PortMax", Rule: "not in PortMin..65535"}
	}
	if cfg.PingInterval < 0 {
		return nil, &errs.FieldError{Field: "PingInterval", Rule: "negative"}
	}
	if cfg.Host == "" {
		cfg.Host = DefaultHost
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.New()
	}
	if cfg.HeartbeatClock == nil {
		cfg.HeartbeatClock = clock.New()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.PingInterval == 0 {
		cfg.PingInterval = DefaultPingInterval
	}
	return &Server{
		host: cfg.Host, min: cfg.PortMin, max: cfg.PortMax,
		verifier: cfg.Verifier, clk: cfg.Clock, hbClk: cfg.HeartbeatClock, log: cfg.Logger, ping: cfg.PingInterval,
		rooms: make(map[roomID]*room), ports: make(map[int]*room), next: cfg.PortMin,
	}, nil
}

// Provision starts the room's relay on a free port of the range and
// returns its endpoint with a new printable-ASCII encryption key. A room
// of the same name that is still running is ended first (without Ended).
// The room ends by itself after req.IdleTimeout without a client frame or
// req.MaxLifetime in all (zero means realtime's defaults), and then calls
// req.Ended once.
func (s *Server) Provision(ctx context.Context, req realtime.ProvisionRequest) (realtime.Endpoint, error) {
	if err := ctx.Err(); err != nil {
		return realtime.Endpoint{}, err
	}
	id := roomID{req.NamespaceName, req.RoomName}
	s.mu.Lock()
	old := s.rooms[id]
	s.mu.Unlock()
	if old != nil {
		old.end("replaced")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return realtime.Endpoint{}, ErrClosed
	}
	if s.rooms[id] != nil {
		return realtime.Endpoint{}, fmt.Errorf("relay: room %s/%s provisioned concurrently", id.ns, id.name)
	}
	port, ln, err := s.listenLocked()
	if err != nil {
		return realtime.Endpoint{}, err
	}
	r := newRoom(s, id, port, ln, req)
	s.rooms[id], s.ports[port] = r, r
	r.start()
	s.log.Info("relay: room started", "namespace", id.ns, "room", id.name, "port", port)
	return realtime.Endpoint{IPAddress: s.host, Port: port, EncryptionKey: string(r.key)}, nil
}

// listenLocked listens on the first free port of the range, starting after
// the last one handed out.
func (s *Server) listenLocked() (int, net.Listener, error) {
	n := s.max - s.min + 1
	var lastErr error
	for i := range n {
		port := s.min + (s.next-s.min+i)%n
		if s.ports[port] != nil {
			continue
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(s.host, strconv.Itoa(port)))
		if err != nil {
			lastErr = err
			continue
		}
		s.next = s.min + (port-s.min+1)%n
		return port, ln, nil
	}
	if lastErr != nil {
		return 0, nil, fmt.Errorf("%w: %d..%d: %w", ErrNoPort, s.min, s.max, lastErr)
	}
	return 0, nil, fmt.Errorf("%w: %d..%d", ErrNoPort, s.min, s.max)
}

// Release ends the room, closing its sockets and freeing its port. req.Ended
// is not called. Releasing a room the server does not run is not an error.
func (s *Server) Release(ctx context.Context, namespaceName, roomName string) error {
	s.mu.Lock()
	r := s.rooms[roomID{namespaceName, roomName}]
	s.mu.Unlock()
	if r != nil {
		r.end("released")
	}
	return nil
}

// Close ends every room (without Ended) and makes Provision fail with
// ErrClosed. It returns when every socket is closed; ctx is not used.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	rooms := make([]*room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, r := range rooms {
		wg.Go(func() { r.end("server closed") })
	}
	wg.Wait()
	return nil
}

// forget removes r from the server's maps, freeing its port.
func (s *Server) forget(r *room) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rooms[r.id] == r {
		delete(s.rooms, r.id)
	}
	if s.ports[r.port] == r {
		delete(s.ports, r.port)
	}
}

// newKey returns a printable-ASCII encryption key from crypto/rand.
func newKey() []byte { return []byte(rand.Text()) }
