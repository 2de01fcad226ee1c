package storetest

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func keyCases() []testCase {
	return []testCase{
		{"InvalidKey", testInvalidKey},
		{"MaxKeySize", testMaxKeySize},
		{"BinaryKeys", testBinaryKeys},
	}
}

// testInvalidKey: empty keys and keys longer than MaxKeySize are rejected
// with ErrInvalidKey by Get, Set and Delete; the rejected call has no effect
// and the transaction can still commit its valid writes.
func testInvalidKey(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"k", "v"})
	bad := []struct {
		name string
		key  []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"MaxKeySize+1", bytes.Repeat([]byte{'k'}, store.MaxKeySize+1)},
	}
	for _, c := range bad {
		require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
			_, err := tx.Get(c.key)
			assert.ErrorIs(t, err, store.ErrInvalidKey, "View Get(%s key)", c.name)
			return nil
		}))
		require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
			_, err := tx.Get(c.key)
			assert.ErrorIs(t, err, store.ErrInvalidKey, "Get(%s key)", c.name)
			assert.ErrorIs(t, tx.Set(c.key, b("x")), store.ErrInvalidKey, "Set(%s key)", c.name)
			assert.ErrorIs(t, tx.Delete(c.key), store.ErrInvalidKey, "Delete(%s key)", c.name)
			return tx.Set(b("after-"+c.name), b("ok"))
		}), "an Update whose invalid-key calls were rejected still commits")
		requireValue(t, s, "after-"+c.name, "ok")
	}
	require.Len(t, dump(t, s), 1+len(bad), "rejected calls wrote nothing")
	requireValue(t, s, "k", "v")
}

// testMaxKeySize: a key of exactly MaxKeySize bytes is valid for Set, Get,
// Scan and Delete, and sorts by its last byte.
func testMaxKeySize(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	k1 := bytes.Repeat([]byte{'m'}, store.MaxKeySize)
	k2 := bytes.Clone(k1)
	k2[len(k2)-1] = 'n'
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		if err := tx.Set(k2, b("two")); err != nil {
			return err
		}
		return tx.Set(k1, b("one"))
	}))
	inBoth(t, s, func(t *testing.T, tx store.Txn) {
		assertGet(t, tx, string(k1), "one")
		assertGet(t, tx, string(k2), "two")
		got, err := scan(tx, "mmmm", store.ScanOptions{})
		assert.NoError(t, err)
		assert.Equal(t, []kv{{string(k1), "one"}, {string(k2), "two"}}, got, "Scan visits MaxKeySize keys in order")
	})
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error { return tx.Delete(k1) }))
	requireMissing(t, s, string(k1))
	requireValue(t, s, string(k2), "two")
}

// testBinaryKeys: keys holding 0x00 and 0xff bytes round-trip and sort
// bytewise (0x00 lowest, 0xff highest, a proper prefix before its
// extensions), whether committed or pending.
func testBinaryKeys(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	keys := []string{
		"\x00", "\x00\x00", "\x00\xff", "\x01", "\x7f", "\x80", "\xff", "\xff\x00", "\xff\xff", "\xff\xff\xff",
		"a", "a\x00", "a\x00b", "a\x01", "a\xff", "a\xff\x00", "ab", "b\x00\x00\x00",
	}
	shuffled := make([]kv, len(keys))
	for i, k := range keys {
		shuffled[i] = kv{k, "v" + k + "v"}
	}
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	// Commit half, leave half pending, so the merge of both is checked too.
	half := len(shuffled) / 2
	put(t, s, shuffled[:half]...)
	want := sortedKeys(shuffled)
	check := func(t *testing.T, tx store.Txn) {
		for _, k := range keys {
			assertGet(t, tx, k, "v"+k+"v")
		}
		got, err := scanKeys(tx, "", store.ScanOptions{})
		assert.NoError(t, err)
		assert.Equal(t, want, got, "forward order is bytewise")
		got, err = scanKeys(tx, "", store.ScanOptions{Reverse: true})
		assert.NoError(t, err)
		assert.Equal(t, reversed(want), got, "reverse order is bytewise")
	}
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		for _, p := range shuffled[half:] {
			if err := tx.Set(b(p.k), b(p.v)); err != nil {
				return err
			}
		}
		check(t, tx)
		return nil
	}))
	inBoth(t, s, check)
}
