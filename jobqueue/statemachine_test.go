package jobqueue_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

// step is what a scripted handler does on one attempt.
type step struct {
	status int
	result string
	err    error
	panic  any
}

// attemptWant is the result an attempt must record.
type attemptWant struct {
	status int
	result string
}

func fail(status int, result string) step { return step{status: status, result: result} }

func repeat[T any](n int, v T) []T { return slices.Repeat([]T{v}, n) }

// TestRunStateMachine drives one job per case through Run, attempt by
// attempt, and checks after each one the JobResult returned and stored,
// the job's retry count, the queue, the dead letter and the events: the
// retry rules of SEMANTICS.md (5xx, 408 and 429 are retried while tries
// remain; anything else that is not 2xx dies at once).
func TestRunStateMachine(t *testing.T) {
	t.Parallel()
	const invalid = "handler returned invalid status code"
	cases := []struct {
		name   string
		maxTry int    // as pushed; 0 means the default, 3
		script []step // nil: the job names a script that is not registered
		want   []attemptWant
		dead   bool
	}{
		{name: "1 try, 500 dies", maxTry: 1, script: []step{fail(500, "oops")},
			want: []attemptWant{{500, "oops"}}, dead: true},
		{name: "3 tries, 500 500 200 succeeds", maxTry: 3,
			script: []step{fail(500, "a"), fail(502, "b"), fail(200, "granted")},
			want:   []attemptWant{{500, "a"}, {502, "b"}, {200, "granted"}}},
		{name: "3 tries, 500 three times dies", maxTry: 3, script: repeat(3, fail(500, "down")),
			want: repeat(3, attemptWant{500, "down"}), dead: true},
		{name: "default maxTryCount is 3", maxTry: 0, script: repeat(3, fail(503, "busy")),
			want: repeat(3, attemptWant{503, "busy"}), dead: true},
		{name: "100 tries, 503 every time dies", maxTry: 100, script: repeat(100, fail(503, "busy")),
			want: repeat(100, attemptWant{503, "busy"}), dead: true},
		{name: "100 tries, succeeds on the last", maxTry: 100,
			script: append(repeat(99, fail(503, "busy")), fail(200, "ok")),
			want:   append(repeat(99, attemptWant{503, "busy"}), attemptWant{200, "ok"})},
		{name: "429 and 408 are retried", maxTry: 3,
			script: []step{fail(429, "slow down"), fail(408, "timeout"), fail(204, "")},
			want:   []attemptWant{{429, "slow down"}, {408, "timeout"}, {204, ""}}},
		{name: "400 dies at once", maxTry: 100, script: []step{fail(400, "bad args")},
			want: []attemptWant{{400, "bad args"}}, dead: true},
		{name: "404 from the handler dies at once", maxTry: 3, script: []step{fail(404, "no such item")},
			want: []attemptWant{{404, "no such item"}}, dead: true},
		{name: "unregistered script is a 404 and dies", maxTry: 3, script: nil,
			want: []attemptWant{{404, `script "missing" is not registered`}}, dead: true},
		{name: "302 is neither success nor retryable", maxTry: 3, script: []step{fail(302, "moved")},
			want: []attemptWant{{302, "moved"}}, dead: true},
		{name: "retried then fatal dies with tries left", maxTry: 100,
			script: []step{fail(500, "a"), fail(409, "taken")},
			want:   []attemptWant{{500, "a"}, {409, "taken"}}, dead: true},
		{name: "panic is a retried 500", maxTry: 3,
			script: []step{{panic: "boom"}, {panic: errors.New("nil map")}, fail(201, "created")},
			want:   []attemptWant{{500, "panic: boom"}, {500, "panic: nil map"}, {201, "created"}}},
		{name: "panic on the only try dies", maxTry: 1, script: []step{{panic: 42}},
			want: []attemptWant{{500, "panic: 42"}}, dead: true},
		{name: "error is a 500 with its text", maxTry: 3,
			script: []step{{result: "ignored", err: errors.New("db down")}, fail(200, "ok")},
			want:   []attemptWant{{500, "db down"}, {200, "ok"}}},
		{name: "error with a 2xx status is a 500", maxTry: 2,
			script: []step{{status: 200, result: "x", err: errors.New("late")}, fail(200, "ok")},
			want:   []attemptWant{{500, "late"}, {200, "ok"}}},
		{name: "error keeps a failure status", maxTry: 3,
			script: []step{{status: 503, err: errors.New("busy")}, {status: 403, err: errors.New("banned")}},
			want:   []attemptWant{{503, "busy"}, {403, "banned"}}, dead: true},
		{name: "status 0 is 200", maxTry: 1, script: []step{fail(0, "done")},
			want: []attemptWant{{200, "done"}}},
		{name: "invalid status is a retried 500", maxTry: 3,
			script: []step{fail(1200, "x"), fail(99, "y"), fail(200, "ok")},
			want:   []attemptWant{{500, invalid + " 1200: x"}, {500, invalid + " 99: y"}, {200, "ok"}}},
	}
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				user := fmt.Sprint("user-", i)
				script := "missing"
				var seen []jobqueue.Job
				if c.script != nil {
					script = fmt.Sprint("script-", i)
					next := 0
					register(t, e.svc, script, func(_ context.Context, j jobqueue.Job) (int, string, error) {
						seen = append(seen, j)
						s := c.script[next]
						next++
						if s.panic != nil {
							panic(s.panic)
						}
						return s.status, s.result, s.err
					})
				}
				effMax := cmp.Or(c.maxTry, 3)
				events, stop := e.svc.Subscribe()
				defer stop()

				args := fmt.Sprintf(`{"case":%d}`, i)
				pushedAt := clock.Millis(e.clk.Now())
				job := push(t, e, manual, user, jobqueue.JobEntry{ScriptID: script, Args: args, MaxTryCount: c.maxTry})[0]
				require.Equal(t, effMax, job.MaxTryCount)
				var bodies []jobqueue.JobResultBody
				last := len(c.want) - 1
				for k, w := range c.want {
					e.clk.Add(time.Second)
					tryAt := clock.Millis(e.clk.Now())
					r, err := e.svc.Run(e.ctx, manual, user)
					require.NoError(t, err, "attempt %d", k)
					body := jobqueue.JobResultBody{TryNumber: k, StatusCode: w.status, Result: w.result, TryAt: tryAt}
					bodies = append(bodies, body)
					require.NotNil(t, r.Job, "attempt %d", k)
					require.Equal(t, job.Name, r.Job.Name)
					require.Equal(t, job.JobID, r.Job.JobID)
					require.Equal(t, k, r.Job.CurrentRetryCount, "the job as run carries its try number")
					require.Equal(t, &body, r.Result, "attempt %d", k)
					require.Equal(t, k == last, r.IsLastJob, "attempt %d", k)
					if c.script != nil {
						require.Len(t, seen, k+1)
						require.Equal(t, *r.Job, seen[k], "the handler gets the job as run")
					}

					s := peek(t, e.svc, manual, user)
					require.Empty(t, s.Running, "no attempt left running")
					var results []jobqueue.JobResult
					for _, b := range bodies {
						results = append(results, jobqueue.JobResult{
							JobResultID: fmt.Sprint(job.JobID, ":jobResult:", b.TryNumber), JobID: job.JobID,
							ScriptID: script, Args: args, TryNumber: b.TryNumber, StatusCode: b.StatusCode,
							Result: b.Result, TryAt: b.TryAt,
						})
					}
					require.Equal(t, results, s.Results[job.Name], "every attempt recorded, attempt %d", k)
					if k < last {
						queued := job
						queued.CurrentRetryCount, queued.UpdatedAt = k+1, tryAt
						require.Equal(t, []jobqueue.Job{queued}, s.Jobs, "retried at the head, attempt %d", k)
						require.Empty(t, s.Dead)
						continue
					}
					require.Empty(t, s.Jobs, "the job left the queue")
					if !c.dead {
						require.Empty(t, s.Dead)
						continue
					}
					require.Equal(t, []jobqueue.DeadLetterJob{{
						DeadLetterJobID: fmt.Sprintf("grn:gs2:local:hearth:queue:%s:user:%s:dead:%s", manual, user, job.Name),
						Name:            job.Name, UserID: user, ScriptID: script, Args: args, MaxTryCount: effMax,
						Results: bodies, CreatedAt: pushedAt, DeadAt: tryAt,
					}}, s.Dead)
				}

				r, err := e.svc.Run(e.ctx, manual, user)
				require.NoError(t, err)
				require.Equal(t, &jobqueue.RunResult{IsLastJob: true}, r, "nothing left to run")

				// Events: pushed, then started and its outcome per attempt.
				stop()
				var got []string
				for ev := range events {
					require.Equal(t, user, ev.UserID)
					require.Equal(t, job.Name, ev.JobName)
					got = append(got, fmt.Sprint(ev.Kind, " ", ev.TryNumber, " ", ev.StatusCode))
				}
				want := []string{"pushed 0 0"}
				for k, w := range c.want {
					outcome := jobqueue.EventFailed
					switch {
					case k == last && c.dead:
						outcome = jobqueue.EventDead
					case k == last:
						outcome = jobqueue.EventSucceeded
					}
					want = append(want, fmt.Sprint("started ", k, " 0"), fmt.Sprint(outcome, " ", k, " ", w.status))
				}
				require.Equal(t, want, got)
			})
		}
	})
}

