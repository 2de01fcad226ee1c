package teststore_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestEachRunsEveryBackendOnAFreshStore(t *testing.T) {
	var ran atomic.Int32
	t.Run("each", func(t *testing.T) {
		teststore.Each(t, func(t *testing.T, st store.Store) {
			ran.Add(1)
			require.Empty(t, teststore.Dump(t, st))
		})
	})
	require.EqualValues(t, len(teststore.Cases()), ran.Load())
	require.Len(t, teststore.Cases(), 2, "memstore and Badger")
}

func TestDumpAndUnchanged(t *testing.T) {
	t.Parallel()
	teststore.Each(t, func(t *testing.T, st store.Store) {
		k := keys.New("svc", "kind").Str("a\x00b")
		require.NoError(t, st.Update(context.Background(), func(txn store.Txn) error {
			return txn.Set(k, []byte("v"))
		}))
		require.Equal(t, map[string]string{k.String(): "v"}, teststore.Dump(t, st))
		teststore.Unchanged(t, st, func() {
			_ = st.View(context.Background(), func(store.Txn) error { return nil })
		})

		// Unchanged must fail when f writes: run it on a recorder.
		rec := &recorder{TB: t}
		teststore.Unchanged(rec, st, func() {
			_ = st.Update(context.Background(), func(txn store.Txn) error {
				return txn.Set([]byte("other"), []byte("x"))
			})
		})
		require.True(t, rec.failed, "a change must be reported")
	})
}

// recorder is a testing.TB that records a failure instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) FailNow()              { r.failed = true }
func (r *recorder) Helper()               {}
