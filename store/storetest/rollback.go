package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hearth-go/hearth/store"
	"github.com/stretchr/testify/require"
)

func rollbackCases() []testCase {
	return []testCase{
		{"FnError", testRollback},
	}
}

func contextCases() []testCase {
	return []testCase{
		{"CancelledBeforeUpdate", testCancelledBeforeUpdate},
		{"DeadlineBeforeUpdate", testDeadlineBeforeUpdate},
		{"CancelledInsideUpdate", testCancelledInsideUpdate},
		{"CancelledBeforeView", testCancelledBeforeView},
	}
}

// mutate is a transaction body that changes every kind of thing the
// seeded store {k: old, d: keep} holds.
func mutate(tx store.Txn) error {
	return errors.Join(tx.Set(b("k"), b("new")), tx.Delete(b("d")), tx.Set(b("n"), b("1")))
}

// seededForRollback is the state mutate must leave untouched.
var seededForRollback = []kv{{"d", "keep"}, {"k", "old"}}

// testRollback: when fn returns an error after writing, nothing is
// committed and Update returns that error.
func testRollback(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, seededForRollback...)
	errBoom := errors.New("boom")
	err := s.Update(t.Context(), func(tx store.Txn) error {
		if err := mutate(tx); err != nil {
			return err
		}
		return fmt.Errorf("handler: %w", errBoom)
	})
	require.ErrorIs(t, err, errBoom, "Update returns fn's error")
	require.Equal(t, seededForRollback, dump(t, s), "a failed Update wrote something")
}

// testCancelledBeforeUpdate: an Update with an already cancelled context
// returns context.Canceled and commits nothing (whether or not fn ran).
func testCancelledBeforeUpdate(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, seededForRollback...)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	require.ErrorIs(t, s.Update(ctx, mutate), context.Canceled)
	require.Equal(t, seededForRollback, dump(t, s))
}

// testDeadlineBeforeUpdate: the same with an expired deadline returns
// context.DeadlineExceeded.
func testDeadlineBeforeUpdate(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, seededForRollback...)
	ctx, cancel := context.WithDeadline(t.Context(), time.Unix(0, 0))
	defer cancel()
	require.ErrorIs(t, s.Update(ctx, mutate), context.DeadlineExceeded)
	require.Equal(t, seededForRollback, dump(t, s))
}

// testCancelledInsideUpdate: a context cancelled while fn runs (fn itself
// returning nil) stops the commit: Update returns context.Canceled and
// nothing is written.
func testCancelledInsideUpdate(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, seededForRollback...)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ran := false
	err := s.Update(ctx, func(tx store.Txn) error {
		ran = true
		if err := mutate(tx); err != nil {
			return err
		}
		cancel()
		return nil
	})
	require.True(t, ran, "fn did not run under a live context")
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, seededForRollback, dump(t, s))
}

// testCancelledBeforeView: a View with an already cancelled context returns
// context.Canceled.
func testCancelledBeforeView(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	put(t, s, seededForRollback...)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.View(ctx, func(tx store.Txn) error {
		_, err := tx.Get(b("k"))
		return err
	})
	require.ErrorIs(t, err, context.Canceled)
}