// TestRunConflictWhileRunning: while a Run of a user is in its handler,
// another Run of that user fails with ErrConflict and changes nothing;
// other users run meanwhile, and pushes are accepted.
func TestRunConflictWhileRunning(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		started, release := make(chan jobqueue.Job, 1), make(chan struct{})
		register(t, e.svc, "block", func(_ context.Context, j jobqueue.Job) (int, string, error) {
			started <- j
			<-release
			return 200, "done", nil
		})
		register(t, e.svc, "ok", okHandler)
		first := push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "block"})[0]
		push(t, e, manual, "v", jobqueue.JobEntry{ScriptID: "ok"})

		type runReturn struct {
			r   *jobqueue.RunResult
			err error
		}
		done := make(chan runReturn, 1)
		go func() {
			r, err := e.svc.Run(e.ctx, manual, "u")
			done <- runReturn{r, err}
		}()
		require.Equal(t, first.Name, recv(t, started).Name)

		var err error
		unchanged(t, st, func() { _, err = e.svc.Run(e.ctx, manual, "u") })
		require.ErrorIs(t, err, jobqueue.ErrConflict)

		r, err := e.svc.Run(e.ctx, manual, "v")
		require.NoError(t, err, "another user is not blocked")
		require.Equal(t, 200, r.Result.StatusCode)

		second := push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "ok"})[0]
		s := peek(t, e.svc, manual, "u")
		require.Equal(t, first.Name, s.Running)
		require.Equal(t, []string{first.Name, second.Name}, names(s.Jobs))
		_, err = e.svc.Run(e.ctx, manual, "u")
		require.ErrorIs(t, err, jobqueue.ErrConflict, "still running after a push")

		close(release)
		got := recv(t, done)
		require.NoError(t, got.err)
		require.Equal(t, first.Name, got.r.Job.Name)
		require.Equal(t, 200, got.r.Result.StatusCode)
		require.False(t, got.r.IsLastJob, "the job pushed meanwhile remains")

		r, err = e.svc.Run(e.ctx, manual, "u")
		require.NoError(t, err)
		require.Equal(t, second.Name, r.Job.Name)
		require.True(t, r.IsLastJob)
	})
}

