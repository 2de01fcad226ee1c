package badgerstore_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
	"github.com/hearth-go/hearth/store/storetest"
)

// Benchmarks. Compare in one run:
//
//	go test -run '^$' -bench . -count 5 ./store/badgerstore/
//
// BenchmarkStore runs the shared storetest benchmarks on the default
// presets; BenchmarkRaw does the same read-modify-write directly on Badger
// (same options, same 100-byte values), so the store's overhead is
// BenchmarkStore/Disk/RMW* over BenchmarkRaw/RMW*. BenchmarkSync16
// compares group commit with Badger's SyncWrites, 16 goroutines on
// distinct keys.
//
// On a shared machine the load changes between benchmarks, which run one
// after the other; BenchmarkInterleaved alternates the store and raw
// Badger in short slices inside one benchmark, so both see the same load,
// and reports the ratios directly.

func BenchmarkStore(b *testing.B) {
	b.Run("Disk", func(b *testing.B) {
		storetest.RunBenchmarks(b, opener(badgerstore.Options{}))
	})
	b.Run("DiskSync", func(b *testing.B) {
		storetest.RunBenchmarks(b, opener(badgerstore.Options{Durability: badgerstore.Sync}))
	})
	b.Run("InMemory", func(b *testing.B) {
		storetest.RunBenchmarks(b, opener(badgerstore.Options{InMemory: true}))
	})
}

// rawValueSize matches storetest's benchmark values.
const rawValueSize = 100

// openRaw opens Badger with the options of badgerstore's default on-disk
// preset, plus tune.
func openRaw(b *testing.B, tune func(badger.Options) badger.Options) *badger.DB {
	b.Helper()
	opt := badger.DefaultOptions(b.TempDir()).WithLogger(nil)
	if tune != nil {
		opt = tune(opt)
	}
	db, err := badger.Open(opt)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}

// rawKey is storetest's benchmark key layout: prefix + 8-byte id.
func rawKey(id uint64) []byte { return binary.BigEndian.AppendUint64([]byte("rmw/"), id) }

