package jobqueue_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

// The load of TestOrderingAndExclusivityUnderLoad (the numbers).
const (
	loadUsers       = 200
	loadJobsPerUser = 50
	loadPushers     = 16
	loadWorkers     = 8
	loadMaxPerPush  = 4
	loadNamespace   = "load"
	loadScript      = "record"
)

// loadMark is one line of the handlers' log: an attempt of job began or
// ended.
type loadMark struct {
	user, job string
	start     bool
}

// loadLog is the handlers' log, in the one order every goroutine agrees on.
type loadLog struct {
	mu      sync.Mutex
	marks   []loadMark
	running int // handlers inside the log's start..finish
	peak    int // the most at once
}

func (l *loadLog) mark(m loadMark) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.marks = append(l.marks, m)
	if m.start {
		l.running++
		l.peak = max(l.peak, l.running)
	} else {
		l.running--
	}
}

// TestOrderingAndExclusivityUnderLoad: 200 users × 50 jobs pushed from 16
// goroutines (1..4 entries per push, the pushes of all users interleaved)
// into an auto-run namespace with 8 workers. The handlers' log shows, for
// every user, attempts that start in push order and never overlap (each
// starts after the previous one finished); every job ran exactly once and
// succeeded, and the queues are empty afterwards.
func TestOrderingAndExclusivityUnderLoad(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		const total = loadUsers * loadJobsPerUser
		e := newEnv(t, st, &jobqueue.Config{Workers: loadWorkers, EventBuffer: 2 * total})
		_, err := e.svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: loadNamespace, EnableAutoRun: true})
		require.NoError(t, err)
		var log loadLog
		require.NoError(t, e.svc.Register(loadScript, func(_ context.Context, job jobqueue.Job) (int, string, error) {
			log.mark(loadMark{user: job.UserID, job: job.Name, start: true})
			runtime.Gosched() // let other workers start while this attempt runs
			log.mark(loadMark{user: job.UserID, job: job.Name})
			return 200, "", nil
		}))
		events, stopEvents := e.svc.Subscribe(jobqueue.EventSucceeded, jobqueue.EventFailed, jobqueue.EventDead)
		defer stopEvents()
		require.NoError(t, e.svc.Start(e.ctx))

		// The pushes: each user's 50 jobs cut into pushes of 1..4 entries,
		// all users' pushes shuffled together and taken by 16 goroutines.
		// A user's pushes serialize on its mutex, so the order in which
		// they return is the order of their jobs in the queue.
		seed := rand.Uint64()
		t.Logf("seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 0))
		type push struct{ user, n int }
		var pushes []push
		for u := range loadUsers {
			for left := loadJobsPerUser; left > 0; {
				n := min(left, 1+rng.IntN(loadMaxPerPush))
				pushes = append(pushes, push{u, n})
				left -= n
			}
		}
		rng.Shuffle(len(pushes), func(i, j int) { pushes[i], pushes[j] = pushes[j], pushes[i] })

		userID := func(u int) string { return fmt.Sprintf("user-%03d", u) }
		userMu := make([]sync.Mutex, loadUsers)
		pushed := make([][]string, loadUsers) // job names per user, in push order
		work := make(chan push)
		var wg sync.WaitGroup
		for range loadPushers {
			wg.Go(func() {
				for p := range work {
					entries := make([]jobqueue.JobEntry, p.n)
					for i := range entries {
						entries[i] = jobqueue.JobEntry{ScriptID: loadScript}
					}
					userMu[p.user].Lock()
					jobs, autoRun, err := e.svc.Push(e.ctx, loadNamespace, userID(p.user), entries)
					if err == nil {
						for _, j := range jobs {
							pushed[p.user] = append(pushed[p.user], j.Name)
						}
					}
					userMu[p.user].Unlock()
					if err != nil || !autoRun {
						t.Errorf("push to %s: autoRun %v, %v", userID(p.user), autoRun, err)
					}
				}
			})
		}
		began := time.Now()
		for _, p := range pushes {
			work <- p
		}
		close(work)
		wg.Wait()
		require.False(t, t.Failed())
		pushedIn := time.Since(began)

		// Wait for every job to succeed (a guard timer, not a sleep).
		succeeded := make(map[string]int, total)
		guard := time.NewTimer(2 * time.Minute)
		defer guard.Stop()
		for len(succeeded) < total {
			select {
			case ev := <-events:
				require.Equal(t, jobqueue.EventSucceeded, ev.Kind, "%+v", ev)
				require.Zero(t, succeeded[ev.JobName], "job %s succeeded twice", ev.JobName)
				succeeded[ev.JobName]++
			case <-guard.C:
				require.FailNow(t, "timed out", "%d of %d jobs succeeded", len(succeeded), total)
			}
		}
		drainedIn := time.Since(began)
		require.NoError(t, e.svc.Stop(e.ctx))
		require.Zero(t, e.svc.Dropped(), "no event may be dropped")
		select {
		case ev := <-events:
			require.FailNow(t, "an event after the last job succeeded", "%+v", ev)
		default:
		}

		// The log, per user: start(j0) finish(j0) start(j1) finish(j1) …
		// with j0, j1, … the push order.
		log.mu.Lock()
		marks := log.marks
		peak := log.peak
		log.mu.Unlock()
		perUser := make(map[string][]loadMark, loadUsers)
		for _, m := range marks {
			perUser[m.user] = append(perUser[m.user], m)
		}
		for u := range loadUsers {
			got, want := perUser[userID(u)], pushed[u]
			require.Equal(t, loadJobsPerUser, len(want), userID(u))
			for i, name := range want {
				require.Greater(t, len(got), 2*i+1, "%s: job %d of %d never ran", userID(u), i, len(want))
				s, f := got[2*i], got[2*i+1]
				require.True(t, s.start && s.job == name,
					"%s: attempt %d must start job %s (push order), after the previous one finished; got %+v", userID(u), i, name, s)
				require.True(t, !f.start && f.job == name,
					"%s: job %s must finish before any other job of the user starts; got %+v", userID(u), name, f)
				require.Equal(t, 1, succeeded[name], "%s: job %s", userID(u), name)
			}
			require.Equal(t, 2*loadJobsPerUser, len(got), "%s: every job started and finished once", userID(u))
		}
		require.Equal(t, 2*total, len(marks), "no attempt of a job that was not pushed")

		// The store agrees: queues empty, one successful result per job.
		for u := range loadUsers {
			items, next, err := e.svc.DescribeJobs(e.ctx, loadNamespace, userID(u), "", 0)
			require.NoError(t, err)
			require.Empty(t, items, userID(u))
			require.Empty(t, next)
			for _, name := range pushed[u] {
				r, err := e.svc.GetJobResult(e.ctx, loadNamespace, userID(u), name, nil)
				require.NoError(t, err, name)
				require.Equal(t, 0, r.TryNumber, name)
				require.Equal(t, 200, r.StatusCode, name)
			}
		}
		t.Logf("%d jobs: pushed in %v, all succeeded after %v; at most %d handlers at once",
			total, pushedIn.Round(time.Millisecond), drainedIn.Round(time.Millisecond), peak)
	})
}
