package storetest

import (
	"errors"
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func crudCases() []testCase {
	return []testCase{
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"GetMissing", testGetMissing},
		{"DeleteMissing", testDeleteMissing},
		{"NilValue", testNilValue},
		{"ReadYourOwnWrites", testReadYourOwnWrites},
	}
}

func readOnlyCases() []testCase {
	return []testCase{
		{"WritesInViewFail", testWritesInViewFail},
		{"ViewReturnsFnError", testViewReturnsFnError},
	}
}

// testRoundTrip: a value set is read back, in the same Update and in a
// later View; Delete removes exactly that key.
func testRoundTrip(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		for _, k := range []string{"a", "a\x00", "b"} {
			if err := tx.Set(b(k), b("v:"+k)); err != nil {
				return err
			}
		}
		assertGet(t, tx, "a", "v:a")
		return nil
	}))
	requireValue(t, s, "a", "v:a")
	requireValue(t, s, "a\x00", "v:a\x00")
	requireValue(t, s, "b", "v:b")

	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		return tx.Delete(b("a\x00"))
	}))
	requireMissing(t, s, "a\x00")
	require.Equal(t, []kv{{"a", "v:a"}, {"b", "v:b"}}, dump(t, s), "Delete removed only its key")
}

// testOverwrite: a later Set replaces the value, within a transaction and
// across commits, including with a shorter value.
func testOverwrite(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"k", "first-long-value"})
	requireValue(t, s, "k", "first-long-value")
	put(t, s, kv{"k", "2nd"})
	requireValue(t, s, "k", "2nd")
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		for _, v := range []string{"x", "yy", "z"} {
			if err := tx.Set(b("k"), b(v)); err != nil {
				return err
			}
		}
		assertGet(t, tx, "k", "z")
		return nil
	}))
	requireValue(t, s, "k", "z")
	require.Len(t, dump(t, s), 1, "overwriting must not duplicate the key")
}

// testGetMissing: Get of a key never written, or deleted, is ErrNotFound in
// View and Update.
func testGetMissing(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"gone", "1"}, kv{"kept", "1"})
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error { return tx.Delete(b("gone")) }))
	for _, k := range []string{"never", "gone", "kep", "kept\x00"} {
		err := s.View(t.Context(), func(tx store.Txn) error {
			_, err := tx.Get(b(k))
			return err
		})
		require.ErrorIs(t, err, store.ErrNotFound, "View Get %q", k)
		err = s.Update(t.Context(), func(tx store.Txn) error {
			_, err := tx.Get(b(k))
			return err
		})
		require.ErrorIs(t, err, store.ErrNotFound, "Update Get %q", k)
	}
}

// testDeleteMissing: deleting a key that does not exist is not an error and
// leaves the store as it was.
func testDeleteMissing(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"a", "1"})
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		if err := tx.Delete(b("missing")); err != nil {
			return err
		}
		if err := tx.Delete(b("a\x00")); err != nil {
			return err
		}
		return tx.Delete(b("missing")) // twice
	}))
	require.Equal(t, []kv{{"a", "1"}}, dump(t, s))
}

// testNilValue: a nil (or empty) value is stored as an empty value: Get
// finds it with length 0, Scan visits it.
func testNilValue(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		if err := tx.Set(b("nil"), nil); err != nil {
			return err
		}
		if err := tx.Set(b("empty"), []byte{}); err != nil {
			return err
		}
		for _, k := range []string{"nil", "empty"} {
			v, err := tx.Get(b(k))
			assert.NoError(t, err, "Get %q in the same Update", k)
			assert.Empty(t, v, "Get %q in the same Update", k)
		}
		return nil
	}))
	inBoth(t, s, func(t *testing.T, tx store.Txn) {
		for _, k := range []string{"nil", "empty"} {
			v, err := tx.Get(b(k))
			assert.NoError(t, err, "Get %q", k)
			assert.Empty(t, v, "Get %q", k)
		}
		pairs, err := scan(tx, "", store.ScanOptions{})
		assert.NoError(t, err)
		assert.Equal(t, []kv{{"empty", ""}, {"nil", ""}}, pairs)
	})
}

// testReadYourOwnWrites: inside Update, Get and Scan see the transaction's
// pending sets and deletes merged with the committed data.
func testReadYourOwnWrites(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"a", "1"}, kv{"b", "1"}, kv{"c", "1"}, kv{"e", "1"})
	want := []kv{{"a", "1"}, {"b", "2"}, {"d", "new"}, {"e", "back"}}
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		steps := []error{ // evaluated in order
			tx.Set(b("b"), b("2")),   // overwrite committed
			tx.Delete(b("c")),        // delete committed
			tx.Set(b("d"), b("new")), // insert
			tx.Set(b("x"), b("tmp")), // insert then delete
			tx.Delete(b("x")),
			tx.Delete(b("e")), // delete then re-insert
			tx.Set(b("e"), b("back")),
		}
		if err := errors.Join(steps...); err != nil {
			return err
		}
		assertGet(t, tx, "a", "1")
		assertGet(t, tx, "b", "2")
		assertMissing(t, tx, "c")
		assertGet(t, tx, "d", "new")
		assertMissing(t, tx, "x")
		assertGet(t, tx, "e", "back")
		got, err := scan(tx, "", store.ScanOptions{})
		assert.NoError(t, err)
		assert.Equal(t, want, got, "forward Scan sees pending writes")
		got, err = scan(tx, "", store.ScanOptions{Reverse: true})
		assert.NoError(t, err)
		assert.Equal(t, reversed(want), got, "reverse Scan sees pending writes")
		return nil
	}))
	require.Equal(t, want, dump(t, s), "after commit")
}

// testWritesInViewFail: Set and Delete inside View return ErrReadOnly and
// change nothing.
func testWritesInViewFail(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"a", "1"})
	require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
		assert.ErrorIs(t, tx.Set(b("a"), b("2")), store.ErrReadOnly, "Set of an existing key")
		assert.ErrorIs(t, tx.Set(b("new"), b("2")), store.ErrReadOnly, "Set of a new key")
		assert.ErrorIs(t, tx.Delete(b("a")), store.ErrReadOnly, "Delete of an existing key")
		assert.ErrorIs(t, tx.Delete(b("missing")), store.ErrReadOnly, "Delete of a missing key")
		assertGet(t, tx, "a", "1")
		assertMissing(t, tx, "new")
		return nil
	}))
	require.Equal(t, []kv{{"a", "1"}}, dump(t, s))
}

// testViewReturnsFnError: View returns the error its function returned.
func testViewReturnsFnError(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	errMine := errors.New("mine")
	err := s.View(t.Context(), func(store.Txn) error { return errMine })
	require.ErrorIs(t, err, errMine)
}
