package badgerstore_test

import (
	"errors"
	"fmt"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
)

func TestInterpretError(t *testing.T) {
	t.Parallel()
	other := errors.New("something else")
	cases := []struct {
		in   error
		want error // nil: no store sentinel
	}{
		{badger.ErrKeyNotFound, store.ErrNotFound},
		{badger.ErrConflict, store.ErrConflict},
		{badger.ErrTxnTooBig, store.ErrTooLarge},
		{badger.ErrReadOnlyTxn, store.ErrReadOnly},
		{badger.ErrDBClosed, store.ErrClosed},
		{badger.ErrBlockedWrites, store.ErrClosed},
		{badger.ErrEmptyKey, store.ErrInvalidKey},
		{fmt.Errorf("DB::Get key: %w", badger.ErrKeyNotFound), store.ErrNotFound}, // as Badger wraps it
		{fmt.Errorf("while committing: %w", badger.ErrConflict), store.ErrConflict},
		{other, nil},
	}
	sentinels := []error{store.ErrNotFound, store.ErrConflict, store.ErrTooLarge, store.ErrReadOnly,
		store.ErrClosed, store.ErrInvalidKey, store.ErrClosed}
	for _, c := range cases {
		got := badgerstore.InterpretError(c.in)
		require.Error(t, got, "%v", c.in)
		for _, s := range sentinels {
			require.Equal(t, s == c.want, errors.Is(got, s), "InterpretError(%v) = %v; errors.Is %v", c.in, got, s)
		}
		if c.want == nil || c.want == store.ErrTooLarge || c.want == store.ErrClosed {
			require.ErrorIs(t, got, c.in, "the Badger error stays in the chain")
		}
	}
	require.NoError(t, badgerstore.InterpretError(nil))
}
