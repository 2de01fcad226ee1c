package lock

import (
	"errors"
	"fmt"

	"github.com/hearth-go/hearth/internal/errs"
)

// The error vocabulary shared by every Hearth service, re-exported so that
// callers write errors.Is(err, lock.ErrConflict). Errors returned by this
// package because of the request wrap exactly one of them.
var (
	// ErrInvalidArgument reports a request field that breaks a rule; the
	// error also names the field and the rule ("ttl: must be at least 0").
	ErrInvalidArgument = errs.ErrInvalidArgument
	// ErrNotFound reports a missing namespace, or a mutex that does not
	// exist or has expired.
	ErrNotFound = errs.ErrNotFound
	// ErrAlreadyExists reports the creation of a namespace that exists.
	ErrAlreadyExists = errs.ErrAlreadyExists
	// ErrConflict reports a mutex held by another transaction (or a store
	// conflict that outlasted the retries).
	ErrConflict = errs.ErrConflict
)

// ErrStopped is returned by Acquire once Stop has been called, and by
// Acquire calls waiting when Stop is called.
var ErrStopped = errors.New("lock: service stopped")

// errHeld is the internal conflict of a lock attempt on a mutex held by
// another transaction; it aborts the transaction and is translated into an
// error matching ErrConflict.
var errHeld = errors.New("held by another transaction")

// errNotHolder is the internal answer of a re-lock attempt (see Acquire) on
// a mutex the transaction does not hold.
var errNotHolder = errors.New("not held by this transaction")

// wrap prefixes err with the package and the operation.
func wrap(op string, err error) error {
	return fmt.Errorf("lock: %s: %w", op, errs.FromStore(err))
}
