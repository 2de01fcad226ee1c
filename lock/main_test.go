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
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
	"github.com/hearth-go/hearth/store/memstore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// storeCase opens one backend for a test.
type storeCase struct {
	name string
	open func(t testing.TB) store.Store
}

// storeCases is the one table of stores every test runs against.
var storeCases = []storeCase{
	{"memstore", func(t testing.TB) store.Store {
		st := memstore.New(nil)
		t.Cleanup(func() { _ = st.Close() })
		return st
	}},
	{"badgerstore", func(t testing.TB) store.Store {
		st, err := badgerstore.Open(t.TempDir(), &badgerstore.Options{Light: true})
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		return st
	}},
}

// eachStore runs f in parallel subtests, one per backend.
func eachStore(t *testing.T, f func(t *testing.T, st store.Store)) {
	t.Helper()
	for _, sc := range storeCases {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			f(t, sc.open(t))
		})
	}
}

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

// dump returns every key and value in the store.
func dump(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, st.View(context.Background(), func(txn store.Txn) error {
		return txn.Scan(nil, store.ScanOptions{}, func(k, v []byte) bool {
			out[keys.Key(k).String()] = string(v)
			return true
		})
	}))
	return out
}

// unchanged runs f and asserts that the store is the same afterwards.
func unchanged(t *testing.T, st store.Store, f func()) {
	t.Helper()
	before := dump(t, st)
	f()
	require.Equal(t, before, dump(t, st), "a failed call must change nothing")
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
