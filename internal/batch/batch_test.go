package batch

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// batched hides a store's Batching hint, so that memstore is batched too.
type batched struct{ store.Store }

// each runs f on every backend of the shared table, batched.
func each(t *testing.T, f func(t *testing.T, st store.Store, b *Batcher)) {
	teststore.Each(t, func(t *testing.T, st store.Store) {
		f(t, st, New(batched{st}, 0))
	})
}

func put(key, val string) func(store.Txn) error {
	return func(txn store.Txn) error { return txn.Set([]byte(key), []byte(val)) }
}

func get(t *testing.T, st store.Store, key string) (string, bool) {
	t.Helper()
	var v []byte
	err := st.View(context.Background(), func(txn store.Txn) error {
		var err error
		v, err = txn.Get([]byte(key))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", false
	}
	require.NoError(t, err)
	return string(v), true
}

// queued waits until n calls wait in b's queue.
func queued(b *Batcher, n int) {
	for {
		b.mu.Lock()
		k := len(b.pending)
		b.mu.Unlock()
		if k >= n {
			return
		}
		runtime.Gosched()
	}
}

// jam fills every batch slot of b with a call that blocks inside its
// transaction until release is called, so that later calls queue up and
// run together in one batch.
func jam(t *testing.T, b *Batcher) (release func()) {
	t.Helper()
	gate := make(chan struct{})
	var started, done sync.WaitGroup
	for i := range maxInflight {
		started.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			first := true
			err := b.Do(context.Background(), func(txn store.Txn) error {
				if first {
					first = false
					started.Done()
				}
				<-gate
				return txn.Set(fmt.Appendf(nil, "jam%d", i), nil)
			})
			if err != nil {
				t.Errorf("jam: %v", err)
			}
		}()
	}
	started.Wait()
	return func() { close(gate); done.Wait() }
}

// together runs fns as concurrent calls that share one batch, and returns
// their errors in order.
func together(t *testing.T, b *Batcher, fns ...func(store.Txn) error) []error {
	t.Helper()
	release := jam(t, b)
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.Do(context.Background(), fn)
		}()
		queued(b, i+1) // keep the arrival order
	}
	var sizes []int
	b.onBatch = func(n int) { sizes = append(sizes, n) }
	release()
	wg.Wait()
	b.onBatch = nil
	require.Contains(t, sizes, len(fns), "the calls did not share a batch")
	return errs
}

func TestDoAlone(t *testing.T) {
	each(t, func(t *testing.T, st store.Store, b *Batcher) {
		require.NoError(t, b.Do(context.Background(), put("k", "v")))
		v, ok := get(t, st, "k")
		require.True(t, ok)
		require.Equal(t, "v", v)

		boom := errors.New("boom")
		require.ErrorIs(t, b.Do(context.Background(), func(txn store.Txn) error {
			if err := txn.Set([]byte("k"), []byte("w")); err != nil {
				return err
			}
			return boom
		}), boom)
		v, _ = get(t, st, "k")
		require.Equal(t, "v", v, "a failed call must write nothing")
	})
}

func TestBatchSeesEarlierWritesInOrder(t *testing.T) {
	each(t, func(t *testing.T, st store.Store, b *Batcher) {
		var seen []string
		appendTo := func(txn store.Txn) error {
			v, err := txn.Get([]byte("log"))
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			seen = append(seen, string(v))
			return txn.Set([]byte("log"), append(v, 'x'))
		}
		errs := together(t, b, appendTo, appendTo, appendTo)
		require.Equal(t, []error{nil, nil, nil}, errs)
		require.Equal(t, []string{"", "x", "xx"}, seen, "each call sees the writes of those before it")
		v, _ := get(t, st, "log")
		require.Equal(t, "xxx", v)
	})
}

func TestFailureWithoutWriteIsolated(t *testing.T) {
	each(t, func(t *testing.T, st store.Store, b *Batcher) {
		refused := errors.New("refused")
		errs := together(t, b,
			put("a", "1"),
			func(store.Txn) error { return refused },
			put("c", "3"),
		)
		require.NoError(t, errs[0])
		require.ErrorIs(t, errs[1], refused)
		require.NoError(t, errs[2])
		for _, k := range []string{"a", "c"} {
			_, ok := get(t, st, k)
			require.True(t, ok, k)
		}
	})
}

func TestFailureAfterWriteRunsEachAlone(t *testing.T) {
	each(t, func(t *testing.T, st store.Store, b *Batcher) {
		broke := errors.New("broke after a write")
		runs := 0
		errs := together(t, b,
			put("a", "1"),
			func(txn store.Txn) error {
				runs++
				if err := txn.Set([]byte("half"), []byte("written")); err != nil {
					return err
				}
				return broke
			},
			put("c", "3"),
		)
		require.NoError(t, errs[0])
		require.ErrorIs(t, errs[1], broke)
		require.NoError(t, errs[2])
		require.Equal(t, 2, runs, "once in the batch, once alone")
		_, ok := get(t, st, "half")
		require.False(t, ok, "the failed call's write must not commit")
		for _, k := range []string{"a", "c"} {
			_, ok := get(t, st, k)
			require.True(t, ok, k)
		}
	})
}

func TestPanicReachesItsCallerOnly(t *testing.T) {
	each(t, func(t *testing.T, st store.Store, b *Batcher) {
		release := jam(t, b)
		var wg sync.WaitGroup
		var recovered any
		var okErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer func() { recovered = recover() }()
			_ = b.Do(context.Background(), func(store.Txn) error { panic("handler bug") })
		}()
		queued(b, 1)
		go func() {
			defer wg.Done()
			okErr = b.Do(context.Background(), put("ok", "1"))
		}()
		queued(b, 2)
		release()
		wg.Wait()
		require.Equal(t, "handler bug", recovered)
		require.NoError(t, okErr)
		_, ok := get(t, st, "ok")
		require.True(t, ok)
	})
}