// rawFill writes a 100-byte value at keys 0..n-1.
func rawFill(b *testing.B, db *badger.DB, n int) {
	b.Helper()
	err := db.Update(func(txn *badger.Txn) error {
		for i := range n {
			if err := txn.Set(rawKey(uint64(i)), bytes.Repeat([]byte{'v'}, rawValueSize)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// rawRMW increments the counter in the first 8 bytes of key's value in
// one Badger transaction (Get, ValueCopy, Set), retrying conflicts.
func rawRMW(db *badger.DB, key []byte) error {
	for {
		err := db.Update(func(txn *badger.Txn) error {
			item, err := txn.Get(key)
			if err != nil {
				return err
			}
			v, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			binary.BigEndian.PutUint64(v, binary.BigEndian.Uint64(v)+1)
			return txn.Set(key, v)
		})
		if !errors.Is(err, badger.ErrConflict) {
			return err
		}
	}
}

// reportOps adds an ops/s metric.
func reportOps(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "ops/s")
	}
}

// rawParallel runs rawRMW with b.RunParallel, each goroutine on its own
// key.
func rawParallel(b *testing.B, db *badger.DB) {
	const maxGoroutines = 1024
	rawFill(b, db, maxGoroutines)
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		key := rawKey(next.Add(1) - 1)
		for pb.Next() {
			if err := rawRMW(db, key); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportOps(b)
}

func BenchmarkRaw(b *testing.B) {
	b.Run("RMWOneKey", func(b *testing.B) {
		db := openRaw(b, nil)
		rawFill(b, db, 1)
		key := rawKey(0)
		b.ReportAllocs()
		for b.Loop() {
			if err := rawRMW(db, key); err != nil {
				b.Fatal(err)
			}
		}
		reportOps(b)
	})
	b.Run("RMWDistinctKeysParallel", func(b *testing.B) {
		rawParallel(b, openRaw(b, nil))
	})
}

// BenchmarkSync16: read-modify-write on distinct keys by 16 goroutines
// (parallelism 8 on 2 cores) with power-loss durability: badgerstore's
// group commit against Badger's SyncWrites.
func BenchmarkSync16(b *testing.B) {
	b.Run("GroupCommit", func(b *testing.B) {
		s := opener(badgerstore.Options{Durability: badgerstore.Sync})(b)
		const maxGoroutines = 1024
		err := s.Update(b.Context(), func(tx store.Txn) error {
			for i := range maxGoroutines {
				if err := tx.Set(rawKey(uint64(i)), bytes.Repeat([]byte{'v'}, rawValueSize)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		var next atomic.Uint64
		b.ReportAllocs()
		b.SetParallelism(8)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			key := rawKey(next.Add(1) - 1)
			val := make([]byte, rawValueSize)
			op := func(tx store.Txn) error {
				v, err := tx.Get(key)
				if err != nil {
					return err
				}
				copy(val, v)
				binary.BigEndian.PutUint64(val, binary.BigEndian.Uint64(val)+1)
				return tx.Set(key, val)
			}
			for pb.Next() {
				if err := store.UpdateRetry(b.Context(), s, op); err != nil {
					b.Error(err)
					return
				}
			}
		})
		reportOps(b)
	})
	b.Run("RawSyncWrites", func(b *testing.B) {
		db := openRaw(b, func(o badger.Options) badger.Options { return o.WithSyncWrites(true) })
		b.SetParallelism(8)
		rawParallel(b, db)
	})
}

// storeRMW is storetest's read-modify-write of key, as a store.Update
// under UpdateRetry.
func storeRMW(s store.Store, key []byte) func(b *testing.B) error {
	val := make([]byte, rawValueSize)
	op := func(tx store.Txn) error {
		v, err := tx.Get(key)
		if err != nil {
			return err
		}
		copy(val, v)
		binary.BigEndian.PutUint64(val, binary.BigEndian.Uint64(val)+1)
		return tx.Set(key, val)
	}
	return func(b *testing.B) error { return store.UpdateRetry(b.Context(), s, op) }
}

// fillStore writes a 100-byte value at keys 0..n-1.
func fillStore(b *testing.B, s store.Store, n int) {
	b.Helper()
	err := s.Update(b.Context(), func(tx store.Txn) error {
		for i := range n {
			if err := tx.Set(rawKey(uint64(i)), bytes.Repeat([]byte{'v'}, rawValueSize)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// inParallel runs ops operations split over g goroutines, goroutine i
// calling op(i), and returns the elapsed time.
func inParallel(b *testing.B, g, ops int, op func(id int) error) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	for id := range g {
		wg.Go(func() {
			for range ops / g {
				if err := op(id); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// interleave runs slices of slice operations of a and then of b until b.N
// operations of each ran, and reports both rates and their ratio.
func interleave(b *testing.B, slice int, nameA, nameB string, a, c func(n int) time.Duration) {
	var ta, tc time.Duration
	n := 0
	b.ReportAllocs()
	b.ResetTimer()
	for n < b.N {
		k := min(slice, b.N-n)
		ta += a(k)
		tc += c(k)
		n += k
	}
	b.StopTimer()
	b.ReportMetric(float64(ta.Nanoseconds())/float64(n), nameA+"-ns/op")
	b.ReportMetric(float64(tc.Nanoseconds())/float64(n), nameB+"-ns/op")
	b.ReportMetric(float64(ta)/float64(tc), nameA+"/"+nameB)
}

// BenchmarkInterleaved: the store against raw Badger, alternating.
//
//   - RMWOneKey, RMWDistinctKeys2: read-modify-write on one key, and on a
//     key per goroutine with 2 goroutines, default on-disk options; the
//     store/raw ratio is the store's overhead (1.25 = 25% slower).
//   - Sync16: 16 goroutines on distinct keys with power-loss durability,
//     group commit against Badger's SyncWrites; raw/group is the speedup.
func BenchmarkInterleaved(b *testing.B) {
	b.Run("RMWOneKey", func(b *testing.B) {
		s := opener(badgerstore.Options{})(b)
		fillStore(b, s, 1)
		db := openRaw(b, nil)
		rawFill(b, db, 1)
		op := storeRMW(s, rawKey(0))
		interleave(b, 500, "store", "raw",
			func(n int) time.Duration { return inParallel(b, 1, n, func(int) error { return op(b) }) },
			func(n int) time.Duration {
				return inParallel(b, 1, n, func(int) error { return rawRMW(db, rawKey(0)) })
			})
	})
	b.Run("RMWDistinctKeys2", func(b *testing.B) {
		s := opener(badgerstore.Options{})(b)
		fillStore(b, s, 2)
		db := openRaw(b, nil)
		rawFill(b, db, 2)
		ops := []func(*testing.B) error{storeRMW(s, rawKey(0)), storeRMW(s, rawKey(1))}
		interleave(b, 1000, "store", "raw",
			func(n int) time.Duration { return inParallel(b, 2, n, func(id int) error { return ops[id](b) }) },
			func(n int) time.Duration {
				return inParallel(b, 2, n, func(id int) error { return rawRMW(db, rawKey(uint64(id))) })
			})
	})
	b.Run("Sync16", func(b *testing.B) {
		const g = 16
		s := opener(badgerstore.Options{Durability: badgerstore.Sync})(b)
		fillStore(b, s, g)
		db := openRaw(b, func(o badger.Options) badger.Options { return o.WithSyncWrites(true) })
		rawFill(b, db, g)
		ops := make([]func(*testing.B) error, g)
		for i := range ops {
			ops[i] = storeRMW(s, rawKey(uint64(i)))
		}
		interleave(b, 100*g, "raw", "group",
			func(n int) time.Duration {
				return inParallel(b, g, n, func(id int) error { return rawRMW(db, rawKey(uint64(id))) })
			},
			func(n int) time.Duration { return inParallel(b, g, n, func(id int) error { return ops[id](b) }) })
	})
}
