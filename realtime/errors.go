package realtime

import (
	"errors"
	"fmt"

	"github.com/hearth-go/hearth/internal/errs"
)

// The error vocabulary shared by every Hearth service, re-exported so that
// callers write errors.Is(err, realtime.ErrNotFound). Errors returned by
// this package because of the request wrap exactly one of them.
var (
	// ErrInvalidArgument reports a request field that breaks a rule; the
	// error also names the field and the rule ("roomName: longer than 128
	// characters").
	ErrInvalidArgument = errs.ErrInvalidArgument
	// ErrNotFound reports a missing namespace or room.
	ErrNotFound = errs.ErrNotFound
	// ErrAlreadyExists reports the creation of a namespace or room that
	// exists.
	ErrAlreadyExists = errs.ErrAlreadyExists
	// ErrConflict reports a store conflict that outlasted the retries.
	ErrConflict = errs.ErrConflict
)

// ErrStopped is returned by WantRoom and Start after Stop: no provisioning
// can run any more.
var ErrStopped = errors.New("realtime: service stopped")

// wrap prefixes err with the package and the operation.
func wrap(op string, err error) error {
	return fmt.Errorf("realtime: %s: %w", op, errs.FromStore(err))
}
