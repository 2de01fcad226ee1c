package errs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/store"
)

var sentinels = []error{errs.ErrInvalidArgument, errs.ErrNotFound, errs.ErrAlreadyExists, errs.ErrConflict}

// only asserts that err matches want and none of the other sentinels.
func only(t *testing.T, err, want error) {
	t.Helper()
	for _, s := range sentinels {
		require.Equal(t, s == want, errors.Is(err, s), "errors.Is(%v, %v)", err, s)
	}
}

func TestSentinelMessages(t *testing.T) {
	t.Parallel()
	require.Equal(t, "invalid argument", errs.ErrInvalidArgument.Error())
	require.Equal(t, "not found", errs.ErrNotFound.Error())
	require.Equal(t, "already exists", errs.ErrAlreadyExists.Error())
	require.Equal(t, "conflict", errs.ErrConflict.Error())
}

func TestFieldError(t *testing.T) {
	t.Parallel()
	for _, err := range []error{
		errs.Invalid("transactionId", "longer than 256 characters"),
		errs.Invalidf("transactionId", "longer than %d characters", 256),
		fmt.Errorf("lock: %w", errs.Invalid("transactionId", "longer than 256 characters")),
	} {
		require.ErrorContains(t, err, "transactionId: longer than 256 characters")
		only(t, err, errs.ErrInvalidArgument)
		var fe *errs.FieldError
		require.ErrorAs(t, err, &fe)
		require.Equal(t, errs.FieldError{Field: "transactionId", Rule: "longer than 256 characters"}, *fe)
	}
	require.Equal(t, "ttl: must be at least 0", errs.Invalid("ttl", "must be at least 0").Error())
}

func TestWithMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want error
		msg  string
	}{
		{errs.NotFound("namespace %q", "ns"), errs.ErrNotFound, `namespace "ns": not found`},
		{errs.AlreadyExists("room %q", "r"), errs.ErrAlreadyExists, `room "r": already exists`},
		{errs.Conflict("mutex held by %s", "tx-1"), errs.ErrConflict, `mutex held by tx-1: conflict`},
		{errs.NotFound("plain"), errs.ErrNotFound, `plain: not found`},
	}
	for _, tt := range tests {
		require.EqualError(t, tt.err, tt.msg)
		only(t, tt.err, tt.want)
	}
}

func TestWithMessageWrapsCause(t *testing.T) {
	t.Parallel()
	args := make([]any, 2, 3)
	args[0], args[1] = "job", io.ErrUnexpectedEOF
	err := errs.NotFound("%s: %w", args...)
	require.EqualError(t, err, "job: unexpected EOF: not found")
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	only(t, err, errs.ErrNotFound)
	require.Equal(t, []any{"job", io.ErrUnexpectedEOF}, args, "the caller's args are untouched")
	require.Nil(t, args[:3][2], "nothing written past the caller's args")
}

func TestFromStore(t *testing.T) {
	t.Parallel()
	require.NoError(t, errs.FromStore(nil))

	conflict := fmt.Errorf("commit: %w", store.ErrConflict)
	got := errs.FromStore(conflict)
	only(t, got, errs.ErrConflict)
	require.ErrorIs(t, got, store.ErrConflict)
	require.ErrorIs(t, got, conflict)

	got = errs.FromStore(store.ErrNotFound)
	only(t, got, errs.ErrNotFound)
	require.ErrorIs(t, got, store.ErrNotFound)

	for _, other := range []error{store.ErrClosed, context.Canceled, io.EOF, errs.Invalid("f", "r")} {
		require.Equal(t, other, errs.FromStore(other), "unchanged")
	}

	once := errs.FromStore(store.ErrConflict)
	require.Equal(t, once, errs.FromStore(once), "translating twice changes nothing")
}
