package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newStoreFunc is the constructor a backend hands to Run: a fresh, empty
// store, closed by a cleanup it registers on t.
type newStoreFunc = func(t testing.TB) store.Store

// testCase is one conformance case. run calls newStore itself, so every case
// owns its store and cases can run in parallel.
type testCase struct {
	name string
	run  func(t *testing.T, newStore newStoreFunc)
}

// group is a named set of cases; it becomes one level of subtest names, so
// a backend can select e.g. -run 'TestStore/Conflict/'.
type group struct {
	name  string
	cases []testCase
}

// groups lists every conformance case, by concept.
func groups() []group {
	return []group{
		{"CRUD", crudCases()},
		{"Keys", keyCases()},
		{"Ownership", ownershipCases()},
		{"ReadOnly", readOnlyCases()},
		{"Scan", scanCases()},
		{"Limits", limitCases()},
		{"Isolation", isolationCases()},
		{"Conflict", conflictCases()},
		{"Rollback", rollbackCases()},
		{"Context", contextCases()},
		{"Close", closeCases()},
		{"Concurrency", concurrencyCases()},
	}
}

// Run runs every conformance case as a subtest of t, named
// "<Group>/<Case>". newStore must return a fresh, empty store and register
// a t.Cleanup that closes it (ignoring the error: some cases close the
// store themselves). Cases run in parallel, each with its own store.
func Run(t *testing.T, newStore func(t testing.TB) store.Store) {
	t.Helper()
	for _, g := range groups() {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, newStore)
				})
			}
		})
	}
}

// Helpers. Inside a transaction function and in background goroutines the
// cases use assert (which records a failure and carries on), never require:
// require stops the goroutine with runtime.Goexit, which could leave a
// backend's transaction open and make the cleanup's Close wait forever.

// kv is a key/value pair as strings, so binary keys print readably in
// failure messages.
type kv struct{ k, v string }

// b converts a string to a fresh byte slice.
func b(s string) []byte { return []byte(s) }

// put commits pairs in one Update.
func put(t testing.TB, s store.Store, pairs ...kv) {
	t.Helper()
	err := s.Update(t.Context(), func(tx store.Txn) error {
		for _, p := range pairs {
			if err := tx.Set(b(p.k), b(p.v)); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err, "seeding the store")
}

// lookup reads key in a fresh View; found is false for ErrNotFound, and any
// other error fails the test.
func lookup(t testing.TB, s store.Store, key string) (value string, found bool) {
	t.Helper()
	err := s.View(t.Context(), func(tx store.Txn) error {
		v, err := tx.Get(b(key))
		if err != nil {
			return err
		}
		value, found = string(v), true
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", false
	}
	require.NoError(t, err, "View Get %q", key)
	return value, found
}

// requireValue asserts that a fresh View reads want at key.
func requireValue(t testing.TB, s store.Store, key, want string) {
	t.Helper()
	got, found := lookup(t, s, key)
	require.True(t, found, "key %q is missing", key)
	require.Equal(t, want, got, "value of key %q", key)
}

// requireMissing asserts that a fresh View does not find key.
func requireMissing(t testing.TB, s store.Store, key string) {
	t.Helper()
	_, found := lookup(t, s, key)
	require.False(t, found, "key %q should not exist", key)
}

// scan collects every pair Scan visits, copying the slices.
func scan(tx store.Txn, prefix string, opts store.ScanOptions) ([]kv, error) {
	var out []kv
	var p []byte
	if prefix != "" {
		p = b(prefix)
	}
	err := tx.Scan(p, opts, func(k, v []byte) bool {
		out = append(out, kv{string(k), string(v)})
		return true
	})
	return out, err
}

// scanKeys collects the keys Scan visits.
func scanKeys(tx store.Txn, prefix string, opts store.ScanOptions) ([]string, error) {
	pairs, err := scan(tx, prefix, opts)
	keys := make([]string, len(pairs))
	for i, p := range pairs {
		keys[i] = p.k
	}
	return keys, err
}

// dump returns every pair in the store, in a fresh View.
func dump(t testing.TB, s store.Store) []kv {
	t.Helper()
	var out []kv
	err := s.View(t.Context(), func(tx store.Txn) error {
		var err error
		out, err = scan(tx, "", store.ScanOptions{})
		return err
	})
	require.NoError(t, err, "scanning the whole store")
	return out
}

// inBoth runs check inside a View and inside an Update (which then commits
// nothing), so read behaviour is checked in both kinds of transaction.
func inBoth(t *testing.T, s store.Store, check func(t *testing.T, tx store.Txn)) {
	t.Helper()
	require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
		check(t, tx)
		return nil
	}), "View")
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		check(t, tx)
		return nil
	}), "Update")
}

// sortedKeys returns the keys of pairs in bytewise ascending order.
func sortedKeys(pairs []kv) []string {
	keys := make([]string, len(pairs))
	for i, p := range pairs {
		keys[i] = p.k
	}
	slices.Sort(keys) // Go compares strings bytewise
	return keys
}

// reversed returns a reversed copy of s.
func reversed[T any](s []T) []T {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

// pausedTxn is an Update running in the background that stops between two
// steps until resumed, so a case can interleave transactions exactly.
type pausedTxn struct {
	paused chan struct{}
	resume func()
	done   chan error
}

// startPaused begins s.Update in a goroutine: its function runs before,
// signals paused, waits for resume, then runs after. resume is also
// registered as a cleanup so a failing case never leaves it blocked.
func startPaused(t testing.TB, s store.Store, before, after func(tx store.Txn) error) *pausedTxn {
	t.Helper()
	release := make(chan struct{})
	p := &pausedTxn{
		paused: make(chan struct{}),
		resume: sync.OnceFunc(func() { close(release) }),
		done:   make(chan error, 1),
	}
	signal := sync.OnceFunc(func() { close(p.paused) })
	t.Cleanup(p.resume)
	go func() {
		p.done <- s.Update(t.Context(), func(tx store.Txn) error {
			if before != nil {
				if err := before(tx); err != nil {
					return err
				}
			}
			signal()
			<-release
			if after != nil {
				return after(tx)
			}
			return nil
		})
	}()
	return p
}

// waitPaused blocks until the transaction reached its pause; it fails the
// test if the transaction ended before that.
func (p *pausedTxn) waitPaused(t testing.TB) {
	t.Helper()
	select {
	case <-p.paused:
	case err := <-p.done:
		require.FailNow(t, "transaction ended before its pause", "error: %v", err)
	}
}

// finish resumes the transaction and returns Update's result.
func (p *pausedTxn) finish() error {
	p.resume()
	return <-p.done
}

// getString is tx.Get returning a string, for assertions.
func getString(tx store.Txn, key string) (string, error) {
	v, err := tx.Get(b(key))
	return string(v), err
}

// assertGet asserts inside a transaction that key holds want.
func assertGet(t testing.TB, tx store.Txn, key, want string) bool {
	t.Helper()
	got, err := getString(tx, key)
	return assert.NoError(t, err, "Get %q", key) && assert.Equal(t, want, got, "Get %q", key)
}

// assertMissing asserts inside a transaction that key is not found.
func assertMissing(t testing.TB, tx store.Txn, key string) bool {
	t.Helper()
	_, err := tx.Get(b(key))
	return assert.ErrorIs(t, err, store.ErrNotFound, "Get %q", key)
}
