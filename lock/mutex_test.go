package lock_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
)

func TestLockUnlockReentrant(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		m, err := e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx1", time.Minute)
		require.NoError(t, err)
		require.Equal(t, lock.Mutex{
			MutexID:        "grn:gs2:local:hearth:lock:ns:user:u1:property:wallet",
			UserID:         "u1",
			PropertyID:     "wallet",
			TransactionID:  "tx1",
			ReferenceCount: 1,
			CreatedAt:      at(0),
			TTLAt:          at(time.Minute),
			Revision:       0,
			FencingToken:   1,
		}, *m)

		// Same transaction: refcount + 1, ttlAt = max(ttlAt, now+ttl).
		e.clk.Add(10 * time.Second)
		m, err = e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx1", 10*time.Second)
		require.NoError(t, err)
		require.EqualValues(t, 2, m.ReferenceCount)
		require.Equal(t, at(time.Minute), m.TTLAt, "a shorter ttl does not shorten the lock")
		require.EqualValues(t, 1, m.Revision)
		require.EqualValues(t, 1, m.FencingToken, "re-entry is not a new acquisition")
		m, err = e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx1", 2*time.Minute)
		require.NoError(t, err)
		require.EqualValues(t, 3, m.ReferenceCount)
		require.Equal(t, at(10*time.Second+2*time.Minute), m.TTLAt, "a longer ttl extends it")
		require.Equal(t, at(0), m.CreatedAt)

		got, err := e.svc.GetMutex(e.ctx, ns, "u1", "wallet")
		require.NoError(t, err)
		require.Equal(t, *m, *got)

		// Unlock as many times as locked.
		for want := int64(2); want >= 0; want-- {
			m, err = e.svc.Unlock(e.ctx, ns, "u1", "wallet", "tx1")
			require.NoError(t, err)
			require.Equal(t, want, m.ReferenceCount)
		}
		_, err = e.svc.GetMutex(e.ctx, ns, "u1", "wallet")
		require.ErrorIs(t, err, lock.ErrNotFound)
		_, err = e.svc.Unlock(e.ctx, ns, "u1", "wallet", "tx1")
		require.ErrorIs(t, err, lock.ErrNotFound)
		require.Empty(t, mutexKeys(t, st), "the mutex record is deleted at refcount 0")
	})
}

func TestLockConflict(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		_, err := e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx1", time.Minute)
		require.NoError(t, err)
		unchanged(t, st, func() {
			_, err := e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx2", time.Minute)
			require.ErrorIs(t, err, lock.ErrConflict)
			require.NotErrorIs(t, err, lock.ErrNotFound)
			_, err = e.svc.Unlock(e.ctx, ns, "u1", "wallet", "tx2")
			require.ErrorIs(t, err, lock.ErrConflict, "unlock by the wrong transaction")
		})
		// Other properties, users and namespaces are independent.
		_, err = e.svc.Lock(e.ctx, ns, "u1", "inventory", "tx2", time.Minute)
		require.NoError(t, err)
		_, err = e.svc.Lock(e.ctx, ns, "u2", "wallet", "tx2", time.Minute)
		require.NoError(t, err)
		_, err = e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: "other"})
		require.NoError(t, err)
		_, err = e.svc.Lock(e.ctx, "other", "u1", "wallet", "tx2", time.Minute)
		require.NoError(t, err)
	})
}

