package gateway

import (
	"context"
	"log/slog"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/grn"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/version"
	"github.com/hearth-go/hearth/store"
)

// DefaultNodeID is the node ID of a Service whose Config.NodeID is empty.
const DefaultNodeID = "local"

// Config configures a Service. The zero value (or a nil *Config) is valid.
type Config struct {
	// Clock tells the time (timestamps). Nil means clock.New().
	Clock clock.Clock
	// Logger receives what background work and failed side effects report
	// (a connection closed for being slow, a token deleted as
	// unregistered). Nil discards them.
	Logger *slog.Logger
	// Region and Owner are used in GRNs; empty means "local" and "hearth".
	Region string
	Owner  string
	// MobilePusher delivers mobile notifications (gateway/fcm provides
	// Firebase Cloud Messaging). Nil means none are sent: a notification to
	// a user without a session then has protocol "".
	MobilePusher MobilePusher
	// NodeID is recorded on every session this Service owns, so that Start
	// can remove the sessions a crashed process left, and a later
	// multi-node transport can route. Give every process sharing a store
	// its own stable ID (e.g. the host name); "" means DefaultNodeID. At
	// most 128 characters.
	NodeID string
}

// Service is Hearth's GS2-Gateway: the session registry, notifications and
// device tokens. It is safe for concurrent use.
type Service struct {
	st        store.Store
	clock     clock.Clock
	log       *slog.Logger
	grnPrefix string // grn:gs2:{region}:{owner}:gateway:
	reg       *namespace.Registry[settings]
	pusher    MobilePusher
	nodeID    string
	live      live
}

// New returns a gateway Service over st. A nil cfg means the defaults. It
// fails with an error matching ErrInvalidArgument when st is nil, the
// region or owner is not GRN-safe, or the node ID is longer than 128
// characters.
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
	if c.NodeID == "" {
		c.NodeID = DefaultNodeID
	}
	if err := checkNodeID(c.NodeID); err != nil {
		return nil, wrap("new", err)
	}
	b := grn.Builder{Region: c.Region, Owner: c.Owner}.WithDefaults()
	if err := b.Validate(); err != nil {
		return nil, wrap("new", err)
	}
	s := &Service{
		st:        st,
		clock:     c.Clock,
		log:       c.Logger,
		grnPrefix: b.Namespace(serviceToken, ""),
		pusher:    c.MobilePusher,
		nodeID:    c.NodeID,
	}
	s.live.init()
	reg, err := namespace.New(namespace.Config[settings]{
		Service:  serviceToken,
		Store:    st,
		Clock:    c.Clock,
		GRN:      b,
		Validate: validateSettings,
		OnDelete: deleteNamespaceData,
	})
	if err != nil {
		return nil, wrap("new", err)
	}
	s.reg = reg
	return s, nil
}

// NodeID returns the node ID recorded on this Service's sessions.
func (s *Service) NodeID() string { return s.nodeID }

// GetServiceVersion returns the version of the Hearth module in this binary
// ("(devel)" for a development build).
func (s *Service) GetServiceVersion(context.Context) (string, error) {
	return version.Version(), nil
}

// sessionGRN returns the GRN of the session of connection connID of u.
func (s *Service) sessionGRN(u userRef, connID string) string {
	return s.grnPrefix + u.ns + ":user:" + u.user + ":session:" + connID
}

// tokenGRN returns the GRN of u's Firebase token.
func (s *Service) tokenGRN(u userRef) string {
	return s.grnPrefix + u.ns + ":user:" + u.user + ":firebase:token"
}

// now returns the call's time in Unix milliseconds (clock.WithOffset
// honoured).
func (s *Service) now(ctx context.Context) int64 {
	return clock.Millis(clock.Now(ctx, s.clock))
}
