package storetest

import (
	"sync"
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func isolationCases() []testCase {
	return []testCase{
		{"ViewSnapshot", func(t *testing.T, ns newStoreFunc) { testViewSnapshot(t, ns, true) }},
		{"ViewSnapshotFromBegin", func(t *testing.T, ns newStoreFunc) { testViewSnapshot(t, ns, false) }},
		{"UpdateSnapshot", testUpdateSnapshot},
	}
}

// snapshotSeen is what a held View read after another Update committed.
type snapshotSeen struct {
	a, c    string
	aErr    error
	cErr    error
	dErr    error
	scanned []kv
	scanErr error
}

// testViewSnapshot: a View that began before an Update committed sees none
// of that commit (changed value, deleted key, inserted key; by Get or
// Scan); a View begun afterwards sees all of it. With readFirst the held
// View reads a key before the commit; without, it reads nothing, which
// checks that the snapshot is taken when View begins, not at its first read.
func testViewSnapshot(t *testing.T, newStore newStoreFunc, readFirst bool) {
	s := newStore(t)
	put(t, s, kv{"a", "1"}, kv{"b", "1"}, kv{"c", "1"})
	began := make(chan struct{})
	signal := sync.OnceFunc(func() { close(began) })
	proceed := make(chan struct{})
	release := sync.OnceFunc(func() { close(proceed) })
	defer release()
	done := make(chan error, 1)
	var seen snapshotSeen
	go func() {
		done <- s.View(t.Context(), func(tx store.Txn) error {
			if readFirst {
				if _, err := tx.Get(b("b")); err != nil {
					return err
				}
			}
			signal()
			<-proceed
			seen.a, seen.aErr = getString(tx, "a")
			seen.c, seen.cErr = getString(tx, "c")
			_, seen.dErr = tx.Get(b("d"))
			seen.scanned, seen.scanErr = scan(tx, "", store.ScanOptions{})
			return nil
		})
	}()
	select {
	case <-began:
	case err := <-done:
		require.FailNow(t, "View ended early", "error: %v", err)
	}
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		if err := tx.Set(b("a"), b("2")); err != nil {
			return err
		}
		if err := tx.Delete(b("c")); err != nil {
			return err
		}
		return tx.Set(b("d"), b("new"))
	}))
	release()
	require.NoError(t, <-done)

	require.NoError(t, seen.aErr)
	require.Equal(t, "1", seen.a, "the held View saw a changed value")
	require.NoError(t, seen.cErr, "the held View saw a deleted key disappear")
	require.Equal(t, "1", seen.c)
	require.ErrorIs(t, seen.dErr, store.ErrNotFound, "the held View saw an inserted key")
	require.NoError(t, seen.scanErr)
	require.Equal(t, []kv{{"a", "1"}, {"b", "1"}, {"c", "1"}}, seen.scanned, "the held View's Scan saw the commit")

	require.Equal(t, []kv{{"a", "2"}, {"b", "1"}, {"d", "new"}}, dump(t, s), "a new View sees the commit")
}

// testUpdateSnapshot: an Update reads the snapshot of its beginning even for
// keys it first reads after another transaction committed them, and since
// it then read a key written after it began, its commit conflicts.
func testUpdateSnapshot(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"a", "1"}, kv{"c", "1"})
	var a string
	var aErr, cErr, dErr error
	var scanned []kv
	var scanErr error
	p := startPaused(t, s, nil, func(tx store.Txn) error {
		a, aErr = getString(tx, "a")
		_, cErr = tx.Get(b("c"))
		_, dErr = tx.Get(b("d"))
		scanned, scanErr = scan(tx, "", store.ScanOptions{})
		return tx.Set(b("mine"), b("x"))
	})
	p.waitPaused(t)
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		if err := tx.Delete(b("c")); err != nil {
			return err
		}
		if err := tx.Set(b("d"), b("new")); err != nil {
			return err
		}
		return tx.Set(b("a"), b("2"))
	}))
	err := p.finish()
	assert.NoError(t, aErr)
	assert.Equal(t, "1", a, "Update saw a value committed after it began")
	assert.NoError(t, cErr, "Update saw a key deleted after it began disappear")
	assert.ErrorIs(t, dErr, store.ErrNotFound, "Update saw a key inserted after it began")
	assert.NoError(t, scanErr)
	assert.Equal(t, []kv{{"a", "1"}, {"c", "1"}}, scanned, "Update's Scan saw a commit made after it began")
	require.ErrorIs(t, err, store.ErrConflict, "it read keys written after it began, so it must not commit")
	requireMissing(t, s, "mine")
}
