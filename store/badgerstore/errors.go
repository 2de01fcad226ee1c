package badgerstore

import (
	"errors"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/hearth-go/hearth/store"
)

// errTxnDone is returned by a Txn used after its function returned.
var errTxnDone = errors.New("badgerstore: transaction used after its function returned")

// interpretError translates an error from Badger into the store's
// vocabulary, so callers match it with errors.Is against the store
// sentinels. Not-found and conflict, the frequent ones, are returned as the
// bare sentinels; the others wrap both the sentinel and Badger's error.
// Errors with no sentinel are wrapped as they are. Matching is by
// errors.Is on Badger's exported errors, never by message.
func interpretError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, badger.ErrKeyNotFound):
		return store.ErrNotFound
	case errors.Is(err, badger.ErrConflict):
		return store.ErrConflict
	case errors.Is(err, badger.ErrTxnTooBig):
		return fmt.Errorf("%w: %w", store.ErrTooLarge, err)
	case errors.Is(err, badger.ErrReadOnlyTxn):
		return fmt.Errorf("%w: %w", store.ErrReadOnly, err)
	case errors.Is(err, badger.ErrDBClosed), errors.Is(err, badger.ErrBlockedWrites):
		return fmt.Errorf("%w: %w", store.ErrClosed, err)
	case errors.Is(err, badger.ErrEmptyKey):
		return fmt.Errorf("%w: %w", store.ErrInvalidKey, err)
	}
	return fmt.Errorf("badgerstore: %w", err)
}
