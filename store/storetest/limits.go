package storetest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// largeValueSize is the value size every backend must store in one Update.
const largeValueSize = 5 << 20

// tooLargeCap bounds how much the ErrTooLarge case writes before giving up:
// a backend that accepts this much in one transaction has no usable limit.
const tooLargeCap = 256 << 20

func limitCases() []testCase {
	return []testCase{
		{"LargeValue", testLargeValue},
		{"TooLarge", testTooLarge},
	}
}

// testLargeValue: a 5 MB value round-trips through Get and Scan.
func testLargeValue(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	val := make([]byte, largeValueSize)
	_, _ = rand.NewChaCha8([32]byte{1, 2, 3}).Read(val)
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		return tx.Set(b("big"), val)
	}))
	put(t, s, kv{"big\x00next", "small"})
	inBoth(t, s, func(t *testing.T, tx store.Txn) {
		got, err := tx.Get(b("big"))
		assert.NoError(t, err)
		assert.True(t, bytes.Equal(val, got), "Get returned %d bytes, not the %d written", len(got), len(val))
		var sizes []int
		assert.NoError(t, tx.Scan(b("big"), store.ScanOptions{}, func(_, v []byte) bool {
			sizes = append(sizes, len(v))
			return true
		}))
		assert.Equal(t, []int{largeValueSize, len("small")}, sizes, "Scan value sizes")
	})
}

// testTooLarge: a transaction that grows past the backend's limit fails
// with ErrTooLarge (from Set or from the commit) and writes nothing; the
// store stays usable.
func testTooLarge(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, kv{"before", "1"})
	val := bytes.Repeat([]byte{'v'}, 1<<10)
	var written, sets int
	err := s.Update(t.Context(), func(tx store.Txn) error {
		key := make([]byte, 0, 16)
		for written = 0; written < tooLargeCap; written += len(key) + len(val) {
			key = fmt.Appendf(key[:0], "big/%09d", sets)
			if err := tx.Set(key, val); err != nil {
				return err
			}
			sets++
		}
		return nil
	})
	require.Error(t, err, "an Update writing %d MiB must hit the backend's size limit", tooLargeCap>>20)
	require.ErrorIs(t, err, store.ErrTooLarge, "after %d Sets (%d bytes)", sets, written)
	t.Logf("ErrTooLarge after %d accepted Sets (%d KiB)", sets, written>>10)

	require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
		n := 0
		err := tx.Scan(b("big/"), store.ScanOptions{}, func(_, _ []byte) bool { n++; return true })
		assert.Zero(t, n, "keys of the failed transaction are visible")
		return err
	}))
	put(t, s, kv{"after", "1"})
	require.Equal(t, []kv{{"after", "1"}, {"before", "1"}}, dump(t, s))
}
