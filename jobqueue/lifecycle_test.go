package jobqueue_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

// blocker is a handler that reports each start and returns only when
// released.
type blocker struct {
	started chan jobqueue.Job
	ctxErr  chan error // with waitCtx: the handler's ctx.Err() once it ended
	release chan struct{}
	once    sync.Once
	waitCtx bool
	result  string
}

// newBlocker returns a blocker that t releases when it ends, so that a
// failing test does not leave a worker blocked.
func newBlocker(t *testing.T, result string, waitCtx bool) *blocker {
	b := &blocker{started: make(chan jobqueue.Job, 1), ctxErr: make(chan error, 1),
		release: make(chan struct{}), waitCtx: waitCtx, result: result}
	t.Cleanup(b.free)
	return b
}

// free releases the handler.
func (b *blocker) free() { b.once.Do(func() { close(b.release) }) }

func (b *blocker) handler(ctx context.Context, j jobqueue.Job) (int, string, error) {
	b.started <- j
	if b.waitCtx {
		select {
		case <-ctx.Done():
			b.ctxErr <- ctx.Err()
		case <-b.release:
			b.ctxErr <- nil
		}
	}
	<-b.release
	return 200, b.result, nil
}

// drain ends a subscription and returns what it still held.
func drain(ch <-chan jobqueue.Event, cancel func()) []string {
	cancel()
	var out []string
	for ev := range ch {
		out = append(out, fmt.Sprint(ev.Kind, " ", ev.UserID, " ", ev.TryNumber, " ", ev.StatusCode))
	}
	return out
}

// spinUntil yields until cond holds (for state no channel reports). The
// deadline only turns a hang into a failure.
func spinUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 30s")
		}
		runtime.Gosched()
	}
}

// blockUntil is clk.BlockUntil(n), failing after 30s instead of hanging.
func blockUntil(t *testing.T, clk *clock.Mock, n int) {
	t.Helper()
	armed := make(chan struct{})
	go func() {
		clk.BlockUntil(n)
		close(armed)
	}()
	recv(t, armed)
}

// TestStopWaitsForInFlight: Stop lets the running job finish and returns
// only once its result is recorded.
func TestStopWaitsForInFlight(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		b := newBlocker(t, "finished", false)
		register(t, e.svc, "block", b.handler)
		require.NoError(t, e.svc.Start(e.ctx))
		job := push(t, e, auto, "u", jobqueue.JobEntry{ScriptID: "block"})[0]
		recv(t, b.started)

		stopped := make(chan error, 1)
		go func() { stopped <- e.svc.Stop(e.ctx) }()
		// Stop has ended the sweep (its ticker) and waits for the worker.
		spinUntil(t, func() bool { return e.clk.Waiters() == 0 })
		select {
		case err := <-stopped:
			t.Fatalf("Stop returned (%v) while a job was running", err)
		default:
		}
		b.free()
		require.NoError(t, recv(t, stopped))

		s := peek(t, e.svc, auto, "u")
		require.Empty(t, s.Jobs, "the job succeeded before Stop returned")
		require.Empty(t, s.Running)
		require.Len(t, s.Results[job.Name], 1)
		require.Equal(t, 200, s.Results[job.Name][0].StatusCode)
		require.Equal(t, "finished", s.Results[job.Name][0].Result)
	})
}

