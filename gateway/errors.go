package gateway

import "github.com/hearth-go/hearth/internal/errs"

// The error vocabulary shared by every Hearth service, re-exported so that
// callers write errors.Is(err, gateway.ErrInvalidArgument). Errors returned
// by this package wrap exactly one of them.
var (
	// ErrInvalidArgument reports a request field that breaks a rule; the
	// error also names the field and the rule.
	ErrInvalidArgument = errs.ErrInvalidArgument
	// ErrNotFound reports a missing namespace or record.
	ErrNotFound = errs.ErrNotFound
	// ErrAlreadyExists reports a create of something that exists.
	ErrAlreadyExists = errs.ErrAlreadyExists
	// ErrConflict reports a request that conflicts with the current state.
	ErrConflict = errs.ErrConflict
)
