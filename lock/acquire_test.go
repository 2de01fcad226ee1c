package lock_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
)

// acquireResult is what a background Acquire returned.
type acquireResult struct {
	lease *lock.Lease
	err   error
}

// queuedEnv is an env whose Acquire calls report when they have queued.
type queuedEnv struct {
	*env
	queued chan string
}

func newQueuedEnv(t *testing.T, st store.Store) *queuedEnv {
	t.Helper()
	queued := make(chan string, 100)
	cfg := &lock.Config{}
	lock.SetQueuedHook(cfg, func(tx string) { queued <- tx })
	return &queuedEnv{env: newEnvConfig(t, st, cfg), queued: queued}
}

// acquire starts Acquire in the background and waits until it has queued.
func (e *queuedEnv) acquire(ctx context.Context, prop, tx string, ttl time.Duration) <-chan acquireResult {
	out := make(chan acquireResult, 1)
	go func() {
		l, err := e.svc.Acquire(ctx, ns, "u", prop, tx, ttl)
		out <- acquireResult{l, err}
	}()
	for got := range e.queued { // skip direct Acquire calls made before
		if got == tx {
			break
		}
	}
	return out
}

func TestAcquireFreeAndReentrant(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		l, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		require.EqualValues(t, 1, l.FencingToken())
		require.Equal(t, "tx", l.Mutex().TransactionID)
		l2, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err, "the holder acquires again at once")
		require.EqualValues(t, 2, l2.Mutex().ReferenceCount)
		m, err := l2.Unlock(e.ctx)
		require.NoError(t, err)
		require.EqualValues(t, 1, m.ReferenceCount)
		<-l2.Done()
		select {
		case <-l.Done():
			t.Fatal("the other hold is still there")
		default:
		}
		_, err = l.Unlock(e.ctx)
		require.NoError(t, err)
		<-l.Done()
		_, err = l.Unlock(e.ctx)
		require.ErrorIs(t, err, lock.ErrNotFound)
		_, err = e.svc.Acquire(e.ctx, "missing", "u", "p", "tx", time.Minute)
		require.ErrorIs(t, err, lock.ErrNotFound, "a missing namespace fails at once")
		require.Zero(t, e.svc.Entries())
	})
}

func TestAcquireReturnsWhenHolderUnlocks(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newQueuedEnv(t, st)
		_, err := e.svc.Lock(e.ctx, ns, "u", "p", "holder", time.Hour)
		require.NoError(t, err)
		res := e.acquire(e.ctx, "p", "waiter", time.Minute)
		e.clk.BlockUntil(1) // the waiter sleeps until the holder's ttlAt
		select {
		case r := <-res:
			t.Fatalf("returned while held: %v", r.err)
		default:
		}
		_, err = e.svc.Unlock(e.ctx, ns, "u", "p", "holder")
		require.NoError(t, err)
		r := <-res
		require.NoError(t, r.err)
		require.Equal(t, "waiter", r.lease.Mutex().TransactionID)
		require.EqualValues(t, 2, r.lease.FencingToken())
		_, err = r.lease.Unlock(e.ctx)
		require.NoError(t, err)
		require.Zero(t, e.svc.Entries())
	})
}

func TestAcquireReturnsAtHolderTTLAt(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newQueuedEnv(t, st)
		_, err := e.svc.Lock(e.ctx, ns, "u", "p", "holder", time.Minute)
		require.NoError(t, err)
		res := e.acquire(e.ctx, "p", "waiter", time.Minute)
		e.clk.BlockUntil(1)
		e.clk.Add(time.Minute - time.Millisecond)
		select {
		case r := <-res:
			t.Fatalf("returned before ttlAt: %v", r.err)
		default:
		}
		e.clk.Add(time.Millisecond)
		r := <-res
		require.NoError(t, r.err)
		require.Equal(t, at(time.Minute), r.lease.Mutex().CreatedAt)
		_, err = r.lease.Unlock(e.ctx)
		require.NoError(t, err)
	})
}

func TestAcquireCancelLeavesNoWaiter(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newQueuedEnv(t, st)
		_, err := e.svc.Lock(e.ctx, ns, "u", "p", "holder", time.Hour)
		require.NoError(t, err)
		before := dump(t, st)
		ctx, cancel := context.WithCancel(e.ctx)
		first := e.acquire(ctx, "p", "first", time.Minute)
		second := e.acquire(e.ctx, "p", "second", time.Minute)
		require.Equal(t, 2, e.svc.Waiters(ns, "u", "p"))
		cancel()
		r := <-first
		require.ErrorIs(t, r.err, context.Canceled)
		require.Nil(t, r.lease)
		require.Equal(t, 1, e.svc.Waiters(ns, "u", "p"), "the cancelled waiter left the queue")
		require.Equal(t, before, dump(t, st))

		// The second waiter became the head: it gets the lock on release.
		_, err = e.svc.Unlock(e.ctx, ns, "u", "p", "holder")
		require.NoError(t, err)
		r = <-second
		require.NoError(t, r.err)
		_, err = r.lease.Unlock(e.ctx)
		require.NoError(t, err)
		require.Zero(t, e.svc.Entries())
		require.Zero(t, e.clk.Waiters(), "no timer left behind")
	})
}

