package jobqueue_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

// runLog records handler calls: the order of each user's jobs and whether
// two jobs of a user, or more than the allowed number overall, ran at once.
type runLog struct {
	mu       sync.Mutex
	order    map[string][]string // user -> job args, in start order
	active   map[string]int
	total    int
	maxTotal int
	overlaps int
}

func newRunLog() *runLog {
	return &runLog{order: map[string][]string{}, active: map[string]int{}}
}

func (l *runLog) handler(_ context.Context, j jobqueue.Job) (int, string, error) {
	l.mu.Lock()
	l.order[j.UserID] = append(l.order[j.UserID], j.Args)
	l.active[j.UserID]++
	if l.active[j.UserID] > 1 {
		l.overlaps++
	}
	l.total++
	l.maxTotal = max(l.maxTotal, l.total)
	l.mu.Unlock()
	runtime.Gosched() // give an overlapping job a chance to show

	l.mu.Lock()
	l.active[j.UserID]--
	l.total--
	l.mu.Unlock()
	return 200, "", nil
}

// waitKind receives events until n of kind arrived (any user) and returns
// every event received.
func waitKind(t *testing.T, ch <-chan jobqueue.Event, kind jobqueue.EventKind, n int) []jobqueue.Event {
	t.Helper()
	var got []jobqueue.Event
	for n > 0 {
		ev := recv(t, ch)
		got = append(got, ev)
		if ev.Kind == kind {
			n--
		}
	}
	return got
}

// waitEvent receives events until one of kind for user arrives and returns
// every event received.
func waitEvent(t *testing.T, ch <-chan jobqueue.Event, kind jobqueue.EventKind, user string) []jobqueue.Event {
	t.Helper()
	var got []jobqueue.Event
	for {
		ev := recv(t, ch)
		got = append(got, ev)
		if ev.Kind == kind && ev.UserID == user {
			return got
		}
	}
}

// TestAutoRunOrderPerUser: jobs of one user run in push order (across
// pushes and the pushes of other users), never two at once, each once;
// several workers share the users.
func TestAutoRunOrderPerUser(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, &jobqueue.Config{Workers: 4})
		l := newRunLog()
		register(t, e.svc, "log", l.handler)
		done, cancel := e.svc.Subscribe(jobqueue.EventSucceeded)
		defer cancel()
		require.NoError(t, e.svc.Start(e.ctx))

		const users, perUser = 6, 12
		want := map[string][]string{}
		for round := range perUser / 3 {
			for u := range users {
				user := fmt.Sprint("u", u)
				var entries []jobqueue.JobEntry
				for k := range 1 + (u+round)%3 { // pushes of 1..3 jobs
					entries = append(entries, jobqueue.JobEntry{ScriptID: "log", Args: fmt.Sprint(round, ".", k)})
				}
				_, autoRun, err := e.svc.Push(e.ctx, auto, user, entries)
				require.NoError(t, err)
				require.True(t, autoRun)
				for _, en := range entries {
					want[user] = append(want[user], en.Args)
				}
			}
		}
		total := 0
		for _, w := range want {
			total += len(w)
		}
		waitKind(t, done, jobqueue.EventSucceeded, total)
		require.NoError(t, e.svc.Stop(e.ctx))

		l.mu.Lock()
		defer l.mu.Unlock()
		require.Equal(t, want, l.order, "each user's jobs ran once each, in push order")
		require.Zero(t, l.overlaps, "a user's jobs never overlap")
		for u := range users {
			require.Empty(t, peek(t, e.svc, auto, fmt.Sprint("u", u)).Jobs)
		}
	})
}

// TestAutoRunUsersInParallel: with two workers, two users' handlers run at
// the same time: each blocks until both have started.
func TestAutoRunUsersInParallel(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, &jobqueue.Config{Workers: 2})
		arrived, bothIn := make(chan string, 2), make(chan struct{})
		var once sync.Once
		letGo := func() { once.Do(func() { close(bothIn) }) }
		t.Cleanup(letGo) // before Stop, should the test fail
		register(t, e.svc, "meet", func(_ context.Context, j jobqueue.Job) (int, string, error) {
			arrived <- j.UserID
			<-bothIn
			return 200, "", nil
		})
		done, cancel := e.svc.Subscribe(jobqueue.EventSucceeded)
		defer cancel()
		require.NoError(t, e.svc.Start(e.ctx))
		push(t, e, auto, "a", jobqueue.JobEntry{ScriptID: "meet"})
		push(t, e, auto, "b", jobqueue.JobEntry{ScriptID: "meet"})
		require.ElementsMatch(t, []string{"a", "b"}, []string{recv(t, arrived), recv(t, arrived)},
			"both handlers are in at once")
		letGo()
		waitKind(t, done, jobqueue.EventSucceeded, 2)
	})
}

