package lock_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
)

func requireOpen(t *testing.T, l *lock.Lease) {
	t.Helper()
	select {
	case <-l.Done():
		t.Fatal("lease lost too early")
	default:
	}
}

func TestLeaseDoneAtTTLAt(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		l, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		e.clk.BlockUntil(1)
		e.clk.Add(time.Minute - time.Millisecond)
		requireOpen(t, l)
		e.clk.Add(time.Millisecond)
		<-l.Done()
		_, err = l.Refresh(e.ctx, time.Minute)
		require.ErrorIs(t, err, lock.ErrNotFound, "a lost lease cannot be refreshed")
		_, err = l.Unlock(e.ctx)
		require.ErrorIs(t, err, lock.ErrNotFound)
	})
}

func TestLeaseRefreshExtends(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		l, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		e.clk.Add(30 * time.Second)
		m, err := l.Refresh(e.ctx, time.Minute)
		require.NoError(t, err)
		require.Equal(t, at(90*time.Second), m.TTLAt)
		require.EqualValues(t, 1, m.Revision)
		require.Equal(t, *m, l.Mutex())
		e.clk.Add(30 * time.Second) // the old ttlAt
		requireOpen(t, l)
		e.clk.Add(30 * time.Second)
		<-l.Done()
	})
}

// TestLeaseFollowsReentrantLock: a re-entrant Lock that extends ttlAt keeps
// the lease alive past its original ttlAt.
func TestLeaseFollowsReentrantLock(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		l, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		_, err = e.svc.Lock(e.ctx, ns, "u", "p", "tx", time.Hour)
		require.NoError(t, err)
		e.clk.BlockUntil(1)
		e.clk.Add(time.Minute)
		e.clk.BlockUntil(1) // the check re-armed at the new ttlAt
		requireOpen(t, l)
		e.clk.Add(time.Hour)
		<-l.Done()
	})
}

func TestLeaseDoneAfterDeleteMutexAndUnlock(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		l, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		_, err = e.svc.DeleteMutex(e.ctx, ns, "u", "p")
		require.NoError(t, err)
		<-l.Done()

		// A new holder's lease is not affected by the old one's release.
		l2, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx2", time.Minute)
		require.NoError(t, err)
		_, err = l.Unlock(e.ctx)
		require.ErrorIs(t, err, lock.ErrNotFound)
		requireOpen(t, l2)
		// Service.Unlock down to 0 ends the lease too.
		_, err = e.svc.Unlock(e.ctx, ns, "u", "p", "tx2")
		require.NoError(t, err)
		<-l2.Done()
		require.Zero(t, e.svc.Entries())
		require.Zero(t, e.clk.Waiters())
	})
}

func TestLeaseAutoRenew(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		l, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", 30*time.Second, lock.WithAutoRenew())
		require.NoError(t, err)
		for i := 1; i <= 10; i++ {
			e.clk.BlockUntil(2) // expiry check and watchdog armed
			e.clk.Add(10 * time.Second)
		}
		e.clk.BlockUntil(2)
		requireOpen(t, l)
		m, err := e.svc.GetMutex(e.ctx, ns, "u", "p")
		require.NoError(t, err)
		require.Equal(t, at(100*time.Second+30*time.Second), m.TTLAt, "renewed every ttl/3")
		_, err = l.Unlock(e.ctx)
		require.NoError(t, err)
		<-l.Done()
		require.Zero(t, e.clk.Waiters(), "the watchdog stops on Unlock")
	})
}

// A release that lands between Acquire's commit and the registration of its
// lease cannot reach the lease through the registry; the lease must still
// learn of it at once, not at ttlAt.
func TestLeaseLostBetweenCommitAndRegistration(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		cfg := &lock.Config{}
		var e *env
		lock.SetAcquiredHook(cfg, func(tx string) {
			_, err := e.svc.DeleteMutex(e.ctx, ns, "u", "p")
			require.NoError(t, err)
		})
		e = newEnvConfig(t, st, cfg)
		l, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Hour)
		require.NoError(t, err)
		select {
		case <-l.Done():
		default:
			t.Fatal("the lease must be lost at once: its mutex was force-deleted")
		}
		require.Zero(t, e.clk.Waiters(), "a lost lease leaves no timer armed")
	})
}