// TestAcquireFIFO: waiters are served in arrival order.
func TestAcquireFIFO(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newQueuedEnv(t, st)
		_, err := e.svc.Lock(e.ctx, ns, "u", "p", "holder", time.Hour)
		require.NoError(t, err)
		const n = 8
		results := make([]<-chan acquireResult, n)
		for i := range n {
			results[i] = e.acquire(e.ctx, "p", fmt.Sprint("w", i), time.Hour)
		}
		_, err = e.svc.Unlock(e.ctx, ns, "u", "p", "holder")
		require.NoError(t, err)
		for i := range n {
			r := <-results[i]
			require.NoError(t, r.err)
			require.Equal(t, fmt.Sprint("w", i), r.lease.Mutex().TransactionID)
			require.EqualValues(t, i+2, r.lease.FencingToken())
			for _, later := range results[i+1:] {
				select {
				case r := <-later:
					t.Fatalf("a later waiter got the lock while w%d holds it: %v", i, r.err)
				default:
				}
			}
			_, err := r.lease.Unlock(e.ctx)
			require.NoError(t, err)
		}
	})
}

func TestAcquireNamespaceDeleted(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newQueuedEnv(t, st)
		held, err := e.svc.Acquire(e.ctx, ns, "u", "p", "holder", time.Hour)
		require.NoError(t, err)
		res := e.acquire(e.ctx, "p", "waiter", time.Minute)
		_, err = e.svc.DeleteNamespace(e.ctx, ns)
		require.NoError(t, err)
		<-held.Done()
		r := <-res
		require.ErrorIs(t, r.err, lock.ErrNotFound)
		require.Zero(t, e.svc.Entries())
	})
}

func TestStopEndsWaitersAndLeases(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newQueuedEnv(t, st)
		held, err := e.svc.Acquire(e.ctx, ns, "u", "p", "holder", time.Hour, lock.WithAutoRenew())
		require.NoError(t, err)
		res := e.acquire(e.ctx, "p", "waiter", time.Minute)
		require.NoError(t, e.svc.Stop(e.ctx))
		<-held.Done()
		require.ErrorIs(t, (<-res).err, lock.ErrStopped)
		_, err = e.svc.Acquire(e.ctx, ns, "u", "q", "tx", time.Minute)
		require.ErrorIs(t, err, lock.ErrStopped)
		require.Zero(t, e.clk.Waiters(), "every timer stopped")
		_, err = e.svc.GetMutex(e.ctx, ns, "u", "p")
		require.NoError(t, err, "the mutex itself stays until it expires")
		_, err = held.Unlock(e.ctx)
		require.NoError(t, err, "a lease ended by Stop still releases its hold")
		_, err = e.svc.GetMutex(e.ctx, ns, "u", "p")
		require.ErrorIs(t, err, lock.ErrNotFound)
	})
}

// The holder re-entering with Acquire while others wait must not queue
// behind them: they wait for it, so it would wait for itself until ttlAt.
func TestAcquireReentryDoesNotQueueBehindWaiters(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newQueuedEnv(t, st)
		first, err := e.svc.Acquire(e.ctx, ns, "u", "p", "holder", time.Minute)
		require.NoError(t, err)
		waiting := e.acquire(e.ctx, "p", "other", time.Minute)
		require.Equal(t, 1, e.svc.Waiters(ns, "u", "p"))

		// Bounded, so that the bug fails the test instead of hanging it.
		bounded, cancel := context.WithTimeout(e.ctx, 10*time.Second)
		defer cancel()
		again, err := e.svc.Acquire(bounded, ns, "u", "p", "holder", time.Minute)
		require.NoError(t, err, "re-entry is served at once")
		require.EqualValues(t, 2, again.Mutex().ReferenceCount)
		require.Equal(t, first.FencingToken(), again.FencingToken())
		require.Equal(t, 1, e.svc.Waiters(ns, "u", "p"), "the other waiter keeps its place")

		_, err = again.Unlock(e.ctx)
		require.NoError(t, err)
		select {
		case r := <-waiting:
			t.Fatalf("the waiter got the lock while it was still held once: %v", r.err)
		default:
		}
		_, err = first.Unlock(e.ctx)
		require.NoError(t, err)
		r := <-waiting
		require.NoError(t, r.err)
		require.Equal(t, "other", r.lease.Mutex().TransactionID)
		require.Greater(t, r.lease.FencingToken(), first.FencingToken())
		_, err = r.lease.Unlock(e.ctx)
		require.NoError(t, err)
	})
}