// TestRunWithoutJob: Run on an empty queue and on an auto-run namespace
// returns no job and IsLastJob true and changes nothing; on a missing
// namespace it is ErrNotFound.
func TestRunWithoutJob(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil) // not started: nothing runs auto's jobs
		register(t, e.svc, "ok", okHandler)
		queued := push(t, e, auto, "u", jobqueue.JobEntry{ScriptID: "ok"})
		before := len(e.notifier.all())

		for _, ns := range []string{manual, auto} {
			var r *jobqueue.RunResult
			var err error
			unchanged(t, st, func() { r, err = e.svc.Run(e.ctx, ns, "u") })
			require.NoError(t, err, ns)
			require.Equal(t, &jobqueue.RunResult{IsLastJob: true}, r, ns)
		}
		require.Equal(t, queued, peek(t, e.svc, auto, "u").Jobs, "the auto-run job is left to the workers")
		require.Len(t, e.notifier.all(), before, "no run notification")

		var err error
		unchanged(t, st, func() { _, err = e.svc.Run(e.ctx, "nowhere", "u") })
		require.ErrorIs(t, err, jobqueue.ErrNotFound)
	})
}

// TestRunFIFOAndIsLastJob: Run takes the head, in push order across
// pushes; a retried job stays at the head; IsLastJob is true exactly when
// the queue is empty after the run.
func TestRunFIFOAndIsLastJob(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		var order []string
		flaky := 0
		register(t, e.svc, "ok", func(_ context.Context, j jobqueue.Job) (int, string, error) {
			order = append(order, j.Args)
			return 200, "", nil
		})
		register(t, e.svc, "flaky", func(_ context.Context, j jobqueue.Job) (int, string, error) {
			order = append(order, j.Args)
			flaky++
			if flaky == 1 {
				return 500, "", nil
			}
			return 200, "", nil
		})
		register(t, e.svc, "fatal", func(_ context.Context, j jobqueue.Job) (int, string, error) {
			order = append(order, j.Args)
			return 400, "", nil
		})
		push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "ok", Args: "a"}, jobqueue.JobEntry{ScriptID: "flaky", Args: "b"})
		push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "ok", Args: "c"}, jobqueue.JobEntry{ScriptID: "fatal", Args: "d"})

		var last []bool
		for {
			r, err := e.svc.Run(e.ctx, manual, "u")
			require.NoError(t, err)
			if r.Job == nil {
				require.True(t, r.IsLastJob)
				break
			}
			last = append(last, r.IsLastJob)
		}
		require.Equal(t, []string{"a", "b", "b", "c", "d"}, order)
		require.Equal(t, []bool{false, false, false, false, true}, last, "the last job died: none remains")
	})
}

