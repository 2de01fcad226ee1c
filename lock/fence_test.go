package lock_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
)

// TestFencingTokens: each free-to-held transition gets the next token —
// after unlock, expiry, force delete and sweep — and tokens are per
// namespace, user and property.
func TestFencingTokens(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		token := func(user, prop, tx string) uint64 {
			t.Helper()
			m, err := e.svc.Lock(e.ctx, ns, user, prop, tx, time.Minute)
			require.NoError(t, err)
			return m.FencingToken
		}
		require.EqualValues(t, 1, token("u", "p", "a"))
		require.EqualValues(t, 1, token("u", "p", "a"), "re-entry keeps the token")
		require.EqualValues(t, 1, token("u", "q", "a"), "per property")
		require.EqualValues(t, 1, token("v", "p", "a"), "per user")

		for range 2 {
			_, err := e.svc.Unlock(e.ctx, ns, "u", "p", "a")
			require.NoError(t, err)
		}
		require.EqualValues(t, 2, token("u", "p", "b"), "after unlock")
		e.clk.Add(time.Minute)
		require.EqualValues(t, 3, token("u", "p", "c"), "after expiry")
		_, err := e.svc.DeleteMutex(e.ctx, ns, "u", "p")
		require.NoError(t, err)
		require.EqualValues(t, 4, token("u", "p", "c"), "after force delete")
		e.clk.Add(time.Minute)
		n, err := e.svc.Sweep(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 3, n, "u/p, u/q and v/p")
		require.EqualValues(t, 5, token("u", "p", "d"), "after the sweep deleted the record")
	})
}

// TestFencingTokensSurviveRestart: a new Service on a reopened Badger store
// continues the sequence, and a lock held before the restart is still held.
func TestFencingTokensSurviveRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	clk := clock.NewMock()
	open := func() (store.Store, *lock.Service) {
		st, err := badgerstore.Open(dir, &badgerstore.Options{Light: true})
		require.NoError(t, err)
		svc, err := lock.New(st, &lock.Config{Clock: clk})
		require.NoError(t, err)
		return st, svc
	}
	st, svc := open()
	_, err := svc.CreateNamespace(ctx, lock.CreateNamespaceInput{Name: ns})
	require.NoError(t, err)
	_, err = svc.Lock(ctx, ns, "u", "p", "a", time.Minute)
	require.NoError(t, err)
	_, err = svc.Unlock(ctx, ns, "u", "p", "a")
	require.NoError(t, err)
	_, err = svc.Lock(ctx, ns, "u", "held", "a", time.Minute)
	require.NoError(t, err)
	require.NoError(t, svc.Stop(ctx))
	require.NoError(t, st.Close())

	st, svc = open()
	defer st.Close()
	defer svc.Stop(ctx)
	m, err := svc.Lock(ctx, ns, "u", "p", "b", time.Minute)
	require.NoError(t, err)
	require.EqualValues(t, 2, m.FencingToken)
	_, err = svc.Lock(ctx, ns, "u", "held", "b", time.Minute)
	require.ErrorIs(t, err, lock.ErrConflict, "still held after the restart")
}
