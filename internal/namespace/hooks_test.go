package namespace_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/store"
)

// mutexKey is a record the "lock" service would keep under a namespace.
func mutexKey(ns, user string) string { return string(keys.New("lock", "mutex").Str(ns).Str(user)) }

// deleteMutexes is an OnDelete hook that deletes the namespace's mutexes
// and leaves a marker, so a test can see both kinds of write commit.
func deleteMutexes(txn store.Txn, ns string) error {
	var doomed [][]byte
	err := txn.Scan(keys.New("lock", "mutex").Str(ns), store.ScanOptions{}, func(k, _ []byte) bool {
		doomed = append(doomed, append([]byte(nil), k...))
		return true
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return txn.Set(keys.New("lock", "deleted").Str(ns), []byte("1"))
}

func TestOnDeleteCommitsWithDelete(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		var calls []string
		f := newFixture(t, st, func(c *namespace.Config[settings]) {
			c.OnDelete = func(txn store.Txn, ns string) error {
				calls = append(calls, ns)
				// The namespace record is already gone inside the transaction.
				_, err := txn.Get(namespace.Prefix("lock").Str(ns))
				if !errors.Is(err, store.ErrNotFound) {
					return errors.New("namespace record still visible to OnDelete")
				}
				return deleteMutexes(txn, ns)
			}
		})
		f.create(t, "a")
		f.create(t, "b")
		put(t, st, kv{mutexKey("a", "u1"), "x"}, kv{mutexKey("a", "u2"), "y"}, kv{mutexKey("b", "u1"), "z"})

		_, err := f.reg.Delete(context.Background(), "a")
		require.NoError(t, err)
		require.Equal(t, []string{"a"}, calls)

		want := []kv{
			{string(keys.New("lock", "deleted").Str("a")), "1"},
			{mutexKey("b", "u1"), "z"},
		}
		var got []kv
		for _, e := range dump(t, st) {
			if e.key != string(f.reg.Key("b")) {
				got = append(got, e)
			}
		}
		require.ElementsMatch(t, want, got)
	})
}

func TestOnDeleteErrorRollsBack(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		hookErr := errors.New("hook failed")
		f := newFixture(t, st, func(c *namespace.Config[settings]) {
			c.OnDelete = func(txn store.Txn, ns string) error {
				if err := deleteMutexes(txn, ns); err != nil {
					return err
				}
				return hookErr // after writing: all of it must be discarded
			}
		})
		rec := f.create(t, "a")
		put(t, st, kv{mutexKey("a", "u1"), "x"})
		before := dump(t, st)

		_, err := f.reg.Delete(context.Background(), "a")
		require.ErrorIs(t, err, hookErr)
		require.Equal(t, before, dump(t, st))
		got, err := f.reg.Get(context.Background(), "a")
		require.NoError(t, err)
		require.Equal(t, rec, got)
	})
}

func TestValidateHookDefaultsAreStored(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		in := namespace.CreateInput[settings]{Name: "n", Settings: settings{Limit: 4}}
		rec, err := f.reg.Create(ctx, in)
		require.NoError(t, err)
		require.Equal(t, settings{Mode: "fast", Limit: 4}, rec.Settings)
		require.Equal(t, settings{Limit: 4}, in.Settings, "the caller's input is not modified")
		got, err := f.reg.Get(ctx, "n")
		require.NoError(t, err)
		require.Equal(t, "fast", got.Settings.Mode)

		_, err = f.reg.Update(ctx, namespace.UpdateInput[settings]{Name: "n", Settings: settings{Mode: "slow"}})
		require.NoError(t, err)
		got, err = f.reg.Get(ctx, "n")
		require.NoError(t, err)
		require.Equal(t, settings{Mode: "slow"}, got.Settings)
	})
}

func TestValidateHookErrorPassesThrough(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		hookErr := errors.New("custom rule")
		f := newFixture(t, st, func(c *namespace.Config[settings]) {
			c.Validate = func(s *settings) error {
				if s.Limit < 0 {
					return hookErr
				}
				return nil
			}
		})
		f.create(t, "n")
		before := dump(t, st)
		_, err := f.reg.Create(context.Background(), namespace.CreateInput[settings]{Name: "m", Settings: settings{Limit: -1}})
		require.ErrorIs(t, err, hookErr)
		_, err = f.reg.Update(context.Background(), namespace.UpdateInput[settings]{Name: "n", Settings: settings{Limit: -1}})
		require.ErrorIs(t, err, hookErr)
		require.Equal(t, before, dump(t, st))
	})
}

// TestGetTxnGuardsAgainstDelete shows why services read their namespace
// with GetTxn: a service write that read the namespace cannot commit after
// the namespace was deleted concurrently.
func TestGetTxnGuardsAgainstDelete(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		f.create(t, "a")
		err := st.Update(ctx, func(txn store.Txn) error {
			rec, err := f.reg.GetTxn(txn, "a")
			if err != nil {
				return err
			}
			require.Equal(t, "a", rec.Name)
			// Another caller deletes the namespace meanwhile.
			if _, err := f.reg.Delete(ctx, "a"); err != nil {
				return err
			}
			return txn.Set([]byte(mutexKey("a", "u1")), []byte("x"))
		})
		require.ErrorIs(t, err, store.ErrConflict)
		require.Empty(t, dump(t, st))
	})
}
