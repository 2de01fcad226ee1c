package lock_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
	"github.com/hearth-go/hearth/store/memstore"
)

// Benchmarks, on every store with its default tuning:
//
//	go test -run '^$' -bench . -count 5 ./lock/
//
// LockUnlock is one goroutine taking and releasing a free mutex; Parallel16
// is 16 goroutines (GOMAXPROCS × 8) each on its own property; Acquire16 is
// 16 goroutines taking turns on one property with Acquire (each op is one
// handover). Each reports pairs/s (handovers/s).

var benchStores = []struct {
	name string
	open func(b *testing.B) store.Store
}{
	{"memstore", func(b *testing.B) store.Store { return memstore.New(nil) }},
	{"badger", func(b *testing.B) store.Store { return openBadger(b, badgerstore.Crash) }},
	{"badgerSync", func(b *testing.B) store.Store { return openBadger(b, badgerstore.Sync) }},
}

func openBadger(b *testing.B, d badgerstore.Durability) store.Store {
	st, err := badgerstore.Open(b.TempDir(), &badgerstore.Options{Durability: d})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// benchService opens a store and a service with namespace ns.
func benchService(b *testing.B, open func(*testing.B) store.Store) *lock.Service {
	st := open(b)
	svc, err := lock.New(st, &lock.Config{Clock: clock.New()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = svc.Stop(context.Background())
		_ = st.Close()
	})
	if _, err := svc.CreateNamespace(context.Background(), lock.CreateNamespaceInput{Name: ns}); err != nil {
		b.Fatal(err)
	}
	return svc
}

func reportRate(b *testing.B, unit string) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, unit)
	}
}

func lockUnlock(ctx context.Context, svc *lock.Service, prop, tx string) error {
	if _, err := svc.Lock(ctx, ns, "user", prop, tx, time.Minute); err != nil {
		return err
	}
	_, err := svc.Unlock(ctx, ns, "user", prop, tx)
	return err
}

func BenchmarkLockUnlock(b *testing.B) {
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			svc := benchService(b, sc.open)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := lockUnlock(ctx, svc, "wallet", "tx"); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, "pairs/s")
		})
	}
}

func BenchmarkLockUnlockParallel16(b *testing.B) {
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			svc := benchService(b, sc.open)
			ctx := context.Background()
			var next atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				g := next.Add(1)
				prop, tx := fmt.Sprint("property-", g), fmt.Sprint("tx-", g)
				for pb.Next() {
					if err := lockUnlock(ctx, svc, prop, tx); err != nil {
						b.Error(err)
						return
					}
				}
			})
			reportRate(b, "pairs/s")
		})
	}
}

func BenchmarkAcquire16(b *testing.B) {
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			svc := benchService(b, sc.open)
			ctx := context.Background()
			var next atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				tx := fmt.Sprint("tx-", next.Add(1))
				for pb.Next() {
					l, err := svc.Acquire(ctx, ns, "user", "wallet", tx, time.Minute)
					if err != nil {
						b.Error(err)
						return
					}
					if _, err := l.Unlock(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			})
			reportRate(b, "handovers/s")
		})
	}
}
