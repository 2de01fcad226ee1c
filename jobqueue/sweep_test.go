package jobqueue_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

// downHandler fails with a retryable status.
func downHandler(context.Context, jobqueue.Job) (int, string, error) { return 503, "down", nil }

// runAll runs user's queue in ns until it is empty and returns the number
// of attempts.
func runAll(t *testing.T, e *env, ns, user string) int {
	t.Helper()
	n := 0
	for {
		r, err := e.svc.Run(e.ctx, ns, user)
		require.NoError(t, err)
		if r.Job == nil {
			return n
		}
		n++
	}
}

// expireKeys counts the retention index entries in the store.
func expireKeys(t *testing.T, st store.Store) int {
	t.Helper()
	n := 0
	for k := range dump(t, st) {
		if strings.HasPrefix(k, `("queue", "expire"`) {
			n++
		}
	}
	return n
}

// TestSweepResults: SweepResults deletes exactly the results whose tryAt
// is at least ResultRetention old, in several batches, keeps the younger
// ones, and leaves the dead letters' copies of their results alone.
func TestSweepResults(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, &jobqueue.Config{ResultRetention: time.Hour})
		register(t, e.svc, "down", downHandler)
		register(t, e.svc, "ok", okHandler)
		const users, tries = 3, 100 // 300 results: more than one sweep batch
		for u := range users {
			push(t, e, manual, fmt.Sprint("old-", u), jobqueue.JobEntry{ScriptID: "down", MaxTryCount: tries})
			require.Equal(t, tries, runAll(t, e, manual, fmt.Sprint("old-", u)))
		}
		e.clk.Add(30 * time.Minute)
		young := push(t, e, manual, "young", jobqueue.JobEntry{ScriptID: "ok"})[0]
		require.Equal(t, 1, runAll(t, e, manual, "young"))
		require.Equal(t, users*tries+1, expireKeys(t, st))

		e.clk.Add(30*time.Minute - time.Millisecond)
		n, err := e.svc.SweepResults(e.ctx)
		require.NoError(t, err)
		require.Zero(t, n, "the oldest results are 1ms short of the retention")

		e.clk.Add(time.Millisecond)
		n, err = e.svc.SweepResults(e.ctx)
		require.NoError(t, err)
		require.Equal(t, users*tries, n)
		for u := range users {
			s := peek(t, e.svc, manual, fmt.Sprint("old-", u))
			require.Empty(t, s.Results, "expired")
			require.Zero(t, s.ExpireKeys)
			require.Len(t, s.Dead, 1)
			require.Len(t, s.Dead[0].Results, tries, "a dead letter keeps its copy of every result")
		}
		s := peek(t, e.svc, manual, "young")
		require.Len(t, s.Results[young.Name], 1, "younger than the retention")
		require.Equal(t, 1, s.ExpireKeys)

		e.clk.Add(30 * time.Minute)
		n, err = e.svc.SweepResults(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Empty(t, peek(t, e.svc, manual, "young").Results)
		n, err = e.svc.SweepResults(e.ctx)
		require.NoError(t, err)
		require.Zero(t, n, "nothing left")
		require.Zero(t, expireKeys(t, st))
	})
}

// TestSweepKeepsAllWithNegativeRetention: a negative ResultRetention keeps
// every result forever: no index, no background sweep, SweepResults
// deletes nothing.
func TestSweepKeepsAllWithNegativeRetention(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, &jobqueue.Config{ResultRetention: -1})
		register(t, e.svc, "ok", okHandler)
		job := push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "ok"})[0]
		runAll(t, e, manual, "u")
		require.NoError(t, e.svc.Start(e.ctx))
		require.Zero(t, e.clk.Waiters(), "no sweep ticker")

		e.clk.Add(10 * 365 * 24 * time.Hour)
		n, err := e.svc.SweepResults(e.ctx)
		require.NoError(t, err)
		require.Zero(t, n)
		require.Len(t, peek(t, e.svc, manual, "u").Results[job.Name], 1)
		require.Zero(t, expireKeys(t, st))
	})
}

// TestBackgroundSweep: after Start, the sweep runs every GCInterval of the
// service clock and deletes the results that expired; Stop ends it.
func TestBackgroundSweep(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		type pass struct {
			n   int
			err error
		}
		swept := make(chan pass, 10)
		e := newEnv(t, st, &jobqueue.Config{ResultRetention: 30 * time.Minute, GCInterval: 10 * time.Minute})
		jobqueue.SetSweptHook(e.svc, func(n int, err error) { swept <- pass{n, err} })
		register(t, e.svc, "ok", okHandler)
		old := push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "ok"})[0]
		runAll(t, e, manual, "u")
		require.NoError(t, e.svc.Start(e.ctx))

		blockUntil(t, e.clk, 1) // the sweep's ticker
		e.clk.Add(10 * time.Minute)
		require.Equal(t, pass{0, nil}, recv(t, swept))
		young := push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "ok"})[0]
		runAll(t, e, manual, "u")
		e.clk.Add(10 * time.Minute)
		require.Equal(t, pass{0, nil}, recv(t, swept))
		e.clk.Add(10 * time.Minute)
		require.Equal(t, pass{1, nil}, recv(t, swept), "the first result is 30 minutes old")
		s := peek(t, e.svc, manual, "u")
		require.NotContains(t, s.Results, old.Name)
		require.Contains(t, s.Results, young.Name)

		require.NoError(t, e.svc.Stop(e.ctx))
		require.Zero(t, e.clk.Waiters(), "the ticker is stopped")
		e.clk.Add(time.Hour)
		select {
		case p := <-swept:
			t.Fatalf("a sweep ran after Stop: %+v", p)
		default:
		}
		require.Contains(t, peek(t, e.svc, manual, "u").Results, young.Name)
	})
}

// TestSweepAfterNamespaceDeleted: the retention index entries of a deleted
// namespace's results (which went with it) are dropped by the sweep
// without error.
func TestSweepAfterNamespaceDeleted(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, &jobqueue.Config{ResultRetention: time.Hour})
		register(t, e.svc, "down", downHandler)
		push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "down", MaxTryCount: 2})
		require.Equal(t, 2, runAll(t, e, manual, "u"))
		_, err := e.svc.DeleteNamespace(e.ctx, manual)
		require.NoError(t, err)
		require.Equal(t, 2, expireKeys(t, st))

		e.clk.Add(time.Hour)
		n, err := e.svc.SweepResults(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		require.Zero(t, expireKeys(t, st))
	})
}
