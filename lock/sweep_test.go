package lock_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
)

// TestSweepDeletesOnlyExpired: Sweep removes every expired record (more
// than one batch of them, across namespaces) and nothing live; fencing
// counters stay.
func TestSweepDeletesOnlyExpired(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		_, err := e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: "other"})
		require.NoError(t, err)
		const n = 300 // more than two sweep batches
		for i := range n {
			space := ns
			if i%3 == 0 {
				space = "other"
			}
			ttl := time.Minute
			if i%10 == 0 {
				ttl = time.Hour
			}
			_, err := e.svc.Lock(e.ctx, space, fmt.Sprint("u", i%7), fmt.Sprint("p", i), "tx", ttl)
			require.NoError(t, err)
		}
		require.Len(t, mutexKeys(t, st), n)
		deleted, err := e.svc.Sweep(e.ctx)
		require.NoError(t, err)
		require.Zero(t, deleted, "nothing has expired yet")

		e.clk.Add(time.Minute)
		deleted, err = e.svc.Sweep(e.ctx)
		require.NoError(t, err)
		require.Equal(t, n-n/10, deleted)
		require.Len(t, mutexKeys(t, st), n/10, "the live ones stay")
		fences := 0
		for k := range dump(t, st) {
			if len(k) > 16 && k[:16] == `("lock", "fence"` {
				fences++
			}
		}
		require.Equal(t, n, fences, "fencing counters survive the sweep")
	})
}

// TestBackgroundSweep: after Start, the sweep runs every GCInterval of the
// service clock; Stop ends it.
func TestBackgroundSweep(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		swept := make(chan int, 10)
		cfg := &lock.Config{GCInterval: 10 * time.Minute}
		lock.SetSweptHook(cfg, func(n int, err error) {
			require.NoError(t, err)
			swept <- n
		})
		e := newEnvConfig(t, st, cfg)
		require.NoError(t, e.svc.Start(e.ctx))
		require.Error(t, e.svc.Start(e.ctx), "started twice")
		_, err := e.svc.Lock(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)

		e.clk.BlockUntil(1) // the sweep's ticker
		e.clk.Add(10 * time.Minute)
		require.Equal(t, 1, <-swept)
		require.Empty(t, mutexKeys(t, st))
		require.NoError(t, e.svc.Stop(e.ctx))
		require.Zero(t, e.clk.Waiters(), "the ticker is stopped")
		require.ErrorIs(t, e.svc.Start(e.ctx), lock.ErrStopped)
	})
}
