package lock_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The one table of stores every test runs against, and the store-unchanged
// check, are shared by every service's tests.
var (
	eachStore = teststore.Each
	dump      = teststore.Dump
	unchanged = teststore.Unchanged
)

// env is a service on a store with a mock clock and one namespace, "ns".
type env struct {
	st  store.Store
	clk *clock.Mock
	svc *lock.Service
	ctx context.Context
}

const ns = "ns"

func newEnv(t *testing.T, st store.Store) *env {
	t.Helper()
	return newEnvConfig(t, st, &lock.Config{})
}

func newEnvConfig(t *testing.T, st store.Store, cfg *lock.Config) *env {
	t.Helper()
	clk := clock.NewMock()
	cfg.Clock = clk
	svc, err := lock.New(st, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, svc.Stop(context.Background())) })
	e := &env{st: st, clk: clk, svc: svc, ctx: context.Background()}
	_, err = svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: ns})
	require.NoError(t, err)
	return e
}

// requireField asserts err is an invalid-argument error naming field.
func requireField(t *testing.T, err error, field string, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, lock.ErrInvalidArgument, msgAndArgs...)
	var fe *errs.FieldError
	require.True(t, errors.As(err, &fe), msgAndArgs...)
	require.Equal(t, field, fe.Field, msgAndArgs...)
	require.Contains(t, err.Error(), field)
}

// at is the mock-clock instant d after clock.Epoch, in Unix milliseconds.
func at(d time.Duration) int64 { return clock.Epoch.Add(d).UnixMilli() }
