package errs

import (
	"errors"
	"fmt"

	"github.com/hearth-go/hearth/store"
)

// The sentinels. Every error a Hearth service returns because of the request
// (rather than a failure of the store or a context) matches one of them.
var (
	// ErrInvalidArgument: the request is malformed or breaks a field's rule.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrNotFound: a named resource does not exist (or has expired).
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a resource to create exists already.
	ErrAlreadyExists = errors.New("already exists")
	// ErrConflict: the request contradicts the current state, e.g. a lock
	// held by another transaction, or a store transaction conflict that
	// retries could not resolve.
	ErrConflict = errors.New("conflict")
)

// NotFound returns an error matching ErrNotFound whose message is the
// formatted text followed by ": not found", e.g. NotFound("namespace %q",
// name) reads `namespace "x": not found`. The format may use %w to wrap a
// cause as well.
func NotFound(format string, args ...any) error {
	return wrap(ErrNotFound, format, args)
}

// AlreadyExists is NotFound's counterpart for ErrAlreadyExists.
func AlreadyExists(format string, args ...any) error {
	return wrap(ErrAlreadyExists, format, args)
}

// Conflict is NotFound's counterpart for ErrConflict.
func Conflict(format string, args ...any) error {
	return wrap(ErrConflict, format, args)
}

func wrap(sentinel error, format string, args []any) error {
	return fmt.Errorf(format+": %w", append(args[:len(args):len(args)], sentinel)...)
}

// FromStore makes a store error match this package's sentinels as well:
// an error matching store.ErrConflict also matches ErrConflict, and one
// matching store.ErrNotFound also matches ErrNotFound; the original error
// stays in the chain. It returns nil for nil and any other error unchanged.
func FromStore(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrConflict) && !errors.Is(err, ErrConflict):
		return fmt.Errorf("%w: %w", ErrConflict, err)
	case errors.Is(err, store.ErrNotFound) && !errors.Is(err, ErrNotFound):
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}
