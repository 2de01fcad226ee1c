package badgerstore_test

import (
	"bytes"
	"fmt"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
)

// Tests of the chunking of large values in in-memory stores (chunk.go).

// pattern returns n bytes that differ with seed and position.
func pattern(n int, seed byte) []byte {
	v := make([]byte, n)
	for i := range v {
		v[i] = byte(i/7) ^ seed
	}
	return v
}

// rawChunkKeys counts the chunk keys inside Badger (namespace byte 0x02).
func rawChunkKeys(t testing.TB, s *badgerstore.Store) int {
	t.Helper()
	n := 0
	require.NoError(t, s.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{0x02}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	}))
	return n
}

func chunksOf(size, chunk int) int { return (size + chunk - 1) / chunk }

func TestChunkingOnlyInMemory(t *testing.T) {
	t.Parallel()
	disk := openStore(t, badgerstore.Options{Light: true})
	require.Zero(t, badgerstore.ChunkSize(disk), "on disk large values go to the value log")
	mem := openStore(t, badgerstore.Options{InMemory: true, Light: true})
	require.Positive(t, badgerstore.ChunkSize(mem))
	set(t, mem, "big", pattern(3*badgerstore.ChunkSize(mem), 1))
	require.Equal(t, 3, rawChunkKeys(t, mem))
}

// TestChunkedOverwrites: replacing a chunked value by a shorter one, by a
// small one, and deleting it leave exactly the chunks the current value
// uses, and every read sees the current value.
func TestChunkedOverwrites(t *testing.T) {
	t.Parallel()
	s := openStore(t, badgerstore.Options{InMemory: true, Light: true})
	cs := badgerstore.ChunkSize(s)
	steps := []struct {
		name   string
		value  []byte // nil: delete
		chunks int
	}{
		{"5 MB", pattern(5<<20, 1), chunksOf(5<<20, cs)},
		{"shorter", pattern(2*cs+1, 2), 3},
		{"exactly two chunks", pattern(2*cs, 3), 2},
		{"small", []byte("small"), 0},
		{"large again", pattern(4*cs, 4), 4},
		{"delete", nil, 0},
		{"one byte over", pattern(cs+1, 5), 2},
		{"at the limit, inline", pattern(cs, 6), 0},
	}
	for _, st := range steps {
		require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
			if st.value == nil {
				return tx.Delete([]byte("k"))
			}
			return tx.Set([]byte("k"), st.value)
		}), st.name)
		got, err := get(t, s, "k")
		if st.value == nil {
			require.ErrorIs(t, err, store.ErrNotFound, st.name)
		} else {
			require.NoError(t, err, st.name)
			require.True(t, bytes.Equal(st.value, got), "%s: wrong value", st.name)
		}
		require.Equal(t, st.chunks, rawChunkKeys(t, s), "%s: chunk keys in Badger", st.name)
	}
}

// TestChunkedPendingWrites: inside one Update, Get and Scan see chunked
// values the transaction wrote, through overwrites and a delete, and the
// commit leaves only the final value's chunks.
func TestChunkedPendingWrites(t *testing.T) {
	t.Parallel()
	s := openStore(t, badgerstore.Options{InMemory: true, Light: true})
	cs := badgerstore.ChunkSize(s)
	set(t, s, "k", pattern(5*cs, 9)) // committed, 5 chunks
	v1, v2, v3 := pattern(3*cs, 1), pattern(cs+10, 2), pattern(2*cs, 3)
	check := func(tx store.Txn, want []byte, what string) {
		got, err := tx.Get([]byte("k"))
		if want == nil {
			assert.ErrorIs(t, err, store.ErrNotFound, what)
		} else if assert.NoError(t, err, what) {
			assert.True(t, bytes.Equal(want, got), "%s: Get", what)
		}
		var scanned [][]byte
		assert.NoError(t, tx.Scan([]byte("k"), store.ScanOptions{}, func(_, v []byte) bool {
			scanned = append(scanned, bytes.Clone(v))
			return true
		}))
		if want == nil {
			assert.Empty(t, scanned, "%s: Scan", what)
		} else if assert.Len(t, scanned, 1, "%s: Scan", what) {
			assert.True(t, bytes.Equal(want, scanned[0]), "%s: Scan value", what)
		}
	}
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		for _, step := range []struct {
			v    []byte
			what string
		}{{v1, "3 chunks"}, {v2, "2 chunks"}, {nil, "deleted"}, {v3, "2 chunks again"}} {
			var err error
			if step.v == nil {
				err = tx.Delete([]byte("k"))
			} else {
				err = tx.Set([]byte("k"), step.v)
			}
			if !assert.NoError(t, err, step.what) {
				return err
			}
			check(tx, step.v, step.what)
		}
		return nil
	}))
	got, err := get(t, s, "k")
	require.NoError(t, err)
	require.True(t, bytes.Equal(v3, got))
	require.Equal(t, 2, rawChunkKeys(t, s))
}

