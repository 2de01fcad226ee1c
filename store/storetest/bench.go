package storetest

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/hearth-go/hearth/store"
)

// benchValueSize is the size of the values the benchmarks write.
const benchValueSize = 100

// RunBenchmarks runs the shared benchmarks as sub-benchmarks of b, each on
// a fresh store from newStore (same contract as for Run):
//
//   - Get: a point read of an existing key in a View;
//   - Set: a blind write of a new key per Update;
//   - RMWOneKey: a read-modify-write of one counter key under UpdateRetry;
//   - RMWDistinctKeysParallel: the same with b.RunParallel, every goroutine
//     on its own key (no conflicts: measures commit throughput);
//   - RMWDistinctKeys16: the same from 16 goroutines, as a service under
//     load runs them (contention on the backend's own locks);
//   - Scan100: a 100-key prefix scan in a View, in a store that also holds
//     keys before and after the prefix.
//
// Values are 100 bytes. Each reports allocations and ops/s.
func RunBenchmarks(b *testing.B, newStore func(b testing.TB) store.Store) {
	b.Run("Get", func(b *testing.B) { benchGet(b, newStore) })
	b.Run("Set", func(b *testing.B) { benchSet(b, newStore) })
	b.Run("RMWOneKey", func(b *testing.B) { benchRMWOneKey(b, newStore) })
	b.Run("RMWDistinctKeysParallel", func(b *testing.B) { benchRMWParallel(b, newStore, 1) })
	b.Run("RMWDistinctKeys16", func(b *testing.B) { benchRMWParallel(b, newStore, 16) })
	b.Run("Scan100", func(b *testing.B) { benchScan100(b, newStore) })
}

// benchValue returns a benchmark value.
func benchValue() []byte { return bytes.Repeat([]byte{'v'}, benchValueSize) }

// benchKey appends the key "<prefix><i as 8 bytes>" to dst.
func benchKey(dst []byte, prefix string, i uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst[:0], prefix...), i)
}

// fill commits n keys under prefix in batches.
func fill(b *testing.B, s store.Store, prefix string, n int) {
	b.Helper()
	val := benchValue()
	for lo := 0; lo < n; lo += 500 {
		err := s.Update(b.Context(), func(tx store.Txn) error {
			var key []byte
			for i := lo; i < min(lo+500, n); i++ {
				key = benchKey(key, prefix, uint64(i))
				if err := tx.Set(key, val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("filling the store: %v", err)
		}
	}
}

// reportOps adds an ops/s metric.
func reportOps(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "ops/s")
	}
}

func benchGet(b *testing.B, newStore newStoreFunc) {
	s := newStore(b)
	const n = 1000
	fill(b, s, "get/", n)
	key := make([]byte, 0, 16)
	var i uint64
	b.ReportAllocs()
	for b.Loop() {
		key = benchKey(key, "get/", i%n)
		i++
		err := s.View(b.Context(), func(tx store.Txn) error {
			_, err := tx.Get(key)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b)
}

func benchSet(b *testing.B, newStore newStoreFunc) {
	s := newStore(b)
	val := benchValue()
	key := make([]byte, 0, 16)
	var i uint64
	b.ReportAllocs()
	for b.Loop() {
		key = benchKey(key, "set/", i)
		i++
		if err := s.Update(b.Context(), func(tx store.Txn) error { return tx.Set(key, val) }); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b)
}

// rmw returns a transaction body that increments the counter held in the
// first 8 bytes of key's 100-byte value.
func rmw(key []byte) func(store.Txn) error {
	val := benchValue()
	return func(tx store.Txn) error {
		v, err := tx.Get(key)
		if err != nil {
			return err
		}
		copy(val, v)
		binary.BigEndian.PutUint64(val, binary.BigEndian.Uint64(val)+1)
		return tx.Set(key, val)
	}
}

func benchRMWOneKey(b *testing.B, newStore newStoreFunc) {
	s := newStore(b)
	fill(b, s, "rmw/", 1)
	op := rmw(benchKey(nil, "rmw/", 0))
	b.ReportAllocs()
	for b.Loop() {
		if err := store.UpdateRetry(b.Context(), s, op); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b)
}

// benchRMWParallel runs read-modify-writes on distinct keys from
// goroutines goroutines in all (at least GOMAXPROCS): services run many
// goroutines, so contention on a backend's own locks shows here.
func benchRMWParallel(b *testing.B, newStore newStoreFunc, goroutines int) {
	s := newStore(b)
	if p := runtime.GOMAXPROCS(0); goroutines > p {
		b.SetParallelism((goroutines + p - 1) / p)
	}
	const maxGoroutines = 1024
	fill(b, s, "rmw/", maxGoroutines)
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		id := next.Add(1) - 1
		if id >= maxGoroutines {
			b.Errorf("more than %d goroutines", maxGoroutines)
			return
		}
		op := rmw(benchKey(nil, "rmw/", id))
		for pb.Next() {
			if err := store.UpdateRetry(b.Context(), s, op); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportOps(b)
}

func benchScan100(b *testing.B, newStore newStoreFunc) {
	s := newStore(b)
	fill(b, s, "scan/a/", 1000)
	fill(b, s, "scan/b/", 100)
	fill(b, s, "scan/c/", 1000)
	prefix := []byte("scan/b/")
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := s.View(b.Context(), func(tx store.Txn) error {
			return tx.Scan(prefix, store.ScanOptions{}, func(_, _ []byte) bool { n++; return true })
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != 100 {
			b.Fatalf("Scan visited %d keys, want 100", n)
		}
	}
	reportOps(b)
}
