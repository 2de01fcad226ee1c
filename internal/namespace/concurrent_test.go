package namespace_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/store"
)

// race runs f from n goroutines released at once and returns their errors.
func race(n int, f func(i int) error) []error {
	out := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			out[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return out
}

func TestConcurrentCreateSameName(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend store.Store) {
		// All 16 read "missing" before any commits: only conflict
		// detection and retry keep a second create from succeeding.
		st := newBarrierStore(backend, 16)
		f := newFixture(t, st)
		ctx := context.Background()
		results := race(16, func(i int) error {
			_, err := f.reg.Create(ctx, namespace.CreateInput[settings]{Name: "contended", Settings: settings{Limit: i}})
			return err
		})
		winner := -1
		for i, err := range results {
			if err == nil {
				require.Equal(t, -1, winner, "two creates succeeded")
				winner = i
				continue
			}
			require.ErrorIs(t, err, errs.ErrAlreadyExists)
		}
		require.NotEqual(t, -1, winner, "no create succeeded")
		got, err := f.reg.Get(ctx, "contended")
		require.NoError(t, err)
		require.Equal(t, winner, got.Settings.Limit, "the stored record is the winner's")
		require.Len(t, dump(t, st), 1)
		require.Greater(t, st.updates.Load(), int64(16), "the losers retried")
	})
}

// barrierStore counts the Update transactions run on it, retries
// included, and holds the first n Gets until all n have arrived, so that n
// concurrent transactions read the same state before any of them commits:
// every run then has conflicts to resolve.
type barrierStore struct {
	store.Store
	n       int64
	gets    atomic.Int64
	arrived sync.WaitGroup
	updates atomic.Int64
}

func newBarrierStore(st store.Store, n int) *barrierStore {
	b := &barrierStore{Store: st, n: int64(n)}
	b.arrived.Add(n)
	return b
}

func (b *barrierStore) Update(ctx context.Context, fn func(store.Txn) error) error {
	b.updates.Add(1)
	return b.Store.Update(ctx, func(txn store.Txn) error { return fn(barrierTxn{txn, b}) })
}

type barrierTxn struct {
	store.Txn
	b *barrierStore
}

func (t barrierTxn) Get(key []byte) ([]byte, error) {
	if t.b.gets.Add(1) <= t.b.n {
		t.b.arrived.Done()
		t.b.arrived.Wait()
	}
	return t.Txn.Get(key)
}

func TestConcurrentUpdates(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, backend store.Store) {
		const workers, each = 8, 10
		f := newFixture(t, backend)
		ctx := context.Background()
		f.create(t, "hot")
		st := newBarrierStore(backend, workers)
		f.reg = newFixture(t, st).reg
		results := race(workers, func(i int) error {
			var errsSeen []error
			for range each {
				_, err := f.reg.Update(ctx, namespace.UpdateInput[settings]{Name: "hot", Settings: settings{Limit: i}})
				if err != nil {
					errsSeen = append(errsSeen, err)
				}
			}
			return errors.Join(errsSeen...)
		})
		failed := 0
		for _, err := range results {
			if err == nil {
				continue
			}
			// Only contention that outlasted the retries may fail an update.
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				require.ErrorIs(t, e, errs.ErrConflict)
				failed++
			}
		}
		got, err := f.reg.Get(ctx, "hot")
		require.NoError(t, err)
		require.Equal(t, int64(workers*each-failed), got.Revision)
		require.Greater(t, st.updates.Load(), int64(workers*each), "the barrier forces retries")
		t.Logf("%d of %d updates outlasted the retries; %d transactions for %d updates",
			failed, workers*each, st.updates.Load(), workers*each)
	})
}
