package jobqueue

import (
	"errors"
	"fmt"

	"github.com/hearth-go/hearth/internal/errs"
)

// The error vocabulary shared by every Hearth service, re-exported so that
// callers write errors.Is(err, jobqueue.ErrConflict). Errors returned by
// this package because of the request wrap exactly one of them.
var (
	// ErrInvalidArgument reports a request field that breaks a rule; the
	// error also names the field and the rule ("jobs[0].scriptId: required").
	ErrInvalidArgument = errs.ErrInvalidArgument
	// ErrNotFound reports a missing namespace, job, result or dead letter.
	ErrNotFound = errs.ErrNotFound
	// ErrAlreadyExists reports the creation of a namespace that exists.
	ErrAlreadyExists = errs.ErrAlreadyExists
	// ErrConflict reports a Run on a user whose job is already running (or
	// a store conflict that outlasted the retries).
	ErrConflict = errs.ErrConflict
)

// ErrStopped is returned by calls that need the workers (Start after Stop).
var ErrStopped = errors.New("jobqueue: service stopped")

// wrap prefixes err with the package and the operation.
func wrap(op string, err error) error {
	return fmt.Errorf("jobqueue: %s: %w", op, errs.FromStore(err))
}