// TestStopGivesUp: when Stop's ctx ends first, the handler's ctx is
// cancelled, the attempt is recorded as interrupted (status 500, a try,
// then the retry rules) before Stop returns ctx's error, and the result the
// handler returns later is dropped.
func TestStopGivesUp(t *testing.T) {
	t.Parallel()
	for _, maxTry := range []int{1, 3} {
		t.Run(fmt.Sprint("maxTryCount ", maxTry), func(t *testing.T) {
			t.Parallel()
			eachStore(t, func(t *testing.T, st store.Store) {
				e := newEnv(t, st, nil)
				b := newBlocker(t, "late", true)
				register(t, e.svc, "block", b.handler)
				events, cancelSub := e.svc.Subscribe()
				require.NoError(t, e.svc.Start(e.ctx))
				job := push(t, e, auto, "u", jobqueue.JobEntry{ScriptID: "block", MaxTryCount: maxTry})[0]
				recv(t, b.started)

				ctx, cancel := context.WithCancel(e.ctx)
				cancel()
				err := e.svc.Stop(ctx)
				require.ErrorIs(t, err, context.Canceled)
				require.ErrorIs(t, recv(t, b.ctxErr), context.Canceled, "the handler's ctx is cancelled")

				s := peek(t, e.svc, auto, "u")
				require.Empty(t, s.Running)
				require.Len(t, s.Results[job.Name], 1)
				r := s.Results[job.Name][0]
				require.Equal(t, []any{0, 500, "interrupted"}, []any{r.TryNumber, r.StatusCode, r.Result})
				outcome := jobqueue.EventFailed
				if maxTry == 1 {
					outcome = jobqueue.EventDead
					require.Empty(t, s.Jobs)
					require.Len(t, s.Dead, 1)
					require.Equal(t, []jobqueue.JobResultBody{{TryNumber: 0, StatusCode: 500, Result: "interrupted",
						TryAt: r.TryAt}}, s.Dead[0].Results)
				} else {
					require.Len(t, s.Jobs, 1)
					require.Equal(t, 1, s.Jobs[0].CurrentRetryCount, "the interruption counts as a try")
					require.Empty(t, s.Dead)
				}

				before := dump(t, st)
				b.free()
				jobqueue.WaitWorkers(e.svc)
				require.Equal(t, before, dump(t, st), "the late result is dropped")
				require.Equal(t, []string{"pushed u 0 0", "started u 0 0", fmt.Sprint(outcome, " u 0 500")},
					drain(events, cancelSub))
				require.Equal(t, []notification{{"u", jobqueue.SubjectRun,
					runPayload(auto, "u", job.Name, 0, 500, `"interrupted"`)}}, e.notifier.all())
			})
		})
	}
}

// TestRecoveryInProcess: a second service started on the store of a
// service whose handler still runs (as after a crash) records the attempt
// as interrupted and applies the retry rules; the first service's late
// result is then stale and changes nothing.
func TestRecoveryInProcess(t *testing.T) {
	t.Parallel()
	for _, maxTry := range []int{1, 3} {
		t.Run(fmt.Sprint("maxTryCount ", maxTry), func(t *testing.T) {
			t.Parallel()
			eachStore(t, func(t *testing.T, st store.Store) {
				e := newEnv(t, st, nil)
				b := newBlocker(t, "stale", false)
				register(t, e.svc, "job", b.handler)
				events1, cancel1 := e.svc.Subscribe()
				require.NoError(t, e.svc.Start(e.ctx))
				job := push(t, e, auto, "u", jobqueue.JobEntry{ScriptID: "job", MaxTryCount: maxTry})[0]
				recv(t, b.started)

				svc2, err := jobqueue.New(st, &jobqueue.Config{Clock: e.clk})
				require.NoError(t, err)
				t.Cleanup(func() { _ = svc2.Stop(context.Background()) })
				register(t, svc2, "job", func(context.Context, jobqueue.Job) (int, string, error) {
					return 200, "second", nil
				})
				events2, cancel2 := svc2.Subscribe()
				require.NoError(t, svc2.Start(e.ctx))
				want2 := []string{"failed u 0 500", "started u 1 0", "succeeded u 1 200"}
				if maxTry == 1 {
					want2 = []string{"dead u 0 500"}
				} else {
					waitEvent(t, events2, jobqueue.EventSucceeded, "u")
				}
				require.NoError(t, svc2.Stop(e.ctx))
				if maxTry == 1 {
					require.Equal(t, want2, drain(events2, cancel2))
				} else {
					require.Empty(t, drain(events2, cancel2))
				}

				s := peek(t, e.svc, auto, "u")
				require.Empty(t, s.Jobs)
				require.Empty(t, s.Running)
				results := s.Results[job.Name]
				require.Equal(t, []any{0, 500, "interrupted"}, []any{results[0].TryNumber, results[0].StatusCode, results[0].Result})
				if maxTry == 1 {
					require.Len(t, results, 1)
					require.Len(t, s.Dead, 1)
					require.Equal(t, "interrupted", s.Dead[0].Results[0].Result)
				} else {
					require.Len(t, results, 2)
					require.Equal(t, []any{1, 200, "second"}, []any{results[1].TryNumber, results[1].StatusCode, results[1].Result})
					require.Empty(t, s.Dead)
				}

				before := dump(t, st)
				b.free()
				require.NoError(t, e.svc.Stop(e.ctx)) // waits for svc1's worker
				require.Equal(t, before, dump(t, st), "svc1's result is stale")
				require.Equal(t, []string{"pushed u 0 0", "started u 0 0"}, drain(events1, cancel1),
					"svc1 reports nothing for the stale attempt")
			})
		})
	}
}

