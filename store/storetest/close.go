package storetest

import (
	"runtime"
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func closeCases() []testCase {
	return []testCase{
		{"CallsAfterClose", testCallsAfterClose},
		{"CloseWaitsForTxn", testCloseWaitsForTxn},
	}
}

// testCallsAfterClose: after Close, View and Update return ErrClosed without
// writing, and a second Close returns ErrClosed.
func testCallsAfterClose(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"k", "v"})
	require.NoError(t, s.Close())
	err := s.View(t.Context(), func(tx store.Txn) error {
		_, err := tx.Get(b("k"))
		return err
	})
	require.ErrorIs(t, err, store.ErrClosed, "View after Close")
	err = s.Update(t.Context(), func(tx store.Txn) error { return tx.Set(b("k"), b("after")) })
	require.ErrorIs(t, err, store.ErrClosed, "Update after Close")
	require.ErrorIs(t, s.Close(), store.ErrClosed, "second Close")
}

// testCloseWaitsForTxn: Close called while an Update is in flight does not
// return before that Update does, and the Update still commits.
func testCloseWaitsForTxn(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"k", "0"})
	var got string
	var getErr error
	p := startPaused(t, s,
		func(tx store.Txn) error { return nil },
		func(tx store.Txn) error {
			got, getErr = getString(tx, "k")
			return tx.Set(b("k"), b("1"))
		})
	p.waitPaused(t)
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	// Give Close every chance to run ahead; it must still be waiting.
	for range 1000 {
		runtime.Gosched()
	}
	select {
	case err := <-closed:
		p.resume()
		require.FailNow(t, "Close returned while an Update was in flight", "Close: %v", err)
	default:
	}
	assert.NoError(t, p.finish(), "an Update begun before Close commits")
	require.NoError(t, <-closed, "Close")
	require.NoError(t, getErr)
	require.Equal(t, "0", got)
	require.ErrorIs(t, s.View(t.Context(), func(store.Txn) error { return nil }), store.ErrClosed)
}
