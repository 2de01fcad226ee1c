package gateway_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/store"
)

// The one table of stores every test runs against, and the store-unchanged
// check, are shared by every service's tests.
var (
	eachStore = teststore.Each
	dump      = teststore.Dump
	unchanged = teststore.Unchanged
)

// ns is the namespace every env creates.
const ns = "game"

// env is a started service on a store with a mock clock, a recording
// MobilePusher and namespace ns.
type env struct {
	t      *testing.T
	st     store.Store
	clk    *clock.Mock
	svc    *gateway.Service
	pusher *fakePusher
	ctx    context.Context
}

// newEnv builds an env; cfg may be nil, and its Clock and MobilePusher are
// replaced by the env's (a nil pusher in cfg is kept nil when noPusher).
func newEnv(t *testing.T, st store.Store, cfg *gateway.Config) *env {
	t.Helper()
	e := &env{t: t, st: st, clk: clock.NewMock(), pusher: &fakePusher{}, ctx: context.Background()}
	var c gateway.Config
	if cfg != nil {
		c = *cfg
	}
	c.Clock = e.clk
	if c.MobilePusher == nil {
		c.MobilePusher = e.pusher
	}
	svc, err := gateway.New(st, &c)
	require.NoError(t, err)
	e.svc = svc
	require.NoError(t, svc.Start(e.ctx))
	t.Cleanup(func() { _ = svc.Stop(context.Background()) })
	_, err = svc.CreateNamespace(e.ctx, gateway.CreateNamespaceInput{Name: ns, FirebaseSecret: "secret"})
	require.NoError(t, err)
	return e
}

// connect registers a fake connection in namespace name.
func (e *env) connect(name string) (string, *fakeConn) {
	e.t.Helper()
	c := newFakeConn()
	id, err := e.svc.Connect(e.ctx, name, c)
	require.NoError(e.t, err)
	return id, c
}

// bind connects a fake connection in ns and binds it to user with
// concurrent access allowed.
func (e *env) bind(user string) (string, *fakeConn) {
	e.t.Helper()
	id, c := e.connect(ns)
	_, err := e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: user})
	require.NoError(e.t, err)
	return id, c
}

// sessions returns the connection IDs of user's sessions in the store,
// sorted.
func (e *env) sessions(name, user string) []string {
	e.t.Helper()
	var ids []string
	token := ""
	for {
		items, next, err := e.svc.DescribeWebSocketSessions(e.ctx, name, user, token, 0)
		require.NoError(e.t, err)
		for _, s := range items {
			ids = append(ids, s.ConnectionID)
		}
		if next == "" {
			break
		}
		token = next
	}
	slices.Sort(ids)
	return ids
}

// requireConsistent checks the store's invariants.
func (e *env) requireConsistent() {
	e.t.Helper()
	require.NoError(e.t, gateway.CheckStore(e.st))
}

// sorted returns a sorted copy of ids.
func sorted(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// live returns the memory's bound connections of user in ns, never nil.
func (e *env) live(user string) []string {
	ids := gateway.LiveBound(e.svc, ns, user)
	if ids == nil {
		ids = []string{}
	}
	return ids
}

// errClosedConn is what a fake Conn's Send returns after Close.
var errClosedConn = errors.New("fake conn: closed")

// fakeConn records the frames sent and the close.
type fakeConn struct {
	mu      sync.Mutex
	frames  [][]byte
	code    int
	reason  string
	closes  int
	sendErr error
	drop    bool // discard frames (benchmarks)
	closed  chan struct{}
}

func newFakeConn() *fakeConn { return &fakeConn{closed: make(chan struct{})} }

func (c *fakeConn) Send(frame []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closes > 0:
		return errClosedConn
	case c.sendErr != nil:
		return c.sendErr
	case c.drop:
		return nil
	}
	c.frames = append(c.frames, frame)
	return nil
}

func (c *fakeConn) Close(code int, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closes++
	if c.closes == 1 {
		c.code, c.reason = code, reason
		close(c.closed)
	}
}

// closeCode returns the code of the first Close, or 0.
func (c *fakeConn) closeCode() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.code
}

func (c *fakeConn) isClosed() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

func (c *fakeConn) received() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.frames))
	for i, f := range c.frames {
		out[i] = string(f)
	}
	return out
}

func (c *fakeConn) setSendErr(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sendErr = err
}

// fakePusher records mobile messages and returns err.
type fakePusher struct {
	mu  sync.Mutex
	got []gateway.MobileMessage
	err error
}

func (p *fakePusher) Push(_ context.Context, msg gateway.MobileMessage) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got = append(p.got, msg)
	return p.err
}

func (p *fakePusher) messages() []gateway.MobileMessage {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.got)
}

func (p *fakePusher) setErr(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = err
}

// requireInvalid checks that err matches ErrInvalidArgument and is a field
// error for field, named in its message.
func requireInvalid(t *testing.T, err error, field string, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, gateway.ErrInvalidArgument, msgAndArgs...)
	fe, ok := errors.AsType[*errs.FieldError](err)
	require.True(t, ok, msgAndArgs...)
	require.Equal(t, field, fe.Field, msgAndArgs...)
	require.Contains(t, err.Error(), field, msgAndArgs...)
}

// chars returns n characters of two bytes each: limits count characters,
// not bytes.
func chars(n int) string { return strings.Repeat("é", n) }

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