// TestChunkedBlindWritesDoNotConflict: writing a chunked value reads
// nothing into the transaction's read set, so two overlapping blind writes
// of the same key both commit, as for small values; the last one wins
// whole. The chunks of b that a's value does not use stay behind as
// strays, never read, and the next write of the key removes them.
func TestChunkedBlindWritesDoNotConflict(t *testing.T) {
	t.Parallel()
	s := openStore(t, badgerstore.Options{InMemory: true, Light: true})
	cs := badgerstore.ChunkSize(s)
	set(t, s, "k", pattern(2*cs, 0))
	a, b := pattern(2*cs, 1), pattern(5*cs, 2)

	aWrote := make(chan struct{})
	aGo := make(chan struct{})
	aDone := make(chan error, 1)
	go func() {
		aDone <- s.Update(t.Context(), func(tx store.Txn) error {
			if err := tx.Set([]byte("k"), a); err != nil {
				return err
			}
			close(aWrote)
			<-aGo
			return nil
		})
	}()
	<-aWrote
	set(t, s, "k", b) // b commits while a is open
	close(aGo)
	require.NoError(t, <-aDone, "a blind write must not conflict")

	got, err := get(t, s, "k")
	require.NoError(t, err)
	require.True(t, bytes.Equal(a, got), "the later commit wins")
	require.Equal(t, 5, rawChunkKeys(t, s), "a's two chunks and three strays of b")

	set(t, s, "k", []byte("small"))
	require.Zero(t, rawChunkKeys(t, s), "the next write removes the strays")
}

// TestChunkedReverseScanAndPaging: chunked and small values mixed, scanned
// in both directions from a Start.
func TestChunkedReverseScanAndPaging(t *testing.T) {
	t.Parallel()
	s := openStore(t, badgerstore.Options{InMemory: true, Light: true})
	cs := badgerstore.ChunkSize(s)
	want := map[string][]byte{}
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		for i := range 6 {
			k := fmt.Sprintf("p/%d", i)
			v := []byte(k)
			if i%2 == 0 {
				v = pattern(cs+i*1000, byte(i))
			}
			want[k] = v
			if err := tx.Set([]byte(k), v); err != nil {
				return err
			}
		}
		return nil
	}))
	for _, rev := range []bool{false, true} {
		var keys []string
		require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
			return tx.Scan([]byte("p/"), store.ScanOptions{Start: []byte("p/3"), Reverse: rev}, func(k, v []byte) bool {
				keys = append(keys, string(k))
				assert.True(t, bytes.Equal(want[string(k)], v), "value of %q", k)
				return true
			})
		}))
		if rev {
			require.Equal(t, []string{"p/3", "p/2", "p/1", "p/0"}, keys)
		} else {
			require.Equal(t, []string{"p/3", "p/4", "p/5"}, keys)
		}
	}
}

// TestChunkedNestedScan: a Scan inside another Scan's callback, both over
// chunked values, leaves the outer callback's value intact.
func TestChunkedNestedScan(t *testing.T) {
	t.Parallel()
	s := openStore(t, badgerstore.Options{InMemory: true, Light: true})
	cs := badgerstore.ChunkSize(s)
	a, b := pattern(2*cs, 1), pattern(3*cs, 2)
	set(t, s, "a", a)
	set(t, s, "b", b)
	require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
		return tx.Scan([]byte("a"), store.ScanOptions{}, func(_, outer []byte) bool {
			assert.NoError(t, tx.Scan([]byte("b"), store.ScanOptions{}, func(_, inner []byte) bool {
				assert.True(t, bytes.Equal(b, inner), "inner value")
				return true
			}))
			assert.True(t, bytes.Equal(a, outer), "outer value after the inner Scan")
			return true
		})
	}))
}
