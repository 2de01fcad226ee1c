package storetest

import (
	"errors"
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func conflictCases() []testCase {
	return []testCase{
		{"ReadWriteOrdered", testConflictOrdered},
		{"ReadWriteRace", testConflictRace},
		{"ReadMissingKey", testConflictMissingKey},
		{"ReadDeletedKey", testConflictDeletedKey},
		{"ScanVisitedKey", func(t *testing.T, ns newStoreFunc) { testConflictScan(t, ns, false) }},
		{"ReverseScanVisitedKey", func(t *testing.T, ns newStoreFunc) { testConflictScan(t, ns, true) }},
		{"DisjointKeys", testNoConflictDisjoint},
		{"BlindWrites", testNoConflictBlindWrites},
	}
}

// readThenWrite returns the two steps of a read-modify-write of key by a
// transaction named name: Get key (found or not), then Set key to name.
func readThenWrite(key, name string) (read, write func(store.Txn) error) {
	read = func(tx store.Txn) error {
		_, err := tx.Get(b(key))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	write = func(tx store.Txn) error {
		if err := tx.Set(b(key), b(name)); err != nil {
			return err
		}
		return tx.Set(b("only-"+name), b("1"))
	}
	return read, write
}

// testConflictOrdered: A and B both read k, then A commits its write of k;
// B's commit must fail with ErrConflict and write nothing.
func testConflictOrdered(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"k", "0"})
	ra, wa := readThenWrite("k", "A")
	rb, wb := readThenWrite("k", "B")
	a := startPaused(t, s, ra, wa)
	bt := startPaused(t, s, rb, wb)
	a.waitPaused(t)
	bt.waitPaused(t)
	require.NoError(t, a.finish(), "the first committer wins")
	require.ErrorIs(t, bt.finish(), store.ErrConflict, "B read k before A's commit and wrote after it")
	requireValue(t, s, "k", "A")
	requireValue(t, s, "only-A", "1")
	requireMissing(t, s, "only-B")
}

// testConflictRace: A and B both read k, then both try to commit at once:
// exactly one wins, the other gets ErrConflict, and k holds the winner's
// value.
func testConflictRace(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"k", "0"})
	ra, wa := readThenWrite("k", "A")
	rb, wb := readThenWrite("k", "B")
	a := startPaused(t, s, ra, wa)
	bt := startPaused(t, s, rb, wb)
	a.waitPaused(t)
	bt.waitPaused(t)
	a.resume()
	bt.resume()
	errA, errB := <-a.done, <-bt.done
	winner, loser := "A", "B"
	switch {
	case errA == nil && errB == nil:
		require.FailNow(t, "both transactions committed: a lost update")
	case errA == nil:
		require.ErrorIs(t, errB, store.ErrConflict, "the loser's error")
	case errB == nil:
		require.ErrorIs(t, errA, store.ErrConflict, "the loser's error")
		winner, loser = "B", "A"
	default:
		require.FailNow(t, "neither transaction committed", "A: %v, B: %v", errA, errB)
	}
	requireValue(t, s, "k", winner)
	requireValue(t, s, "only-"+winner, "1")
	requireMissing(t, s, "only-"+loser)
}

// testConflictMissingKey: A reads k and finds nothing; B inserts k and
// commits; A's commit (of another key) conflicts.
func testConflictMissingKey(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	var readErr error
	a := startPaused(t, s,
		func(tx store.Txn) error { _, readErr = tx.Get(b("k")); return nil },
		func(tx store.Txn) error { return tx.Set(b("j"), b("A")) })
	a.waitPaused(t)
	put(t, s, kv{"k", "B"})
	err := a.finish()
	require.ErrorIs(t, readErr, store.ErrNotFound)
	require.ErrorIs(t, err, store.ErrConflict, "a key read as missing was inserted by another transaction")
	requireValue(t, s, "k", "B")
	requireMissing(t, s, "j")
}

// testConflictDeletedKey: A reads k; B deletes k and commits; A's commit
// conflicts.
func testConflictDeletedKey(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"k", "0"})
	a := startPaused(t, s,
		func(tx store.Txn) error { _, err := tx.Get(b("k")); return err },
		func(tx store.Txn) error { return tx.Set(b("j"), b("A")) })
	a.waitPaused(t)
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error { return tx.Delete(b("k")) }))
	require.ErrorIs(t, a.finish(), store.ErrConflict, "a key read was deleted by another transaction")
	requireMissing(t, s, "k")
	requireMissing(t, s, "j")
}

// testConflictScan: A scans a prefix, visiting s/2; B overwrites s/2 and
// commits; A's commit (of a key outside the range) conflicts.
func testConflictScan(t *testing.T, newStore newStoreFunc, reverse bool) {
	s := newStore(t)
	seed(t, s, "s/1", "s/2", "s/3")
	var visited []string
	a := startPaused(t, s,
		func(tx store.Txn) error {
			var err error
			visited, err = scanKeys(tx, "s/", store.ScanOptions{Reverse: reverse})
			return err
		},
		func(tx store.Txn) error { return tx.Set(b("total"), b("3")) })
	a.waitPaused(t)
	put(t, s, kv{"s/2", "B"})
	err := a.finish()
	require.Len(t, visited, 3)
	require.ErrorIs(t, err, store.ErrConflict, "a key visited by Scan was written by another transaction")
	requireValue(t, s, "s/2", "B")
	requireMissing(t, s, "total")
}

// testNoConflictDisjoint: A and B overlap in time but read and write
// disjoint keys: both commit.
func testNoConflictDisjoint(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"x", "0"}, kv{"y", "0"})
	ra, wa := readThenWrite("x", "A")
	rb, wb := readThenWrite("y", "B")
	a := startPaused(t, s, ra, wa)
	bt := startPaused(t, s, rb, wb)
	a.waitPaused(t)
	bt.waitPaused(t)
	require.NoError(t, a.finish())
	require.NoError(t, bt.finish(), "B touched no key A wrote")
	require.Equal(t, []kv{{"only-A", "1"}, {"only-B", "1"}, {"x", "A"}, {"y", "B"}}, dump(t, s))
}

// testNoConflictBlindWrites: A and B overlap in time and both write k
// without reading it: both commit, and the later commit's value stays.
func testNoConflictBlindWrites(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"k", "0"})
	setK := func(v string) func(store.Txn) error {
		return func(tx store.Txn) error { return tx.Set(b("k"), b(v)) }
	}
	a := startPaused(t, s, setK("A"), nil)
	bt := startPaused(t, s, setK("B"), nil)
	a.waitPaused(t)
	bt.waitPaused(t)
	require.NoError(t, a.finish())
	require.NoError(t, bt.finish(), "blind writes do not conflict")
	requireValue(t, s, "k", "B")
	assert.Len(t, dump(t, s), 1)
}
