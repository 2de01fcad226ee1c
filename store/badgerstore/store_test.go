package badgerstore_test

import (
	"bytes"
	"errors"
	"runtime"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
)

// openStore opens a store with opts (on a fresh directory unless
// InMemory) and closes it when the test ends.
func openStore(t testing.TB, opts badgerstore.Options) *badgerstore.Store {
	t.Helper()
	return opener(opts)(t).(*badgerstore.Store)
}

// set commits key=value.
func set(t testing.TB, s store.Store, key string, value []byte) {
	t.Helper()
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error { return tx.Set([]byte(key), value) }))
}

// get reads key in a View.
func get(t testing.TB, s store.Store, key string) ([]byte, error) {
	t.Helper()
	var v []byte
	err := s.View(t.Context(), func(tx store.Txn) error {
		var err error
		v, err = tx.Get([]byte(key))
		return err
	})
	return v, err
}

func TestOpenRejectsBadOptions(t *testing.T) {
	t.Parallel()
	_, err := badgerstore.Open("", nil)
	require.Error(t, err, "an on-disk store needs a directory")
	_, err = badgerstore.Open(t.TempDir(), &badgerstore.Options{Durability: badgerstore.Durability(7)})
	require.ErrorContains(t, err, "Durability(7)")
}

func TestDirectoryIsLocked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := badgerstore.Open(dir, &badgerstore.Options{Light: true})
	require.NoError(t, err)
	defer s.Close()
	_, err = badgerstore.Open(dir, &badgerstore.Options{Light: true})
	require.Error(t, err, "a second Open of the same directory")
}

func TestReopenKeepsData(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	opts := &badgerstore.Options{Light: true}
	s, err := badgerstore.Open(dir, opts)
	require.NoError(t, err)
	set(t, s, "k", []byte("v"))
	require.NoError(t, s.Close())

	s, err = badgerstore.Open(dir, opts)
	require.NoError(t, err)
	defer s.Close()
	v, err := get(t, s, "k")
	require.NoError(t, err)
	require.Equal(t, "v", string(v))
}

// TestDefaultPresets: the default (not Light) presets store a 5 MB value,
// on disk and in memory. (The conformance suite covers the Light ones.)
func TestDefaultPresets(t *testing.T) {
	t.Parallel()
	for _, inMem := range []bool{false, true} {
		s := openStore(t, badgerstore.Options{InMemory: inMem})
		val := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16)
		set(t, s, "big", val)
		got, err := get(t, s, "big")
		require.NoError(t, err)
		require.True(t, bytes.Equal(val, got), "InMemory=%v: 5 MB value did not round-trip", inMem)
	}
}

// TestValueLargerThanLimit: a single value beyond what the backend can hold
// fails at Set with ErrTooLarge, on disk (larger than a value-log file)
// and in memory (larger than the transaction limit), and nothing is
// written.
func TestValueLargerThanLimit(t *testing.T) {
	t.Parallel()
	for _, inMem := range []bool{false, true} {
		s := openStore(t, badgerstore.Options{InMemory: inMem, Light: true})
		set(t, s, "k", []byte("old"))
		var setErr error
		err := s.Update(t.Context(), func(tx store.Txn) error {
			setErr = tx.Set([]byte("k"), make([]byte, 17<<20))
			return setErr
		})
		require.ErrorIs(t, setErr, store.ErrTooLarge, "InMemory=%v", inMem)
		require.ErrorIs(t, err, store.ErrTooLarge)
		v, err := get(t, s, "k")
		require.NoError(t, err)
		require.Equal(t, "old", string(v), "InMemory=%v: the old value must be intact", inMem)
	}
}

// TestTooLargeIsSticky: a transaction whose function ignores ErrTooLarge
// and returns nil still fails with ErrTooLarge and writes nothing.
func TestTooLargeIsSticky(t *testing.T) {
	t.Parallel()
	s := openStore(t, badgerstore.Options{InMemory: true, Light: true})
	set(t, s, "k", []byte("old"))
	err := s.Update(t.Context(), func(tx store.Txn) error {
		_ = tx.Set([]byte("k"), []byte("new"))
		_ = tx.Set([]byte("huge"), make([]byte, 17<<20))
		assert.ErrorIs(t, tx.Set([]byte("later"), []byte("x")), store.ErrTooLarge, "writes after ErrTooLarge")
		return nil
	})
	require.ErrorIs(t, err, store.ErrTooLarge)
	v, err := get(t, s, "k")
	require.NoError(t, err)
	require.Equal(t, "old", string(v))
	_, err = get(t, s, "later")
	require.ErrorIs(t, err, store.ErrNotFound)
}

