// Package errs is Hearth's one error vocabulary.
//
// Every service returns errors that match one of four sentinels with
// errors.Is, mirroring GS2's HTTP-like kinds: [ErrInvalidArgument] (400),
// [ErrNotFound] (404), [ErrAlreadyExists] and [ErrConflict] (409). Each
// service package re-exports them (lock.ErrInvalidArgument is
// errs.ErrInvalidArgument), so callers never import this package.
//
// A validation failure is a [*FieldError] naming the field and the rule it
// broke ("transactionId: longer than 256 characters"); it matches
// ErrInvalidArgument. [NotFound], [AlreadyExists] and [Conflict] add a
// message to their sentinel. [FromStore] makes a store's ErrConflict and
// ErrNotFound match this package's sentinels too.
//
// # Errors
//
// Match with errors.Is and errors.As, never by message: the messages are for
// people and may change.
package errs
