package badgerstore_test

import (
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store/badgerstore"
)

// TestGCRunsAndStopsOnClose: the value-log collector runs every
// GCInterval (each pass ends when Badger finds nothing to rewrite) and
// Close stops it (goleak in TestMain checks the goroutine is gone).
func TestGCRunsAndStopsOnClose(t *testing.T) {
	t.Parallel()
	passes := make(chan error, 1)
	opts := badgerstore.Options{Light: true, GCInterval: time.Millisecond}
	badgerstore.SetHooks(&opts, badgerstore.Hooks{GCPass: func(err error) {
		select {
		case passes <- err:
		default:
		}
	}})
	s, err := badgerstore.Open(t.TempDir(), &opts)
	require.NoError(t, err)
	require.ErrorIs(t, <-passes, badger.ErrNoRewrite)
	require.ErrorIs(t, <-passes, badger.ErrNoRewrite, "a second pass")
	require.NoError(t, s.Close())
}
