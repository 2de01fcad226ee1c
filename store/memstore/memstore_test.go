package memstore_test

import (
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/memstore"
	"github.com/hearth-go/hearth/store/storetest"
)

func newStore(tb testing.TB) store.Store {
	s := memstore.New(nil)
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, newStore) }

func BenchmarkStore(b *testing.B) { storetest.RunBenchmarks(b, newStore) }