// TestAutoRunWorkersCap: with one worker, handlers never overlap, whatever
// the number of users.
func TestAutoRunWorkersCap(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, &jobqueue.Config{Workers: 1})
		l := newRunLog()
		register(t, e.svc, "log", l.handler)
		done, cancel := e.svc.Subscribe(jobqueue.EventSucceeded)
		defer cancel()
		for u := range 4 {
			push(t, e, auto, fmt.Sprint("u", u), jobqueue.JobEntry{ScriptID: "log"}, jobqueue.JobEntry{ScriptID: "log"})
		}
		require.NoError(t, e.svc.Start(e.ctx))
		waitKind(t, done, jobqueue.EventSucceeded, 8)
		l.mu.Lock()
		defer l.mu.Unlock()
		require.Equal(t, 1, l.maxTotal, "one worker runs one job at a time")
	})
}

// TestAutoRunBackoff: a retried job waits Config.Backoff on the clock —
// its retry starts only once the clock reaches notBefore — and while it
// waits it holds no worker: another user's jobs run on the only worker.
func TestAutoRunBackoff(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		var backoffTries []int
		var mu sync.Mutex
		e := newEnv(t, st, &jobqueue.Config{Workers: 1, ResultRetention: -1, // no sweep ticker among the waiters
			Backoff: func(try int) time.Duration {
				mu.Lock()
				backoffTries = append(backoffTries, try)
				mu.Unlock()
				return time.Duration(try+1) * time.Minute
			}})
		tries := 0
		register(t, e.svc, "flaky", func(context.Context, jobqueue.Job) (int, string, error) {
			if tries++; tries < 3 {
				return 503, "", nil
			}
			return 200, "", nil
		})
		register(t, e.svc, "ok", okHandler)
		events, cancel := e.svc.Subscribe()
		defer cancel()
		require.NoError(t, e.svc.Start(e.ctx))

		job := push(t, e, auto, "a", jobqueue.JobEntry{ScriptID: "flaky"})[0]
		waitEvent(t, events, jobqueue.EventFailed, "a")
		blockUntil(t, e.clk, 1) // the backoff timer of a is armed
		s := peek(t, e.svc, auto, "a")
		require.Equal(t, 1, s.Jobs[0].CurrentRetryCount)
		require.Equal(t, at(time.Minute), s.Jobs[0].NotBefore)

		// The only worker is free for b while a waits.
		push(t, e, auto, "b", jobqueue.JobEntry{ScriptID: "ok"}, jobqueue.JobEntry{ScriptID: "ok"})
		got := waitEvent(t, events, jobqueue.EventSucceeded, "b")
		got = append(got, waitEvent(t, events, jobqueue.EventSucceeded, "b")...)

		// Not yet: one millisecond before notBefore.
		e.clk.Add(time.Minute - time.Millisecond)
		require.Equal(t, 1, e.clk.Waiters(), "a's timer is still armed")
		push(t, e, auto, "b", jobqueue.JobEntry{ScriptID: "ok"})
		got = append(got, waitEvent(t, events, jobqueue.EventSucceeded, "b")...)
		for _, ev := range got {
			require.NotEqual(t, "a", ev.UserID, "a's retry ran before its backoff ended: %+v", ev)
		}

		e.clk.Add(time.Millisecond)
		got = waitEvent(t, events, jobqueue.EventFailed, "a")
		require.Equal(t, jobqueue.Event{Kind: jobqueue.EventStarted, Namespace: auto, UserID: "a", JobName: job.Name,
			TryNumber: 1, At: at(time.Minute)}, got[0], "the retry starts at notBefore")
		blockUntil(t, e.clk, 1)
		require.Equal(t, at(3*time.Minute), peek(t, e.svc, auto, "a").Jobs[0].NotBefore, "2 minutes after try 1")

		e.clk.Add(2 * time.Minute)
		got = waitEvent(t, events, jobqueue.EventSucceeded, "a")
		require.Equal(t, jobqueue.EventStarted, got[0].Kind)
		require.Equal(t, at(3*time.Minute), got[0].At)
		require.Equal(t, 2, got[1].TryNumber)
		require.Empty(t, peek(t, e.svc, auto, "a").Jobs)
		mu.Lock()
		defer mu.Unlock()
		require.Equal(t, []int{0, 1}, backoffTries, "Backoff gets the failed try's number")
	})
}