// TestRecoveryOfManualRun: an attempt of Run left running by another
// service is recovered the same way; the job stays queued for the next
// Run, and the first Run's late result changes nothing.
func TestRecoveryOfManualRun(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		b := newBlocker(t, "stale", false)
		register(t, e.svc, "job", b.handler)
		job := push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "job"})[0]
		ran := make(chan error, 1)
		go func() {
			_, err := e.svc.Run(e.ctx, manual, "u")
			ran <- err
		}()
		recv(t, b.started)

		svc2, err := jobqueue.New(st, &jobqueue.Config{Clock: e.clk})
		require.NoError(t, err)
		require.NoError(t, svc2.Start(e.ctx))
		require.NoError(t, svc2.Stop(e.ctx))
		s := peek(t, e.svc, manual, "u")
		require.Empty(t, s.Running)
		require.Equal(t, []string{job.Name}, names(s.Jobs), "a manual job waits for the next Run")
		require.Equal(t, 1, s.Jobs[0].CurrentRetryCount)
		require.Equal(t, "interrupted", s.Results[job.Name][0].Result)

		before := dump(t, st)
		b.free()
		require.ErrorIs(t, recv(t, ran), jobqueue.ErrConflict, "the first Run reports that its result was not kept")
		require.Equal(t, before, dump(t, st), "the first Run's result is stale")
	})
}

// TestStartStop: Start twice is an error, Start after Stop is ErrStopped,
// Stop is idempotent and stops every timer, and the service keeps serving
// Push and Run after Stop.
func TestStartStop(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		require.NoError(t, e.svc.Start(e.ctx))
		err := e.svc.Start(e.ctx)
		require.Error(t, err, "started twice")
		require.NotErrorIs(t, err, jobqueue.ErrStopped)
		require.NoError(t, e.svc.Stop(e.ctx))
		require.NoError(t, e.svc.Stop(e.ctx), "Stop twice")
		require.Zero(t, e.clk.Waiters(), "no timer left armed")
		require.ErrorIs(t, e.svc.Start(e.ctx), jobqueue.ErrStopped)

		register(t, e.svc, "ok", okHandler)
		push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "ok"})
		r, err := e.svc.Run(e.ctx, manual, "u")
		require.NoError(t, err)
		require.Equal(t, 200, r.Result.StatusCode)

		never, err := jobqueue.New(st, &jobqueue.Config{Clock: e.clk})
		require.NoError(t, err)
		require.NoError(t, never.Stop(e.ctx), "Stop without Start")
		require.ErrorIs(t, never.Start(e.ctx), jobqueue.ErrStopped)
	})
}
