package jobqueue

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/batch"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/grn"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/version"
	"github.com/hearth-go/hearth/store"
)

// Defaults of Config.
const (
	// DefaultWorkers is the number of auto-run workers.
	DefaultWorkers = 8
	// DefaultResultRetention is how long job results are kept.
	DefaultResultRetention = 7 * 24 * time.Hour
	// DefaultGCInterval is how often expired results are deleted.
	DefaultGCInterval = time.Minute
)

// Notifier sends a notification to a user through a gateway namespace.
// *gateway.Service implements it; see gateway.NotificationSetting for the
// contract. The service calls it after its transaction has committed and
// only logs its errors.
type Notifier interface {
	Notify(ctx context.Context, setting NotificationSetting, userID, subject, payload string) error
}

// Handler runs one attempt at a job. It returns an HTTP-like status code
// (2xx is success; 5xx, 408 and 429 are retried while tries remain; any
// other code sends the job to the dead letters) and a result string,
// usually JSON, stored in the attempt's JobResult.
//
// A non-nil error is a failed attempt: status 500 (or the status returned,
// if it is not 2xx) with the error's text as the result. A handler that
// panics is a failed attempt with status 500 and the panic's text.
//
// Execution is at least once: if the process dies after a handler returns
// and before its result commits, the attempt is recorded as interrupted
// and the job runs again. Make handlers idempotent with job.JobID (or
// job.Name) and job.CurrentRetryCount, the try number.
type Handler func(ctx context.Context, job Job) (statusCode int, result string, err error)

// BackoffFunc returns how long auto-run waits before the next attempt of a
// job whose attempt number try (0 for the first) failed and is retried.
type BackoffFunc func(try int) time.Duration

// Config configures a Service. The zero value (or a nil *Config) is valid.
type Config struct {
	// Clock tells the time (timestamps, backoff, retention). Nil means
	// clock.New().
	Clock clock.Clock
	// Logger receives the errors of background work and of notifications.
	// Nil discards them.
	Logger *slog.Logger
	// Region and Owner are used in GRNs; empty means "local" and "hearth".
	Region string
	Owner  string
	// Notifier delivers push and run notifications; nil sends none.
	Notifier Notifier
	// Workers is the number of auto-run workers: jobs of different users
	// run in parallel up to this number. Zero means DefaultWorkers.
	Workers int
	// Backoff delays the retry of a failed job under auto-run; nil retries
	// at once. Run (manual) ignores it: the caller decides when to run.
	Backoff BackoffFunc
	// ResultRetention is how long a JobResult is kept after its attempt;
	// zero means DefaultResultRetention, negative keeps results forever.
	// Dead letters keep their own copy of their results.
	ResultRetention time.Duration
	// GCInterval is the period of the retention sweep that Start runs; zero
	// means DefaultGCInterval.
	GCInterval time.Duration
	// EventBuffer is the channel capacity of each Subscribe; zero means
	// 1024.
	EventBuffer int
}

// Service is Hearth's GS2-JobQueue. It is safe for concurrent use.
type Service struct {
	st        store.Store
	batch     *batch.Batcher
	clock     clock.Clock
	log       *slog.Logger
	grn       grn.Builder
	grnPrefix string // grn:gs2:{region}:{owner}:queue:
	reg       *namespace.Registry[settings]
	nsCache   nsCache
	notifier  Notifier
	backoff   BackoffFunc
	retention time.Duration
	gcEvery   time.Duration
	events    events
	sweeper   sweeper

	scriptsMu sync.RWMutex
	scripts   map[string]Handler

	sched *scheduler
}

// New returns a JobQueue Service over st. A nil cfg means the defaults. It
// fails with an error matching ErrInvalidArgument when st is nil, the
// region or owner is not GRN-safe, or Workers is negative.
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
	switch {
	case c.Workers < 0:
		return nil, wrap("new", errs.Invalid("Workers", "must be at least 0"))
	case c.Workers == 0:
		c.Workers = DefaultWorkers
	}
	if c.ResultRetention == 0 {
		c.ResultRetention = DefaultResultRetention
	}
	if c.GCInterval <= 0 {
		c.GCInterval = DefaultGCInterval
	}
	if c.EventBuffer <= 0 {
		c.EventBuffer = 1024
	}
	b := grn.Builder{Region: c.Region, Owner: c.Owner}.WithDefaults()
	if err := b.Validate(); err != nil {
		return nil, wrap("new", err)
	}
	s := &Service{
		st:        st,
		batch:     batch.New(st, 0),
		clock:     c.Clock,
		log:       c.Logger,
		grn:       b,
		grnPrefix: b.Namespace(service, ""),
		notifier:  c.Notifier,
		backoff:   c.Backoff,
		retention: c.ResultRetention,
		gcEvery:   c.GCInterval,
		events:    events{buffer: c.EventBuffer},
		scripts:   make(map[string]Handler),
	}
	reg, err := namespace.New(namespace.Config[settings]{
		Service:  service,
		Store:    st,
		Clock:    c.Clock,
		GRN:      b,
		Validate: s.validateSettings,
		OnDelete: deleteNamespaceData,
	})
	if err != nil {
		return nil, wrap("new", err)
	}
	s.reg = reg
	s.sched = newScheduler(s, c.Workers)
	return s, nil
}

// Register makes h the handler of scriptID (at most 1,024 characters),
// replacing any previous one. Register before Start so that jobs left
// queued from before find their handler: a job whose script is not
// registered when it runs fails with status 404.
func (s *Service) Register(scriptID string, h Handler) error {
	if err := checkScriptID("scriptId", scriptID); err != nil {
		return wrap("register", err)
	}
	if h == nil {
		return wrap("register", errs.Invalid("handler", "required"))
	}
	s.scriptsMu.Lock()
	s.scripts[scriptID] = h
	s.scriptsMu.Unlock()
	return nil
}

func (s *Service) handler(scriptID string) Handler {
	s.scriptsMu.RLock()
	defer s.scriptsMu.RUnlock()
	return s.scripts[scriptID]
}

// GetServiceVersion returns the version of the Hearth module in this binary
// ("(devel)" for a development build).
func (s *Service) GetServiceVersion(context.Context) (string, error) {
	return version.Version(), nil
}

// jobGRN returns the GRN of job name of u.
func (s *Service) jobGRN(u userKey, name string) string {
	return s.grnPrefix + u.ns + ":user:" + u.user + ":job:" + name
}

// deadGRN returns the GRN of dead letter name of u.
func (s *Service) deadGRN(u userKey, name string) string {
	return s.grnPrefix + u.ns + ":user:" + u.user + ":dead:" + name
}