func TestExpiryExactlyAtTTLAt(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		_, err := e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx1", time.Minute)
		require.NoError(t, err)

		e.clk.Add(time.Minute - time.Millisecond)
		_, err = e.svc.GetMutex(e.ctx, ns, "u1", "wallet")
		require.NoError(t, err, "held until ttlAt")
		_, err = e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx2", time.Minute)
		require.ErrorIs(t, err, lock.ErrConflict)

		e.clk.Add(time.Millisecond) // now == ttlAt: gone
		_, err = e.svc.GetMutex(e.ctx, ns, "u1", "wallet")
		require.ErrorIs(t, err, lock.ErrNotFound)
		items, _, err := e.svc.DescribeMutexes(e.ctx, ns, "u1", "", 0)
		require.NoError(t, err)
		require.Empty(t, items)
		unchanged(t, st, func() {
			_, err = e.svc.Unlock(e.ctx, ns, "u1", "wallet", "tx1")
			require.ErrorIs(t, err, lock.ErrNotFound, "unlock of an expired mutex")
			_, err = e.svc.DeleteMutex(e.ctx, ns, "u1", "wallet")
			require.ErrorIs(t, err, lock.ErrNotFound, "delete of an expired mutex")
		})

		// Lock treats it as free: a new holder, refcount 1, a new token.
		m, err := e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx2", time.Minute)
		require.NoError(t, err)
		require.Equal(t, "tx2", m.TransactionID)
		require.EqualValues(t, 1, m.ReferenceCount)
		require.EqualValues(t, 2, m.FencingToken)
		require.Equal(t, at(time.Minute), m.CreatedAt)

		// The old holder re-locking an expired mutex is a fresh acquisition too.
		e.clk.Add(time.Minute)
		m, err = e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx2", time.Minute)
		require.NoError(t, err)
		require.EqualValues(t, 1, m.ReferenceCount)
		require.EqualValues(t, 3, m.FencingToken)
	})
}

func TestTTLZeroMeansOneHour(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		m, err := e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx1", 0)
		require.NoError(t, err)
		require.Equal(t, at(time.Hour), m.TTLAt)
	})
}

func TestTimeOffset(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		future := clock.WithOffset(e.ctx, time.Hour)
		m, err := e.svc.Lock(future, ns, "u1", "wallet", "tx1", time.Minute)
		require.NoError(t, err)
		require.Equal(t, at(time.Hour), m.CreatedAt)
		require.Equal(t, at(time.Hour+time.Minute), m.TTLAt)

		_, err = e.svc.GetMutex(e.ctx, ns, "u1", "wallet")
		require.NoError(t, err)
		later := clock.WithOffset(e.ctx, 2*time.Hour)
		_, err = e.svc.GetMutex(later, ns, "u1", "wallet")
		require.ErrorIs(t, err, lock.ErrNotFound, "expired from the point of view of a later call")
		items, _, err := e.svc.DescribeMutexes(later, ns, "u1", "", 0)
		require.NoError(t, err)
		require.Empty(t, items)
		_, err = e.svc.Unlock(later, ns, "u1", "wallet", "tx1")
		require.ErrorIs(t, err, lock.ErrNotFound)
		_, err = e.svc.DeleteMutex(later, ns, "u1", "wallet")
		require.ErrorIs(t, err, lock.ErrNotFound)
		m, err = e.svc.Lock(later, ns, "u1", "wallet", "tx2", time.Minute)
		require.NoError(t, err, "free in the future")
		require.EqualValues(t, 2, m.FencingToken)
	})
}

func TestDeleteMutex(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		for range 3 {
			_, err := e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx1", time.Minute)
			require.NoError(t, err)
		}
		m, err := e.svc.DeleteMutex(e.ctx, ns, "u1", "wallet")
		require.NoError(t, err)
		require.EqualValues(t, 3, m.ReferenceCount, "returns the mutex as it was")
		require.Equal(t, "tx1", m.TransactionID)
		_, err = e.svc.GetMutex(e.ctx, ns, "u1", "wallet")
		require.ErrorIs(t, err, lock.ErrNotFound)
		unchanged(t, st, func() {
			_, err = e.svc.DeleteMutex(e.ctx, ns, "u1", "wallet")
			require.ErrorIs(t, err, lock.ErrNotFound)
		})
		m, err = e.svc.Lock(e.ctx, ns, "u1", "wallet", "tx2", time.Minute)
		require.NoError(t, err)
		require.EqualValues(t, 2, m.FencingToken)
	})
}

