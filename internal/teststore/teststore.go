package teststore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
	"github.com/hearth-go/hearth/store/memstore"
)

// Case is one backend of the table.
type Case struct {
	// Name names the subtest.
	Name string
	// Open returns a fresh, empty store that is closed when t ends.
	Open func(t testing.TB) store.Store
}

// Cases returns the table of backends every service test runs against.
func Cases() []Case {
	return []Case{
		{"memstore", func(t testing.TB) store.Store {
			st := memstore.New(nil)
			t.Cleanup(func() { _ = st.Close() })
			return st
		}},
		{"badgerstore", func(t testing.TB) store.Store {
			st, err := badgerstore.Open(t.TempDir(), &badgerstore.Options{Light: true})
			require.NoError(t, err)
			t.Cleanup(func() { _ = st.Close() })
			return st
		}},
	}
}

// Each runs f in a parallel subtest per backend, each with a fresh store.
func Each(t *testing.T, f func(t *testing.T, st store.Store)) {
	t.Helper()
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			f(t, c.Open(t))
		})
	}
}

// Dump returns every key and value of st. Keys are rendered with
// keys.Key.String, so a failed comparison reads as tuples.
func Dump(t testing.TB, st store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, st.View(context.Background(), func(txn store.Txn) error {
		return txn.Scan(nil, store.ScanOptions{}, func(k, v []byte) bool {
			out[keys.Key(k).String()] = string(v)
			return true
		})
	}))
	return out
}

// Unchanged runs f and fails t if the store's contents differ afterwards:
// a call that fails must change nothing.
func Unchanged(t testing.TB, st store.Store, f func()) {
	t.Helper()
	before := Dump(t, st)
	f()
	require.Equal(t, before, Dump(t, st), "a failed call must change nothing")
}
