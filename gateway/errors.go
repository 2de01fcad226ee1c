package gateway

import (
	"errors"
	"fmt"

	"github.com/hearth-go/hearth/internal/errs"
)

// The error vocabulary shared by every Hearth service, re-exported so that
// callers write errors.Is(err, gateway.ErrInvalidArgument). Errors returned
// by this package because of the request wrap exactly one of them (or
// ErrStopped, ErrNotStarted, or a MobilePusher's error).
var (
	// ErrInvalidArgument reports a request field that breaks a rule; the
	// error also names the field and the rule.
	ErrInvalidArgument = errs.ErrInvalidArgument
	// ErrNotFound reports a missing namespace, connection, session or
	// device token.
	ErrNotFound = errs.ErrNotFound
	// ErrAlreadyExists reports a create of something that exists.
	ErrAlreadyExists = errs.ErrAlreadyExists
	// ErrConflict reports a SetUserID refused by the user's other session
	// (allowConcurrentAccess false, no matching sessionId, no force), or a
	// store conflict that outlasted the retries.
	ErrConflict = errs.ErrConflict
)

// ErrStopped is returned by Connect and Start after Stop.
var ErrStopped = errors.New("gateway: service stopped")

// ErrNotStarted is returned by Connect before Start: Start first removes
// the sessions a crashed process left under the same node ID, which it
// could not tell apart from new ones.
var ErrNotStarted = errors.New("gateway: service not started")

// wrap prefixes err with the package and the operation, and makes store
// errors match the shared sentinels.
func wrap(op string, err error) error {
	return fmt.Errorf("gateway: %s: %w", op, errs.FromStore(err))
}