// TestRunGivesHandlerTheJob: the handler gets the job's GRN (with the
// configured region and owner), name, user, script, args and try number;
// ctx is the caller's. A manual Run ignores Config.Backoff (the job still
// records NotBefore for auto-run).
func TestRunGivesHandlerTheJob(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, &jobqueue.Config{Region: "eu-west", Owner: "studio",
			Backoff: func(int) time.Duration { return time.Hour }})
		type key struct{}
		ctx := context.WithValue(e.ctx, key{}, "caller")
		var seen []jobqueue.Job
		register(t, e.svc, "grant", func(ctx context.Context, j jobqueue.Job) (int, string, error) {
			require.Equal(t, "caller", ctx.Value(key{}))
			seen = append(seen, j)
			if len(seen) == 1 {
				return 503, "", nil
			}
			return 200, "", nil
		})
		job := push(t, e, manual, "player-1", jobqueue.JobEntry{ScriptID: "grant", Args: `{"gold":5}`, MaxTryCount: 5})[0]
		require.Equal(t, "grn:gs2:eu-west:studio:queue:manual:user:player-1:job:"+job.Name, job.JobID)
		require.Len(t, job.Name, 36, "a UUID")

		for range 2 { // no clock advance: the backoff does not hold a manual Run
			_, err := e.svc.Run(ctx, manual, "player-1")
			require.NoError(t, err)
		}
		require.Len(t, seen, 2)
		for try, j := range seen {
			want := job
			want.CurrentRetryCount = try
			if try == 1 {
				want.NotBefore = clock.Millis(e.clk.Now().Add(time.Hour))
			}
			require.Equal(t, want, j, "try %d", try)
		}
	})
}

