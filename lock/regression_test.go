package lock_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
)

// An unlocked Lease must not Unlock again: that would release the reference
// of another lease of the same transaction and delete the mutex under it.
func TestUnlockedLeaseDoesNotUnlockAgain(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		l1, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		l2, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		_, err = l1.Unlock(e.ctx)
		require.NoError(t, err)
		<-l1.Done()

		_, err = l1.Unlock(e.ctx)
		require.ErrorIs(t, err, lock.ErrNotFound, "an ended lease must not unlock again")
		m, err := e.svc.GetMutex(e.ctx, ns, "u", "p")
		require.NoError(t, err, "l2's hold must still be there")
		require.EqualValues(t, 1, m.ReferenceCount)
		requireOpen(t, l2)
		_, err = l2.Unlock(e.ctx)
		require.NoError(t, err)
	})
}

// Refresh on an unlocked lease must not extend the mutex that another lease
// of the same transaction holds.
func TestUnlockedLeaseDoesNotRefresh(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		l1, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		l2, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		_, err = l1.Unlock(e.ctx)
		require.NoError(t, err)
		<-l1.Done()
		before := dump(t, st)
		_, err = l1.Refresh(e.ctx, time.Hour)
		require.ErrorIs(t, err, lock.ErrNotFound, "an ended lease must not refresh")
		require.Equal(t, before, dump(t, st))
		_, err = l2.Unlock(e.ctx)
		require.NoError(t, err)
	})
}

// Clean (and likewise deleting and re-creating a namespace) restarts
// fencing tokens, so a new hold of the same transaction may get a lost
// lease's token again; the lost lease's Unlock must not release it.
func TestLostLeaseDoesNotUnlockSuccessorAfterClean(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		old, err := e.svc.Acquire(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		_, err = e.svc.Clean(e.ctx, "u")
		require.NoError(t, err)
		<-old.Done() // lost

		m, err := e.svc.Lock(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		require.Equal(t, old.FencingToken(), m.FencingToken, "token reused after Clean (documented)")

		_, err = old.Unlock(e.ctx)
		require.ErrorIs(t, err, lock.ErrNotFound, "a lost lease must not release the new hold")
		_, err = e.svc.GetMutex(e.ctx, ns, "u", "p")
		require.NoError(t, err, "the new hold was released by a lost lease")
	})
}

// A positive ttl under one millisecond must not give a mutex that has
// expired on arrival (ttlAt == now), free for any other transaction.
func TestSubMillisecondTTLRoundsUp(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		m, err := e.svc.Lock(e.ctx, ns, "u", "p", "tx", 500*time.Microsecond)
		require.NoError(t, err)
		require.Equal(t, clock.Millis(e.clk.Now())+1, m.TTLAt, "the ttl is rounded up to a whole millisecond")
		_, err = e.svc.GetMutex(e.ctx, ns, "u", "p")
		require.NoError(t, err, "the mutex just locked must exist")
		_, err = e.svc.Lock(e.ctx, ns, "u", "p", "other", time.Minute)
		require.ErrorIs(t, err, lock.ErrConflict, "another transaction took the mutex at once")
	})
}

// A document whose fencing token would make the counter wrap around (and
// hand out tokens below earlier ones) is an invalid argument.
func TestImportRejectsAFencingTokenThatWouldWrap(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		_, err := e.svc.Lock(e.ctx, ns, "u", "p", "tx", time.Minute)
		require.NoError(t, err)
		_, err = e.svc.Unlock(e.ctx, ns, "u", "p", "tx") // token 1 issued
		require.NoError(t, err)
		doc := fmt.Sprintf(`{"format":"hearth.userdata","version":1,"service":"lock","userId":"u","createdAt":%d,`+
			`"data":{"mutexes":[{"namespaceName":"ns","propertyId":"p","transactionId":"tx","referenceCount":1,`+
			`"createdAt":%d,"ttlAt":%d,"revision":0,"fencingToken":18446744073709551615}]}}`,
			at(0), at(0), at(time.Hour))
		unchanged(t, st, func() {
			_, err = e.svc.Import(e.ctx, "", []byte(doc))
		})
		requireField(t, err, "mutexes[0].fencingToken")
		m, err := e.svc.Lock(e.ctx, ns, "u", "p", "tx2", time.Minute)
		require.NoError(t, err)
		require.EqualValues(t, 2, m.FencingToken, "the counter is untouched")
	})
}
