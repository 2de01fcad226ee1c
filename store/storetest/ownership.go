package storetest

import (
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ownershipCases() []testCase {
	return []testCase{
		{"GetReturnsCopy", testGetReturnsCopy},
		{"SetCopiesBuffers", testSetCopiesBuffers},
		{"DeleteCopiesKey", testDeleteCopiesKey},
	}
}

// testGetReturnsCopy: the slice Get returns belongs to the caller; changing
// it changes neither committed nor pending data.
func testGetReturnsCopy(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"k", "value"})
	var kept []byte
	require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
		v, err := tx.Get(b("k"))
		if err != nil {
			return err
		}
		v[0] = 'X'
		assertGet(t, tx, "k", "value")
		kept = v
		return nil
	}))
	kept[1] = 'Y' // after the View ended
	requireValue(t, s, "k", "value")

	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		v, err := tx.Get(b("k"))
		if err != nil {
			return err
		}
		v[0] = 'X'
		assertGet(t, tx, "k", "value")
		if err := tx.Set(b("p"), b("pending")); err != nil {
			return err
		}
		v, err = tx.Get(b("p"))
		if err != nil {
			return err
		}
		v[0] = 'X'
		assertGet(t, tx, "p", "pending")
		got, err := scan(tx, "", store.ScanOptions{})
		assert.NoError(t, err)
		assert.Equal(t, []kv{{"k", "value"}, {"p", "pending"}}, got)
		kept = v
		return nil
	}))
	kept[2] = 'Z' // after the commit
	requireValue(t, s, "k", "value")
	requireValue(t, s, "p", "pending")
}

// testSetCopiesBuffers: Set copies key and value; reusing the buffers after
// Set returns changes nothing, within the transaction or after commit.
func testSetCopiesBuffers(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	key := make([]byte, 0, 64)
	val := make([]byte, 0, 64)
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		key = append(key[:0], "key1"...)
		val = append(val[:0], "val1"...)
		if err := tx.Set(key, val); err != nil {
			return err
		}
		copy(key, "key2") // the buffer now spells another key
		copy(val, "XXXX")
		assertGet(t, tx, "key1", "val1")
		assertMissing(t, tx, "key2")

		key = append(key[:0], "key3"...)
		val = append(val[:0], "val3"...)
		if err := tx.Set(key, val); err != nil {
			return err
		}
		copy(key, "key4")
		copy(val, "YYYY")
		got, err := scan(tx, "", store.ScanOptions{})
		assert.NoError(t, err)
		assert.Equal(t, []kv{{"key1", "val1"}, {"key3", "val3"}}, got, "pending writes unaffected by buffer reuse")
		return nil
	}))
	copy(key, "key5") // after the commit
	copy(val, "ZZZZ")
	require.Equal(t, []kv{{"key1", "val1"}, {"key3", "val3"}}, dump(t, s), "committed writes unaffected by buffer reuse")
}

// testDeleteCopiesKey: Delete applies to the key as it was when Delete was
// called, whatever the buffer holds later.
func testDeleteCopiesKey(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"del1", "v"}, kv{"del2", "v"})
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		key := b("del1")
		if err := tx.Delete(key); err != nil {
			return err
		}
		copy(key, "del2")
		assertMissing(t, tx, "del1")
		assertGet(t, tx, "del2", "v")
		return nil
	}))
	require.Equal(t, []kv{{"del2", "v"}}, dump(t, s))
}