func TestConflictRetriesTheBatch(t *testing.T) {
	each(t, func(t *testing.T, st store.Store, b *Batcher) {
		ctx := context.Background()
		require.NoError(t, st.Update(ctx, put("n", "\x00")))
		attempts := 0
		incr := func(txn store.Txn) error {
			attempts++
			v, err := txn.Get([]byte("n"))
			if err != nil {
				return err
			}
			if attempts == 1 {
				// Another writer commits to the key this batch read.
				done := make(chan error)
				go func() { done <- st.Update(ctx, put("n", "\x05")) }()
				if err := <-done; err != nil {
					return err
				}
			}
			return txn.Set([]byte("n"), []byte{v[0] + 1})
		}
		errs := together(t, b, incr, put("other", "x"))
		require.Equal(t, []error{nil, nil}, errs)
		require.Equal(t, 2, attempts, "the conflicting batch runs again")
		v, _ := get(t, st, "n")
		require.Equal(t, "\x06", v, "the retry read the other writer's value")
	})
}

func TestCancelledWhileQueuedDoesNotRun(t *testing.T) {
	each(t, func(t *testing.T, st store.Store, b *Batcher) {
		release := jam(t, b)
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error)
		go func() { errc <- b.Do(ctx, put("never", "1")) }()
		queued(b, 1)
		cancel()
		release()
		require.ErrorIs(t, <-errc, context.Canceled)
		_, ok := get(t, st, "never")
		require.False(t, ok)

		require.ErrorIs(t, b.Do(ctx, put("never", "1")), context.Canceled)
	})
}

func TestClosedStore(t *testing.T) {
	each(t, func(t *testing.T, st store.Store, b *Batcher) {
		require.NoError(t, st.Close())
		require.ErrorIs(t, b.Do(context.Background(), put("k", "v")), store.ErrClosed)
	})
}

// TestConcurrentCounters moves units between 8 counters from 32 goroutines
// and checks that none is lost or created, and that every call's own
// counter saw exactly its own increments.
func TestConcurrentCounters(t *testing.T) {
	each(t, func(t *testing.T, st store.Store, b *Batcher) {
		const goroutines, ops, counters = 32, 200, 8
		key := func(i int) []byte { return fmt.Appendf(nil, "c%d", i) }
		read := func(txn store.Txn, k []byte) (int64, error) {
			v, err := txn.Get(k)
			if errors.Is(err, store.ErrNotFound) {
				return 0, nil
			}
			if err != nil {
				return 0, err
			}
			n, _ := binary.Varint(v)
			return n, nil
		}
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range ops {
					from, to := key((g+i)%counters), key((g*7+i*3+1)%counters)
					err := b.Do(context.Background(), func(txn store.Txn) error {
						a, err := read(txn, from)
						if err != nil {
							return err
						}
						c, err := read(txn, to)
						if err != nil {
							return err
						}
						if string(from) == string(to) {
							return nil
						}
						if err := txn.Set(from, binary.AppendVarint(nil, a-1)); err != nil {
							return err
						}
						return txn.Set(to, binary.AppendVarint(nil, c+1))
					})
					if err != nil {
						t.Errorf("transfer: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		var sum int64
		require.NoError(t, st.View(context.Background(), func(txn store.Txn) error {
			for i := range counters {
				n, err := read(txn, key(i))
				if err != nil {
					return err
				}
				sum += n
			}
			return nil
		}))
		require.Zero(t, sum, "transfers must conserve the total")
	})
}

func TestMemoForgetsWrittenKeys(t *testing.T) {
	each(t, func(t *testing.T, st store.Store, b *Batcher) {
		require.NoError(t, st.Update(context.Background(), put("k", "old")))
		var got []string
		errs := together(t, b,
			func(txn store.Txn) error {
				v, err := txn.Get([]byte("k"))
				got = append(got, string(v))
				if err != nil {
					return err
				}
				return txn.Delete([]byte("k"))
			},
			func(txn store.Txn) error {
				_, err := txn.Get([]byte("k"))
				got = append(got, fmt.Sprint(errors.Is(err, store.ErrNotFound)))
				return txn.Set([]byte("k"), []byte("new"))
			},
			func(txn store.Txn) error {
				v, err := txn.Get([]byte("k"))
				got = append(got, string(v))
				return err
			},
		)
		require.Equal(t, []error{nil, nil, nil}, errs)
		require.Equal(t, []string{"old", "true", "new"}, got)
	})
}

func TestMemoReturnsCallerOwnedCopies(t *testing.T) {
	each(t, func(t *testing.T, st store.Store, b *Batcher) {
		require.NoError(t, st.Update(context.Background(), put("k", "abc")))
		var second string
		errs := together(t, b,
			func(txn store.Txn) error {
				v, err := txn.Get([]byte("k"))
				if err == nil {
					v[0] = 'X' // the caller owns it
				}
				return err
			},
			func(txn store.Txn) error {
				v, err := txn.Get([]byte("k"))
				second = string(v)
				return err
			},
		)
		require.Equal(t, []error{nil, nil}, errs)
		require.Equal(t, "abc", second)
	})
}

func TestUnbatchedStoreRunsAlone(t *testing.T) {
	teststore.Each(t, func(t *testing.T, st store.Store) {
		b := New(st, 0)
		h, ok := st.(store.Batching)
		require.Equal(t, ok && !h.BatchUpdates(), b.off)
		require.NoError(t, b.Do(context.Background(), put("k", "v")))
		_, found := get(t, st, "k")
		require.True(t, found)
	})
}