func TestDescribeMutexesPages(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		props := []string{"a", "b", "c", "d", "e"}
		for i, p := range props {
			// "c" expires after a minute, the others after an hour.
			ttl := time.Hour
			if p == "c" {
				ttl = time.Minute
			}
			_, err := e.svc.Lock(e.ctx, ns, "u1", p, "tx", ttl)
			require.NoError(t, err, i)
		}
		// Another user whose ID extends u1's, and another namespace: not listed.
		_, err := e.svc.Lock(e.ctx, ns, "u1\x00", "z", "tx", time.Hour)
		require.NoError(t, err)
		e.clk.Add(time.Minute)

		var got []string
		token := ""
		pages := 0
		for {
			items, next, err := e.svc.DescribeMutexes(e.ctx, ns, "u1", token, 2)
			require.NoError(t, err)
			pages++
			for _, m := range items {
				require.Equal(t, "u1", m.UserID)
				got = append(got, m.PropertyID)
			}
			if next == "" {
				break
			}
			token = next
		}
		require.Equal(t, []string{"a", "b", "d", "e"}, got, "in property order, expired skipped")
		require.Equal(t, 2, pages)

		all, next, err := e.svc.DescribeMutexes(e.ctx, ns, "u1", "", 0)
		require.NoError(t, err)
		require.Len(t, all, 4)
		require.Empty(t, next)

		_, _, err = e.svc.DescribeMutexes(e.ctx, "missing", "u1", "", 0)
		require.ErrorIs(t, err, lock.ErrNotFound)
	})
}

func TestMissingNamespace(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		unchanged(t, st, func() {
			_, err := e.svc.Lock(e.ctx, "missing", "u1", "p", "tx", 0)
			require.ErrorIs(t, err, lock.ErrNotFound)
			_, err = e.svc.Unlock(e.ctx, "missing", "u1", "p", "tx")
			require.ErrorIs(t, err, lock.ErrNotFound)
			_, err = e.svc.GetMutex(e.ctx, "missing", "u1", "p")
			require.ErrorIs(t, err, lock.ErrNotFound)
			_, err = e.svc.DeleteMutex(e.ctx, "missing", "u1", "p")
			require.ErrorIs(t, err, lock.ErrNotFound)
		})
	})
}

func TestGRNUsesRegionAndOwner(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnvConfig(t, st, &lock.Config{Region: "ap-northeast-1", Owner: "studio"})
		m, err := e.svc.Lock(e.ctx, ns, "u1", "p", "tx", 0)
		require.NoError(t, err)
		require.Equal(t, "grn:gs2:ap-northeast-1:studio:lock:ns:user:u1:property:p", m.MutexID)
		n, err := e.svc.GetNamespace(e.ctx, ns)
		require.NoError(t, err)
		require.Equal(t, "grn:gs2:ap-northeast-1:studio:lock:ns", n.NamespaceID)
	})
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	_, err := lock.New(nil, nil)
	requireField(t, err, "store")
	st := teststore.Cases()[0].Open(t)
	_, err = lock.New(st, &lock.Config{Region: "a:b"})
	requireField(t, err, "region")
	_, err = lock.New(st, &lock.Config{Owner: "a b"})
	requireField(t, err, "owner")
	svc, err := lock.New(st, nil)
	require.NoError(t, err)
	v, err := svc.GetServiceVersion(t.Context())
	require.NoError(t, err)
	require.Equal(t, "(devel)", v)
}

// mutexKeys returns the keys of the stored mutex records.
func mutexKeys(t *testing.T, st store.Store) []string {
	t.Helper()
	var out []string
	for k := range dump(t, st) {
		if len(k) > 16 && k[:16] == `("lock", "mutex"` {
			out = append(out, k)
		}
	}
	return out
}
