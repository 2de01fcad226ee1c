package relay

import (
	"errors"

	"github.com/hearth-go/hearth/internal/errs"
)

// Errors of New, Provision and Release. Match them with errors.Is.
var (
	// ErrInvalidArgument reports a Config field that breaks a rule; the
	// error names the field. It is Hearth's shared sentinel.
	ErrInvalidArgument = errs.ErrInvalidArgument
	// ErrClosed is returned by Provision after Close.
	ErrClosed = errors.New("relay: server closed")
	// ErrNoPort is returned by Provision when every port of the range is
	// taken.
	ErrNoPort = errors.New("relay: no free port in range")
)