// TestAutoRunToggledByUpdateNamespace: turning EnableAutoRun on runs the
// jobs already queued in the namespace; turning it off lets the running
// job finish and starts no other.
func TestAutoRunToggledByUpdateNamespace(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, &jobqueue.Config{Workers: 1})
		const ns = "late"
		_, err := e.svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: ns})
		require.NoError(t, err)
		b := newBlocker(t, "", false)
		register(t, e.svc, "ok", okHandler)
		register(t, e.svc, "block", b.handler)
		events, cancel := e.svc.Subscribe(jobqueue.EventStarted, jobqueue.EventSucceeded)
		defer cancel()
		require.NoError(t, e.svc.Start(e.ctx))
		setAuto := func(on bool) {
			_, err := e.svc.UpdateNamespace(e.ctx, jobqueue.UpdateNamespaceInput{NamespaceName: ns, EnableAutoRun: on})
			require.NoError(t, err)
		}

		_, autoRun, err := e.svc.Push(e.ctx, ns, "p", []jobqueue.JobEntry{{ScriptID: "ok"}, {ScriptID: "ok"}})
		require.NoError(t, err)
		require.False(t, autoRun)
		push(t, e, ns, "q", jobqueue.JobEntry{ScriptID: "ok"})
		setAuto(true)
		waitKind(t, events, jobqueue.EventSucceeded, 3)
		require.Empty(t, peek(t, e.svc, ns, "p").Jobs)
		require.Empty(t, peek(t, e.svc, ns, "q").Jobs)

		// x's job holds the only worker; u's waits behind it.
		push(t, e, ns, "x", jobqueue.JobEntry{ScriptID: "block"})
		recv(t, b.started)
		waitKind(t, events, jobqueue.EventStarted, 1)
		waiting := push(t, e, ns, "u", jobqueue.JobEntry{ScriptID: "ok"})
		setAuto(false)
		b.free()
		require.Equal(t, "x", waitKind(t, events, jobqueue.EventSucceeded, 1)[0].UserID, "the running job finishes")
		// u was queued for the worker before w: once w's job is done, the
		// worker has had its turn at u.
		push(t, e, auto, "w", jobqueue.JobEntry{ScriptID: "ok"})
		got := waitEvent(t, events, jobqueue.EventSucceeded, "w")
		require.Len(t, got, 2, "only w started and succeeded: %+v", got)
		s := peek(t, e.svc, ns, "u")
		require.Equal(t, waiting, s.Jobs, "u's job did not start")
		require.Empty(t, s.Results)

		r, err := e.svc.Run(e.ctx, ns, "u")
		require.NoError(t, err, "the namespace is manual again")
		require.Equal(t, waiting[0].Name, r.Job.Name)
	})
}

// TestAutoRunStartPicksUpQueued: Start runs the jobs pushed before it, and
// a new service on the store runs those pushed (or switched to auto-run)
// while the old one was stopped.
func TestAutoRunStartPicksUpQueued(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		l := newRunLog()
		register(t, e.svc, "log", l.handler)
		done, cancel := e.svc.Subscribe(jobqueue.EventSucceeded)
		defer cancel()
		push(t, e, auto, "u", jobqueue.JobEntry{ScriptID: "log", Args: "1"}, jobqueue.JobEntry{ScriptID: "log", Args: "2"})
		require.Len(t, peek(t, e.svc, auto, "u").Jobs, 2, "nothing runs before Start")
		require.NoError(t, e.svc.Start(e.ctx))
		waitKind(t, done, jobqueue.EventSucceeded, 2)
		require.NoError(t, e.svc.Stop(e.ctx))

		// Stopped: pushes are accepted and wait for the next service.
		_, err := e.svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: "late"})
		require.NoError(t, err)
		push(t, e, auto, "v", jobqueue.JobEntry{ScriptID: "log", Args: "3"})
		push(t, e, "late", "w", jobqueue.JobEntry{ScriptID: "log", Args: "4"})
		_, err = e.svc.UpdateNamespace(e.ctx, jobqueue.UpdateNamespaceInput{NamespaceName: "late", EnableAutoRun: true})
		require.NoError(t, err)
		require.Len(t, peek(t, e.svc, auto, "v").Jobs, 1)

		next, err := jobqueue.New(st, &jobqueue.Config{Clock: e.clk})
		require.NoError(t, err)
		register(t, next, "log", l.handler)
		done2, cancel2 := next.Subscribe(jobqueue.EventSucceeded)
		defer cancel2()
		require.NoError(t, next.Start(e.ctx))
		defer func() { require.NoError(t, next.Stop(e.ctx)) }()
		waitKind(t, done2, jobqueue.EventSucceeded, 2)
		require.Empty(t, peek(t, next, auto, "v").Jobs)
		require.Empty(t, peek(t, next, "late", "w").Jobs)
		l.mu.Lock()
		defer l.mu.Unlock()
		require.Equal(t, map[string][]string{"u": {"1", "2"}, "v": {"3"}, "w": {"4"}}, l.order)
	})
}
