package realtime

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/grn"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/version"
	"github.com/hearth-go/hearth/store"
)

// Defaults of Config.
const (
	// DefaultIdleTimeout ends a room after this long without traffic.
	DefaultIdleTimeout = time.Minute
	// DefaultMaxLifetime ends a room this long after it started.
	DefaultMaxLifetime = 3 * time.Hour
)

// Notifier sends a notification to a user through a gateway namespace.
// *gateway.Service implements it; see gateway.NotificationSetting for the
// contract. The service calls it after its transaction has committed and
// only logs its errors.
type Notifier interface {
	Notify(ctx context.Context, setting gateway.NotificationSetting, userID, subject, payload string) error
}

// Provisioner runs room servers. realtime/relay has the default, an
// in-process relay. The service calls Provision on its own goroutine after
// WantRoom has committed, so WantRoom never waits for it.
type Provisioner interface {
	// Provision starts the server of a room and returns where players
	// connect. ctx is cancelled when the room is deleted while
	// provisioning, or at Stop. An error marks the room FAILED.
	Provision(ctx context.Context, req ProvisionRequest) (Endpoint, error)
	// Release ends a room and disconnects its players: called after
	// DeleteRoom, after a namespace's deletion for each of its rooms, and
	// for an endpoint whose room was deleted while it was provisioned.
	// Releasing a room the provisioner does not run is not an error.
	Release(ctx context.Context, namespaceName, roomName string) error
}

// ProvisionRequest describes the room to provision.
type ProvisionRequest struct {
	// NamespaceName and RoomName name the room.
	NamespaceName, RoomName string
	// ServerType and ServerSpec are the namespace's settings.
	ServerType, ServerSpec string
	// IdleTimeout and MaxLifetime are Config's room limits: the room ends
	// after IdleTimeout without traffic or MaxLifetime in all.
	IdleTimeout, MaxLifetime time.Duration
	// Ended must be called once by the provisioner when the room ends by
	// itself (idle, lifetime); the service then deletes the room. It is
	// not called for a Release. reason is logged.
	Ended func(reason string)
}

// Endpoint is where players reach a provisioned room.
type Endpoint struct {
	// IPAddress is the host, at most 128 characters.
	IPAddress string
	// Port is the port, 0..65535.
	Port int
	// EncryptionKey signs the room's messages, at most 256 characters.
	EncryptionKey string
}

// Config configures a Service. The zero value (or a nil *Config) is valid
// except that WantRoom then needs a Provisioner.
type Config struct {
	// Clock tells the time (timestamps). Nil means clock.New().
	Clock clock.Clock
	// Logger receives provisioning failures and notification errors. Nil
	// discards them.
	Logger *slog.Logger
	// Region and Owner are used in GRNs; empty means "local" and "hearth".
	Region string
	Owner  string
	// Provisioner runs the rooms' servers. Nil makes WantRoom fail with
	// ErrInvalidArgument (field "Provisioner").
	Provisioner Provisioner
	// Notifier delivers Gs2Realtime:Create; nil sends none.
	Notifier Notifier
	// IdleTimeout is handed to the Provisioner; zero means
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MaxLifetime is handed to the Provisioner; zero means
	// DefaultMaxLifetime.
	MaxLifetime time.Duration
}

// Service is Hearth's GS2-Realtime. It is safe for concurrent use.
type Service struct {
	st        store.Store
	clock     clock.Clock
	log       *slog.Logger
	grn       grn.Builder
	grnPrefix string // grn:gs2:{region}:{owner}:realtime:
	reg       *namespace.Registry[settings]
	prov      Provisioner
	notifier  Notifier
	idle      time.Duration
	lifetime  time.Duration

	// base is the parent of every Provision context; cancelled at Stop.
	base       context.Context
	cancelBase context.CancelFunc

	mu       sync.Mutex
	started  bool
	stopped  bool
	inflight map[string]context.CancelFunc // attempt -> cancel of its Provision
	wg       sync.WaitGroup                // provisioning goroutines
	// dropped collects, per namespace being deleted, the rooms the
	// deleting transaction removed (see deleteNamespaceData).
	dropped map[string][]roomRec
}

// New returns a Realtime Service over st. A nil cfg means the defaults. It
// fails with an error matching ErrInvalidArgument when st is nil, the
// region or owner is not GRN-safe, or a room limit is negative.
func New(st store.Store, cfg *Config) (*Service, error) {
	if st == nil {
		return nil, wrap("new", errs.Invalid("store", "required"))
	}
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Clock == nil {
		c.Clock = clock.New()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.IdleTimeout < 0 {
		return nil, wrap("new", errs.Invalid("IdleTimeout", "must be at least 0"))
	}
	if c.MaxLifetime < 0 {
		return nil, wrap("new", errs.Invalid("MaxLifetime", "must be at least 0"))
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxLifetime == 0 {
		c.MaxLifetime = DefaultMaxLifetime
	}
	b := grn.Builder{Region: c.Region, Owner: c.Owner}.WithDefaults()
	if err := b.Validate(); err != nil {
		return nil, wrap("new", err)
	}
	base, cancel := context.WithCancel(context.Background())
	s := &Service{
		st:         st,
		clock:      c.Clock,
		log:        c.Logger,
		grn:        b,
		grnPrefix:  b.Namespace(service, ""),
		prov:       c.Provisioner,
		notifier:   c.Notifier,
		idle:       c.IdleTimeout,
		lifetime:   c.MaxLifetime,
		base:       base,
		cancelBase: cancel,
		inflight:   make(map[string]context.CancelFunc),
		dropped:    make(map[string][]roomRec),
	}
	reg, err := namespace.New(namespace.Config[settings]{
		Service:  service,
		Store:    st,
		Clock:    c.Clock,
		GRN:      b,
		Validate: s.validateSettings,
		OnDelete: s.deleteNamespaceData,
	})
	if err != nil {
		cancel()
		return nil, wrap("new", err)
	}
	s.reg = reg
	return s, nil
}

// Now returns the service's time, Unix milliseconds, shifted by any
// clock.WithOffset in ctx (GS2's now).
func (s *Service) Now(ctx context.Context) (int64, error) {
	return clock.Millis(clock.Now(ctx, s.clock)), nil
}

// GetServiceVersion returns the version of the Hearth module in this binary
// ("(devel)" for a development build).
func (s *Service) GetServiceVersion(context.Context) (string, error) {
	return version.Version(), nil
}

// roomGRN returns the GRN of room name of namespace ns.
func (s *Service) roomGRN(ns, name string) string {
	return s.grnPrefix + ns + ":room:" + name
}
