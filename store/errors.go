package store

import (
	"errors"
	"fmt"
)

// Sentinel errors. Backends return errors that match these with
// errors.Is, translating their own errors; callers never match backend
// errors or error strings.
var (
	// ErrNotFound is returned by Get for a key that has no value.
	ErrNotFound = errors.New("store: key not found")

	// ErrConflict is returned by Update when another transaction committed
	// a write to a key this transaction read. Nothing was written; the
	// whole transaction may be retried (see Retry).
	ErrConflict = errors.New("store: transaction conflict")

	// ErrClosed is returned by every call on a closed store.
	ErrClosed = errors.New("store: closed")

	// ErrTooLarge is returned when a transaction or a value exceeds the
	// backend's size limits. Nothing of the transaction is written.
	ErrTooLarge = errors.New("store: transaction too large")

	// ErrReadOnly is returned by Set and Delete inside View.
	ErrReadOnly = errors.New("store: read-only transaction")

	// ErrInvalidKey is returned for an empty key or one longer than
	// MaxKeySize.
	ErrInvalidKey = errors.New("store: invalid key")
)

// CheckKey returns ErrInvalidKey (wrapped) if key is empty or longer than
// MaxKeySize. Backends call it on every key they are given.
func CheckKey(key []byte) error {
	switch {
	case len(key) == 0:
		return fmt.Errorf("%w: empty key", ErrInvalidKey)
	case len(key) > MaxKeySize:
		return fmt.Errorf("%w: %d bytes, longer than MaxKeySize", ErrInvalidKey, len(key))
	}
	return nil
}
