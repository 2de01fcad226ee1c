package lock

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/batch"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/grn"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/version"
	"github.com/hearth-go/hearth/store"
)

// DefaultGCInterval is how often the background sweep deletes expired
// mutexes when Config.GCInterval is zero.
const DefaultGCInterval = time.Minute

// Config configures a Service. The zero value (or a nil *Config) is valid.
type Config struct {
	// Clock tells the time and runs the timers (expiry of leases, waits in
	// Acquire, the sweep). Nil means clock.New().
	Clock clock.Clock
	// Logger receives the errors of background work (sweep, lease renewal).
	// Nil discards them.
	Logger *slog.Logger
	// Region and Owner are used in GRNs; empty means "local" and "hearth".
	Region string
	Owner  string
	// GCInterval is the period of the sweep that Start runs; zero means
	// DefaultGCInterval, negative disables the sweep.
	GCInterval time.Duration

	// hooks are test-only signals, set by export_test.go.
	hooks hooks
}

// hooks let tests wait for internal events instead of sleeping.
type hooks struct {
	// swept runs after each background sweep pass with its result.
	swept func(n int, err error)
	// queued runs when an Acquire call has joined the queue of a mutex.
	queued func(ns, user, prop, tx string)
	// acquired runs when an Acquire call has committed its hold, before
	// the lease is registered.
	acquired func(ns, user, prop, tx string)
}

// settings are the lock namespace's own settings: none.
type settings struct{}

// Service is Hearth's GS2-Lock. It is safe for concurrent use.
type Service struct {
	st         store.Store
	clock      clock.Clock
	log        *slog.Logger
	grn        grn.Builder
	grnPrefix  string // grn:gs2:{region}:{owner}:lock: (see mutexGRN)
	reg        *namespace.Registry[settings]
	batch      *batch.Batcher // runs Lock and Unlock transactions, several per commit
	gcInterval time.Duration
	hooks      hooks

	mu        sync.Mutex
	locks     map[lockID]*entry // waiters and leases in this process
	nlocks    atomic.Int64      // len(locks), read without mu by released
	started   bool
	stopped   bool
	stopping  chan struct{}  // closed by Stop
	sweepDone chan struct{}  // closed when the sweep goroutine returns
	inflight  sync.WaitGroup // timer callbacks running
}

// New returns a lock Service over st. A nil cfg means the defaults. It fails
// with an error matching ErrInvalidArgument when st is nil or the region or
// owner contains ':' or whitespace.
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
	if c.GCInterval == 0 {
		c.GCInterval = DefaultGCInterval
	}
	b := grn.Builder{Region: c.Region, Owner: c.Owner}.WithDefaults()
	if err := b.Validate(); err != nil {
		return nil, wrap("new", err)
	}
	s := &Service{
		st:         st,
		batch:      batch.New(st, 0),
		clock:      c.Clock,
		log:        c.Logger,
		grn:        b,
		grnPrefix:  b.Namespace(service, ""),
		gcInterval: c.GCInterval,
		hooks:      c.hooks,
		locks:      make(map[lockID]*entry),
		stopping:   make(chan struct{}),
	}
	reg, err := namespace.New(namespace.Config[settings]{
		Service:  service,
		Store:    st,
		Clock:    c.Clock,
		GRN:      b,
		OnDelete: deleteNamespaceData,
	})
	if err != nil {
		return nil, wrap("new", err)
	}
	s.reg = reg
	return s, nil
}

// GetServiceVersion returns the version of the Hearth module in this binary
// ("(devel)" for a development build).
func (s *Service) GetServiceVersion(context.Context) (string, error) {
	return version.Version(), nil
}

// Start runs the background sweep that deletes expired mutexes every
// GCInterval of the service clock, in small transactions, and wakes the
// waiters of the mutexes it deletes. It returns at once. Start after Start,
// or after Stop, returns an error.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.stopped:
		return ErrStopped
	case s.started:
		return errors.New("lock: already started")
	}
	s.started = true
	if s.gcInterval < 0 {
		return nil
	}
	s.sweepDone = make(chan struct{})
	ticker := s.clock.NewTicker(s.gcInterval)
	go s.sweepLoop(context.WithoutCancel(ctx), ticker)
	return nil
}

// Stop ends the service's background work: the sweep, lease expiry timers
// and automatic renewals (every Lease's Done channel closes; the mutexes
// themselves stay in the store until they are unlocked or expire), and
// Acquire calls waiting return ErrStopped. It waits for work in flight to
// finish, or for ctx to end (then it returns ctx.Err()). Lock, Unlock and the
// other synchronous methods keep working after Stop.
func (s *Service) Stop(ctx context.Context) error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil
	}
	s.stopped = true
	close(s.stopping)
	var leases []*Lease
	for _, e := range s.locks {
		for l := range e.leases {
			leases = append(leases, l)
		}
	}
	done := s.sweepDone
	s.mu.Unlock()

	for _, l := range leases {
		s.retireLease(l)
	}
	finished := make(chan struct{})
	go func() {
		if done != nil {
			<-done
		}
		s.inflight.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("lock: stop: %w", ctx.Err())
	}
}

// enter registers a timer callback in flight; it reports false once Stop
// has begun, when the callback must do nothing. Call exit when done.
func (s *Service) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return false
	}
	s.inflight.Add(1)
	return true
}

func (s *Service) exit() { s.inflight.Done() }
