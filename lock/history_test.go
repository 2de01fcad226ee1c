package lock_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
)

// event is one step of the recorded history: an acquisition (refcount 0 to
// 1) recorded after it committed, or a release (1 to 0) recorded before it
// is sent, so a correct lock never shows two holders at once.
type event struct {
	acquire bool
	prop    string
	tx      string
	token   uint64
}

// TestConcurrentHistory: 32 goroutines, each its own transaction, do 500
// random Lock / Acquire / re-entrant Lock / Unlock / GetMutex operations on 4
// properties. The real clock is used with one-hour TTLs, so nothing expires
// and every release is an Unlock. The recorded history must show at no
// moment two holders of one property, fencing tokens strictly increasing
// per property, and reference counts that match each goroutine's own count
// (never negative).
func TestConcurrentHistory(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		const (
			goroutines = 32
			ops        = 500
			ttl        = time.Hour
		)
		props := []string{"p0", "p1", "p2", "p3"}
		ctx := context.Background()
		svc, err := lock.New(st, &lock.Config{Clock: clock.New()})
		require.NoError(t, err)
		defer svc.Stop(ctx)
		_, err = svc.CreateNamespace(ctx, lock.CreateNamespaceInput{Name: ns})
		require.NoError(t, err)

		var mu sync.Mutex
		var history []event
		record := func(ev event) {
			mu.Lock()
			history = append(history, ev)
			mu.Unlock()
		}

		errc := make(chan error, goroutines)
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				errc <- worker(ctx, svc, props, fmt.Sprint("tx", g), ops, ttl, rand.New(rand.NewPCG(uint64(g), 7)), record)
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			require.NoError(t, err)
		}

		holder := map[string]string{}
		lastToken := map[string]uint64{}
		acquisitions := 0
		for i, ev := range history {
			if ev.acquire {
				require.Empty(t, holder[ev.prop], "event %d: %s acquired %s held by %s", i, ev.tx, ev.prop, holder[ev.prop])
				require.Greater(t, ev.token, lastToken[ev.prop], "event %d: fencing token of %s", i, ev.prop)
				holder[ev.prop], lastToken[ev.prop] = ev.tx, ev.token
				acquisitions++
				continue
			}
			require.Equal(t, ev.tx, holder[ev.prop], "event %d: release by a non-holder", i)
			holder[ev.prop] = ""
		}
		require.Greater(t, acquisitions, goroutines, "the workload acquired often")
		require.Empty(t, mutexKeys(t, st), "everything was released")
		require.Zero(t, svc.Entries())
		t.Logf("%d acquisitions", acquisitions)
	})
}

// worker runs one goroutine of TestConcurrentHistory and returns the first
// inconsistency it sees.
func worker(ctx context.Context, svc *lock.Service, props []string, tx string, ops int, ttl time.Duration,
	rng *rand.Rand, record func(event),
) error {
	held := map[string]int64{} // property -> this transaction's reference count
	leases := map[string]*lock.Lease{}
	took := func(p string, m *lock.Mutex) error {
		held[p]++
		if m.ReferenceCount != held[p] || m.TransactionID != tx {
			return fmt.Errorf("%s: %s has refcount %d by %s, want %d by %s", tx, p, m.ReferenceCount, m.TransactionID, held[p], tx)
		}
		if held[p] == 1 {
			record(event{acquire: true, prop: p, tx: tx, token: m.FencingToken})
		}
		return nil
	}
	unlock := func(p string) error {
		if held[p] == 1 {
			record(event{prop: p, tx: tx})
		}
		m, err := svc.Unlock(ctx, ns, "u", p, tx)
		if err != nil {
			return fmt.Errorf("%s: unlock %s: %w", tx, p, err)
		}
		held[p]--
		if m.ReferenceCount != held[p] || held[p] < 0 {
			return fmt.Errorf("%s: unlock %s: refcount %d, want %d", tx, p, m.ReferenceCount, held[p])
		}
		if held[p] == 0 {
			delete(held, p)
			if l := leases[p]; l != nil {
				<-l.Done() // the release ended the lease
				delete(leases, p)
			}
		}
		return nil
	}
	for range ops {
		p := props[rng.IntN(len(props))]
		switch r := rng.IntN(100); {
		case len(held) > 0 && r < 50: // unlock one held property
			for q := range held {
				p = q
				break
			}
			if err := unlock(p); err != nil {
				return err
			}
		case len(held) == 0 && r < 40: // blocking acquire
			actx, cancel := context.WithTimeout(ctx, time.Minute)
			l, err := svc.Acquire(actx, ns, "u", p, tx, ttl)
			cancel()
			if err != nil {
				return fmt.Errorf("%s: acquire %s: %w", tx, p, err)
			}
			m := l.Mutex()
			leases[p] = l
			if err := took(p, &m); err != nil {
				return err
			}
		case r < 85: // try-lock (re-entrant when held)
			m, err := svc.Lock(ctx, ns, "u", p, tx, ttl)
			switch {
			case errors.Is(err, lock.ErrConflict):
				if held[p] > 0 {
					return fmt.Errorf("%s: conflict on %s that it holds", tx, p)
				}
			case err != nil:
				return fmt.Errorf("%s: lock %s: %w", tx, p, err)
			default:
				if err := took(p, m); err != nil {
					return err
				}
			}
		default: // read
			m, err := svc.GetMutex(ctx, ns, "u", p)
			switch {
			case errors.Is(err, lock.ErrNotFound):
				if held[p] > 0 {
					return fmt.Errorf("%s: %s not found while held", tx, p)
				}
			case err != nil:
				return err
			case held[p] > 0 && (m.TransactionID != tx || m.ReferenceCount != held[p]):
				return fmt.Errorf("%s: get %s: %+v, want refcount %d", tx, p, m, held[p])
			case held[p] == 0 && m.TransactionID == tx:
				return fmt.Errorf("%s: get %s: held by me, but I released it", tx, p)
			}
		}
	}
	for p := range held {
		for held[p] > 0 {
			if err := unlock(p); err != nil {
				return err
			}
		}
	}
	return nil
}
