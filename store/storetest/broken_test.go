package storetest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/memstore"
	"github.com/hearth-go/hearth/store/storetest"
	"github.com/stretchr/testify/require"
)

// These tests prove the suite bites: it must fail on backends that break
// the contract. A failing subtest cannot be observed in-process, so the
// parent test re-runs this test binary with HEARTH_BROKEN_BACKEND naming a
// broken wrapper around memstore, and checks which cases the child reports
// as failed.

// brokenEnv names the broken backend TestBrokenBackendChild runs the suite on.
const brokenEnv = "HEARTH_BROKEN_BACKEND"

// brokenBackends are test-only wrappers around memstore, each breaking one
// promise of the store contract.
var brokenBackends = map[string]func(store.Store) store.Store{
	"no-conflict-detection": func(s store.Store) store.Store { return swallowConflicts{s} },
	"read-committed-view":   func(s store.Store) store.Store { return readCommittedView{s} },
}

// swallowConflicts is a backend without conflict detection: an Update that
// conflicted reports success although nothing was written.
type swallowConflicts struct{ store.Store }

func (s swallowConflicts) Update(ctx context.Context, fn func(store.Txn) error) error {
	err := s.Store.Update(ctx, fn)
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	return err
}

// readCommittedView is a backend whose View has no snapshot: every Get and
// Scan reads the latest committed state.
type readCommittedView struct{ store.Store }

func (s readCommittedView) View(ctx context.Context, fn func(store.Txn) error) error {
	return fn(liveTxn{ctx, s.Store})
}

// liveTxn reads through a fresh View per call.
type liveTxn struct {
	ctx context.Context
	s   store.Store
}

func (l liveTxn) Get(key []byte) (v []byte, err error) {
	err = l.s.View(l.ctx, func(tx store.Txn) error {
		v, err = tx.Get(key)
		return err
	})
	return v, err
}

func (liveTxn) Set(_, _ []byte) error { return store.ErrReadOnly }
func (liveTxn) Delete([]byte) error   { return store.ErrReadOnly }

func (l liveTxn) Scan(prefix []byte, opts store.ScanOptions, fn func(k, v []byte) bool) error {
	return l.s.View(l.ctx, func(tx store.Txn) error { return tx.Scan(prefix, opts, fn) })
}

// TestBrokenBackendChild runs the suite on the broken backend named by
// HEARTH_BROKEN_BACKEND; without it (a normal test run) it does nothing.
func TestBrokenBackendChild(t *testing.T) {
	name := os.Getenv(brokenEnv)
	if name == "" {
		return
	}
	wrap, ok := brokenBackends[name]
	require.True(t, ok, "unknown broken backend %q", name)
	storetest.Run(t, func(tb testing.TB) store.Store {
		s := memstore.New(nil)
		tb.Cleanup(func() { _ = s.Close() })
		return wrap(s)
	})
}

// runBrokenChild runs the suite's groups matching groups on the named broken
// backend in a child process, requires that it failed, and returns its
// verbose output.
func runBrokenChild(t *testing.T, backend, groups string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0],
		"-test.run=^TestBrokenBackendChild$/^("+groups+")$",
		"-test.v", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), brokenEnv+"="+backend)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the suite passed on broken backend %q:\n%s", backend, out)
	return string(out)
}

// requireResult asserts that the child reported result ("PASS" or "FAIL")
// for the named case.
func requireResult(t *testing.T, out, result, name string) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^\s*--- ` + result + `: TestBrokenBackendChild/` + regexp.QuoteMeta(name) + ` \(`)
	require.Regexp(t, re, out, "case %s should %s", name, result)
}

func TestSuiteCatchesMissingConflictDetection(t *testing.T) {
	t.Parallel()
	out := runBrokenChild(t, "no-conflict-detection", "CRUD|Conflict|Isolation|Concurrency")
	for _, name := range []string{
		"Conflict/ReadWriteOrdered",
		"Conflict/ReadWriteRace",
		"Conflict/ReadMissingKey",
		"Conflict/ReadDeletedKey",
		"Conflict/ScanVisitedKey",
		"Conflict/ReverseScanVisitedKey",
		"Isolation/UpdateSnapshot",
		"Concurrency/Counter",
		"Concurrency/BankHistory",
	} {
		requireResult(t, out, "FAIL", name)
	}
	// Cases the wrapper does not break still pass: the failures are the
	// suite's verdict, not a crash of the child.
	for _, name := range []string{
		"CRUD/RoundTrip",
		"CRUD/ReadYourOwnWrites",
		"Conflict/DisjointKeys",
		"Conflict/BlindWrites",
		"Isolation/ViewSnapshot",
	} {
		requireResult(t, out, "PASS", name)
	}
}

func TestSuiteCatchesViewWithoutSnapshot(t *testing.T) {
	t.Parallel()
	out := runBrokenChild(t, "read-committed-view", "CRUD|Isolation")
	for _, name := range []string{
		"Isolation/ViewSnapshot",
		"Isolation/ViewSnapshotFromBegin",
	} {
		requireResult(t, out, "FAIL", name)
	}
	for _, name := range []string{
		"CRUD/RoundTrip",
		"Isolation/UpdateSnapshot",
	} {
		requireResult(t, out, "PASS", name)
	}
}