// TestKeyNamespace: user keys live under a namespace byte inside Badger, so
// a key that looks like Badger's internal keys is an ordinary key, and
// keys written to Badger directly, outside the namespace, are invisible.
func TestKeyNamespace(t *testing.T) {
	t.Parallel()
	s := openStore(t, badgerstore.Options{InMemory: true, Light: true})
	set(t, s, "!badger!head", []byte("user data"))
	require.NoError(t, s.DB().Update(func(txn *badger.Txn) error { return txn.Set([]byte("raw"), []byte("x")) }))

	var raw []string
	require.NoError(t, s.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			raw = append(raw, string(it.Item().Key()))
		}
		return nil
	}))
	require.Equal(t, []string{"\x01!badger!head", "raw"}, raw, "keys inside Badger")

	var seen []string
	require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
		return tx.Scan(nil, store.ScanOptions{}, func(k, _ []byte) bool {
			seen = append(seen, string(k))
			return true
		})
	}))
	require.Equal(t, []string{"!badger!head"}, seen, "keys seen through the store")
	_, err := get(t, s, "raw")
	require.ErrorIs(t, err, store.ErrNotFound)
}

// TestNestedCallDuringClose: a transaction that starts another one while
// Close is waiting for it gets ErrClosed instead of deadlocking, and Close
// then completes.
func TestNestedCallDuringClose(t *testing.T) {
	t.Parallel()
	s, err := badgerstore.Open("", &badgerstore.Options{InMemory: true, Light: true})
	require.NoError(t, err)
	inTxn := make(chan struct{})
	updated := make(chan error, 1)
	go func() {
		updated <- s.Update(t.Context(), func(tx store.Txn) error {
			close(inTxn)
			// Spin until Close has closed the gate: a nested View must
			// then fail at once with ErrClosed, not wait for Close (which
			// waits for this transaction).
			for {
				err := s.View(t.Context(), func(store.Txn) error { return nil })
				if errors.Is(err, store.ErrClosed) {
					break
				}
				if err != nil {
					return err
				}
				runtime.Gosched()
			}
			return tx.Set([]byte("k"), []byte("v"))
		})
	}()
	<-inTxn
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	require.NoError(t, <-updated)
	require.NoError(t, <-closed)
}

// TestTxnUnusableAfterReturn: a Txn kept past its function returns an
// error rather than touching a finished Badger transaction.
func TestTxnUnusableAfterReturn(t *testing.T) {
	t.Parallel()
	s := openStore(t, badgerstore.Options{InMemory: true, Light: true})
	var kept store.Txn
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		kept = tx
		return tx.Set([]byte("k"), []byte("v"))
	}))
	_, err := kept.Get([]byte("k"))
	require.Error(t, err)
	require.Error(t, kept.Set([]byte("k"), []byte("w")))
	require.Error(t, kept.Delete([]byte("k")))
	require.Error(t, kept.Scan(nil, store.ScanOptions{}, func(_, _ []byte) bool { return true }))
}

// TestReadOnlyUpdateSkipsSync: an Update that writes nothing does not wait
// for a sync (there is nothing to make durable).
func TestReadOnlyUpdateSkipsSync(t *testing.T) {
	t.Parallel()
	opts := badgerstore.Options{Light: true, Durability: badgerstore.Sync}
	syncs := 0
	badgerstore.SetHooks(&opts, badgerstore.Hooks{Sync: func() error { syncs++; return nil }})
	s := openStore(t, opts)
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		_, err := tx.Get([]byte("missing"))
		assert.ErrorIs(t, err, store.ErrNotFound)
		return nil
	}))
	set(t, s, "k", []byte("v")) // one sync; the syncer goroutine wrote syncs before answering
	require.Equal(t, 1, syncs)
}