// TestRunTimeOffset: clock.WithOffset shifts createdAt, updatedAt, tryAt
// and deadAt of the calls that carry it.
func TestRunTimeOffset(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		register(t, e.svc, "down", func(context.Context, jobqueue.Job) (int, string, error) { return 500, "", nil })
		in := func(d time.Duration) context.Context { return clock.WithOffset(e.ctx, d) }
		job, _, err := e.svc.Push(in(time.Hour), manual, "u", []jobqueue.JobEntry{{ScriptID: "down", MaxTryCount: 2}})
		require.NoError(t, err)
		require.Equal(t, at(time.Hour), job[0].CreatedAt)
		require.Equal(t, at(time.Hour), job[0].UpdatedAt)

		r, err := e.svc.Run(in(2*time.Hour), manual, "u")
		require.NoError(t, err)
		require.Equal(t, at(2*time.Hour), r.Result.TryAt)
		s := peek(t, e.svc, manual, "u")
		require.Equal(t, at(2*time.Hour), s.Jobs[0].UpdatedAt)
		require.Equal(t, at(time.Hour), s.Jobs[0].CreatedAt)

		r, err = e.svc.Run(in(3*time.Hour), manual, "u")
		require.NoError(t, err)
		require.Equal(t, at(3*time.Hour), r.Result.TryAt)
		s = peek(t, e.svc, manual, "u")
		require.Len(t, s.Dead, 1)
		require.Equal(t, at(time.Hour), s.Dead[0].CreatedAt)
		require.Equal(t, at(3*time.Hour), s.Dead[0].DeadAt)
		require.Equal(t, []int64{at(2 * time.Hour), at(3 * time.Hour)},
			[]int64{s.Dead[0].Results[0].TryAt, s.Dead[0].Results[1].TryAt})
	})
}

// Helpers shared by this package's tests.

// okHandler succeeds with an empty result.
func okHandler(context.Context, jobqueue.Job) (int, string, error) { return 200, "", nil }

func register(t *testing.T, svc *jobqueue.Service, script string, h jobqueue.Handler) {
	t.Helper()
	require.NoError(t, svc.Register(script, h))
}

// push pushes entries and returns the new jobs.
func push(t *testing.T, e *env, ns, user string, entries ...jobqueue.JobEntry) []jobqueue.Job {
	t.Helper()
	jobs, _, err := e.svc.Push(e.ctx, ns, user, entries)
	require.NoError(t, err)
	require.Len(t, jobs, len(entries))
	return jobs
}

// peek reads the stored state of a user's queue.
func peek(t *testing.T, svc *jobqueue.Service, ns, user string) jobqueue.UserState {
	t.Helper()
	s, err := jobqueue.PeekUser(svc, ns, user)
	require.NoError(t, err)
	return s
}

func names(jobs []jobqueue.Job) []string {
	var out []string
	for _, j := range jobs {
		out = append(out, j.Name)
	}
	return out
}

// recv receives from ch. The deadline only turns a hang into a failure; no
// test waits on it for an event to happen.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatal("nothing received in 30s")
		panic("unreachable")
	}
}

// at is the mock-clock instant d after clock.Epoch, in Unix milliseconds.
func at(d time.Duration) int64 { return clock.Epoch.Add(d).UnixMilli() }
