package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store"
)

func TestRetryRepeatsConflictsUntilSuccess(t *testing.T) {
	t.Parallel()
	calls := 0
	err := store.Retry(context.Background(), nil, func() error {
		calls++
		if calls < 5 {
			return fmt.Errorf("commit: %w", store.ErrConflict)
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 5, calls)
}

func TestRetryStopsAtMaxAttempts(t *testing.T) {
	t.Parallel()
	calls := 0
	pol := &store.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Microsecond, MaxDelay: time.Microsecond}
	err := store.Retry(context.Background(), pol, func() error {
		calls++
		return store.ErrConflict
	})
	require.ErrorIs(t, err, store.ErrConflict)
	require.Equal(t, 3, calls)

	calls = 0
	err = store.Retry(context.Background(), &store.RetryPolicy{MaxAttempts: 4}, func() error {
		calls++
		return store.ErrConflict
	})
	require.ErrorIs(t, err, store.ErrConflict)
	require.Equal(t, 4, calls, "a zero BaseDelay retries without waiting")
}

func TestRetryReturnsOtherErrorsAtOnce(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	calls := 0
	err := store.Retry(context.Background(), nil, func() error {
		calls++
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.Equal(t, 1, calls)
}

func TestRetryGivesUpWhenContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	pol := &store.RetryPolicy{MaxAttempts: 1000, BaseDelay: time.Hour, MaxDelay: time.Hour}
	err := store.Retry(ctx, pol, func() error {
		calls++
		cancel()
		return store.ErrConflict
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 1, calls, "no retry after the context ended")
}

func TestCheckKey(t *testing.T) {
	t.Parallel()
	require.ErrorIs(t, store.CheckKey(nil), store.ErrInvalidKey)
	require.ErrorIs(t, store.CheckKey([]byte{}), store.ErrInvalidKey)
	require.ErrorIs(t, store.CheckKey(make([]byte, store.MaxKeySize+1)), store.ErrInvalidKey)
	require.NoError(t, store.CheckKey(make([]byte, store.MaxKeySize)))
	require.NoError(t, store.CheckKey([]byte{0}))
}
