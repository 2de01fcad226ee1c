package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/token"
	"github.com/hearth-go/hearth/gateway/wsgateway"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/realtime/relay"
	"github.com/hearth-go/hearth/store"
)

// ns is the namespace of every service: the game's.
const ns = "game"

// gatewayGRN names the gateway namespace in the other services'
// notification settings (Hearth's default region and owner).
const gatewayGRN = "grn:gs2:local:hearth:gateway:" + ns

// tokenTTL is how long a login token lasts.
const tokenTTL = 24 * time.Hour

// config is what an app is built from; main fills it from flags, tests
// directly.
type config struct {
	Store  store.Store
	Clock  clock.Clock  // nil: the wall clock
	Logger *slog.Logger // nil: discard
	// Secret signs login tokens; nil: a random one (tokens then do not
	// survive a restart).
	Secret []byte
	// RelayHost and the port range of the match rooms' relay.
	RelayHost                  string
	RelayPortMin, RelayPortMax int
	// MatchWindow is how long the matchmaker waits, after the second
	// player, for more (up to matchMax); zero matches two at once.
	MatchWindow time.Duration
}

// app is the game server: Hearth's four services, wired, and the HTTP
// handler in front of them.
type app struct {
	cfg    config
	log    *slog.Logger
	clk    clock.Clock
	st     store.Store
	tokens *token.HMAC
	lock   *lock.Service
	jobs   *jobqueue.Service
	gw     *gateway.Service
	ws     *wsgateway.Handler
	rt     *realtime.Service
	relay  *relay.Server
	ledger *ledger
	match  *matchmaker
	rooms  *roomBook
	mux    *http.ServeMux

	stopOnce sync.Once
}

// newApp builds the services; start starts them.
func newApp(cfg config) (*app, error) {
	a := &app{cfg: cfg, st: cfg.Store, clk: cfg.Clock, log: cfg.Logger}
	if a.clk == nil {
		a.clk = clock.New()
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	secret := cfg.Secret
	if secret == nil {
		secret = []byte(uuid.NewString() + uuid.NewString())
	}
	var err error
	if a.tokens, err = token.NewHMAC(secret, a.clk); err != nil {
		return nil, err
	}
	if a.lock, err = lock.New(a.st, &lock.Config{Clock: a.clk, Logger: a.log.With("service", "lock")}); err != nil {
		return nil, err
	}
	if a.gw, err = gateway.New(a.st, &gateway.Config{Clock: a.clk, Logger: a.log.With("service", "gateway")}); err != nil {
		return nil, err
	}
	if a.jobs, err = jobqueue.New(a.st, &jobqueue.Config{
		Clock: a.clk, Logger: a.log.With("service", "jobqueue"), Notifier: a.gw,
		Backoff: func(try int) time.Duration { return time.Duration(try) * time.Second },
	}); err != nil {
		return nil, err
	}
	if err := a.jobs.Register(rewardScript, a.reward); err != nil {
		return nil, err
	}
	if a.relay, err = relay.New(relay.Config{
		Host: cfg.RelayHost, PortMin: cfg.RelayPortMin, PortMax: cfg.RelayPortMax,
		Verifier: a.tokens, Clock: a.clk, Logger: a.log.With("service", "relay"),
	}); err != nil {
		return nil, err
	}
	if a.rt, err = realtime.New(a.st, &realtime.Config{
		Clock: a.clk, Logger: a.log.With("service", "realtime"), Provisioner: a.relay, Notifier: a.gw,
	}); err != nil {
		return nil, err
	}
	if a.ws, err = wsgateway.New(wsgateway.Config{
		Service: a.gw, Namespace: ns, Verifier: a.tokens, Clock: a.clk, Logger: a.log.With("service", "wsgateway"),
	}); err != nil {
		return nil, err
	}
	a.ledger = &ledger{st: a.st, clk: a.clk}
	a.rooms = newRoomBook()
	a.match = newMatchmaker(a.clk, cfg.MatchWindow, a.formRoom)
	a.mux = a.routes()
	return a, nil
}

// start starts the services and creates the namespaces on first start.
func (a *app) start(ctx context.Context) error {
	for _, s := range []interface{ Start(context.Context) error }{a.lock, a.gw, a.jobs, a.rt} {
		if err := s.Start(ctx); err != nil {
			return err
		}
	}
	return a.setup(ctx)
}

// setup creates the namespaces that do not exist yet (so a restart keeps
// everything) and deletes the rooms a previous process left: their relay
// ran in that process.
func (a *app) setup(ctx context.Context) error {
	run := &gateway.NotificationSetting{GatewayNamespaceID: gatewayGRN}
	steps := []struct {
		service string
		create  func() error
	}{
		{"lock", func() error { _, err := a.lock.CreateNamespace(ctx, lock.CreateNamespaceInput{Name: ns}); return err }},
		{"gateway", func() error {
			_, err := a.gw.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: ns})
			return err
		}},
		{"jobqueue", func() error {
			_, err := a.jobs.CreateNamespace(ctx, jobqueue.CreateNamespaceInput{
				Name: ns, EnableAutoRun: true, RunNotification: run,
			})
			return err
		}},
		{"realtime", func() error {
			_, err := a.rt.CreateNamespace(ctx, realtime.CreateNamespaceInput{Name: ns, CreateNotification: run})
			return err
		}},
	}
	for _, s := range steps {
		err := s.create()
		switch {
		case err == nil:
			a.log.Info("namespace created", "service", s.service, "namespace", ns)
		case errors.Is(err, lock.ErrAlreadyExists), errors.Is(err, gateway.ErrAlreadyExists),
			errors.Is(err, jobqueue.ErrAlreadyExists), errors.Is(err, realtime.ErrAlreadyExists):
		default:
			return fmt.Errorf("create the %s namespace: %w", s.service, err)
		}
	}
	rooms, err := a.allRooms(ctx)
	if err != nil {
		return err
	}
	for _, r := range rooms {
		if _, err := a.rt.DeleteRoom(ctx, ns, r.Name); err != nil && !errors.Is(err, realtime.ErrNotFound) {
			return err
		}
		a.log.Info("room of a previous run deleted", "room", r.Name)
	}
	return nil
}

// allRooms returns every room of the game's realtime namespace.
func (a *app) allRooms(ctx context.Context) ([]realtime.Room, error) {
	var all []realtime.Room
	for token := ""; ; {
		rooms, next, err := a.rt.DescribeRooms(ctx, ns, token, 100)
		if err != nil {
			return nil, err
		}
		all = append(all, rooms...)
		if next == "" {
			return all, nil
		}
		token = next
	}
}

// stop stops everything in the order that loses nothing: no new
// connections, the relay's rooms, the services (the gateway closes its
// sockets with 1001), then the WebSocket handler's goroutines.
func (a *app) stop(ctx context.Context) error {
	var errs []error
	a.stopOnce.Do(func() {
		a.match.stop()
		errs = append(errs, a.rt.Stop(ctx), a.relay.Close(ctx), a.jobs.Stop(ctx), a.gw.Stop(ctx),
			a.ws.Close(ctx), a.lock.Stop(ctx))
	})
	return errors.Join(errs...)
}

// serve serves the app on ln until ctx ends, then shuts the HTTP server
// down within the grace period.
func (a *app) serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{Handler: a.mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	// Hijacked WebSockets are not the HTTP server's to close: stop closes
	// them (1001) and waits for their goroutines.
	err := errors.Join(a.stop(sctx), srv.Shutdown(sctx))
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	return err
}
