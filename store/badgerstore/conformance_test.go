package badgerstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
	"github.com/hearth-go/hearth/store/storetest"
)

// opener returns a storetest constructor for stores opened with opts, on
// a fresh temporary directory unless opts.InMemory.
func opener(opts badgerstore.Options) func(t testing.TB) store.Store {
	return func(t testing.TB) store.Store {
		dir := ""
		if !opts.InMemory {
			dir = t.TempDir()
		}
		s, err := badgerstore.Open(dir, &opts)
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
}

func TestConformanceDisk(t *testing.T) {
	t.Parallel()
	storetest.Run(t, opener(badgerstore.Options{Light: true}))
}

func TestConformanceInMemory(t *testing.T) {
	t.Parallel()
	storetest.Run(t, opener(badgerstore.Options{Light: true, InMemory: true}))
}

func TestConformanceSync(t *testing.T) {
	t.Parallel()
	storetest.Run(t, opener(badgerstore.Options{Light: true, Durability: badgerstore.Sync}))
}
