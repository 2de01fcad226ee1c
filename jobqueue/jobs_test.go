package jobqueue_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

// TestDescribeJobsPages: the queue is listed in run order across pages;
// every page but the last has a token, the last none, whatever the limit;
// other users' jobs are not listed; a token works only for its listing.
func TestDescribeJobsPages(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		var want []string
		for i := range 3 {
			e.clk.Add(time.Second)
			n := []int{10, 10, 5}[i]
			entries := make([]jobqueue.JobEntry, n)
			for k := range entries {
				entries[k] = jobqueue.JobEntry{ScriptID: "s", Args: fmt.Sprintf(`{"i":%d}`, len(want)+k)}
			}
			want = append(want, names(push(t, e, manual, "u1", entries...))...)
		}
		push(t, e, manual, "u2", jobqueue.JobEntry{ScriptID: "s"})
		push(t, e, manual, "u0", jobqueue.JobEntry{ScriptID: "s"})

		items, next, err := e.svc.DescribeJobs(e.ctx, manual, "u1", "", 0)
		require.NoError(t, err)
		require.Empty(t, next, "25 jobs fit in the default page of 30")
		require.Equal(t, want, names(items))
		first := items[0]
		require.Equal(t, jobqueue.Job{
			JobID: "grn:gs2:local:hearth:queue:manual:user:u1:job:" + want[0], Name: want[0], UserID: "u1",
			ScriptID: "s", Args: `{"i":0}`, MaxTryCount: 3, CreatedAt: at(time.Second), UpdatedAt: at(time.Second),
		}, first)

		for _, limit := range []int{1, 5, 7, 10, 24, 25, 26, 1000} {
			var got []string
			token, pages := "", 0
			for {
				items, next, err := e.svc.DescribeJobs(e.ctx, manual, "u1", token, limit)
				require.NoError(t, err)
				require.LessOrEqual(t, len(items), limit)
				require.NotEmpty(t, items, "limit %d: no empty page", limit)
				got = append(got, names(items)...)
				pages++
				if next == "" {
					break
				}
				require.Len(t, items, limit, "a page with a token is full")
				token = next
			}
			require.Equal(t, want, got, "limit %d", limit)
			require.Equal(t, (len(want)+limit-1)/limit, pages, "limit %d", limit)
		}

		// A token is bound to its listing.
		_, next, err = e.svc.DescribeJobs(e.ctx, manual, "u1", "", 10)
		require.NoError(t, err)
		_, _, err = e.svc.DescribeJobs(e.ctx, manual, "u2", next, 10)
		requireInvalid(t, err, "pageToken")
		_, _, err = e.svc.DescribeDeadLetterJobs(e.ctx, manual, "u1", next, 10)
		requireInvalid(t, err, "pageToken")

		// The listing follows the queue: after a run, the head is gone.
		register(t, e.svc, "s", okHandler)
		_, err = e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		items, _, err = e.svc.DescribeJobs(e.ctx, manual, "u1", "", 0)
		require.NoError(t, err)
		require.Equal(t, want[1:], names(items))

		items, next, err = e.svc.DescribeJobs(e.ctx, manual, "nobody", "", 0)
		require.NoError(t, err)
		require.Empty(t, items)
		require.NotNil(t, items)
		require.Empty(t, next)
		_, _, err = e.svc.DescribeJobs(e.ctx, "missing", "u1", "", 0)
		require.ErrorIs(t, err, jobqueue.ErrNotFound)
	})
}

// TestDescribeJobsShowsRetryState: a job retried after a failure is listed
// at the head with its retry count.
func TestDescribeJobsShowsRetryState(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		register(t, e.svc, "fail", func(context.Context, jobqueue.Job) (int, string, error) { return 503, "busy", nil })
		jobs := push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "fail"}, jobqueue.JobEntry{ScriptID: "s"})
		e.clk.Add(time.Minute)
		_, err := e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		items, _, err := e.svc.DescribeJobs(e.ctx, manual, "u1", "", 0)
		require.NoError(t, err)
		require.Equal(t, names(jobs), names(items))
		require.Equal(t, 1, items[0].CurrentRetryCount)
		require.Equal(t, at(time.Minute), items[0].UpdatedAt)
		require.Equal(t, 0, items[1].CurrentRetryCount)
	})
}

// TestGetJob: a queued job is found by name in its user's queue only, and
// not after it left the queue.
func TestGetJob(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		jobs := push(t, e, manual, "u1",
			jobqueue.JobEntry{ScriptID: "s", Args: `{"a":1}`, MaxTryCount: 7}, jobqueue.JobEntry{ScriptID: "t"})
		for _, j := range jobs {
			got, err := e.svc.GetJob(e.ctx, manual, "u1", j.Name)
			require.NoError(t, err)
			require.Equal(t, j, *got)
		}
		require.Equal(t, 7, jobs[0].MaxTryCount)
		require.Equal(t, `{"a":1}`, jobs[0].Args)

		for _, c := range []struct{ ns, user, name string }{
			{manual, "u2", jobs[0].Name},    // another user's job
			{auto, "u1", jobs[0].Name},      // another namespace
			{manual, "u1", "no-such-job"},   // never existed
			{"missing", "u1", jobs[0].Name}, // no namespace
		} {
			_, err := e.svc.GetJob(e.ctx, c.ns, c.user, c.name)
			require.ErrorIs(t, err, jobqueue.ErrNotFound, "%+v", c)
		}

		register(t, e.svc, "s", okHandler)
		_, err := e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		_, err = e.svc.GetJob(e.ctx, manual, "u1", jobs[0].Name)
		require.ErrorIs(t, err, jobqueue.ErrNotFound, "a job that succeeded has left the queue")
		_, err = e.svc.GetJob(e.ctx, manual, "u1", jobs[1].Name)
		require.NoError(t, err)
	})
}

// TestDeleteJob: a queued job is removed from any position and returned;
// the rest of the queue runs in order; the last deletion leaves nothing of
// the queue in the store.
func TestDeleteJob(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		var ran []string
		register(t, e.svc, "s", func(_ context.Context, j jobqueue.Job) (int, string, error) {
			ran = append(ran, j.Name)
			return 200, "", nil
		})
		before := dump(t, st)
		jobs := push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "s"}, jobqueue.JobEntry{ScriptID: "s", Args: `"x"`},
			jobqueue.JobEntry{ScriptID: "s"}, jobqueue.JobEntry{ScriptID: "s"})

		got, err := e.svc.DeleteJob(e.ctx, manual, "u1", jobs[1].Name)
		require.NoError(t, err)
		require.Equal(t, jobs[1], *got, "the job as it was")
		_, err = e.svc.GetJob(e.ctx, manual, "u1", jobs[1].Name)
		require.ErrorIs(t, err, jobqueue.ErrNotFound)
		unchanged(t, st, func() {
			_, err = e.svc.DeleteJob(e.ctx, manual, "u1", jobs[1].Name)
			require.ErrorIs(t, err, jobqueue.ErrNotFound, "twice")
			_, err = e.svc.DeleteJob(e.ctx, manual, "u2", jobs[0].Name)
			require.ErrorIs(t, err, jobqueue.ErrNotFound, "another user's job")
			_, err = e.svc.DeleteJob(e.ctx, "missing", "u1", jobs[0].Name)
			require.ErrorIs(t, err, jobqueue.ErrNotFound)
		})
		_, err = e.svc.DeleteJob(e.ctx, manual, "u1", jobs[0].Name) // the head
		require.NoError(t, err)
		items, _, err := e.svc.DescribeJobs(e.ctx, manual, "u1", "", 0)
		require.NoError(t, err)
		require.Equal(t, names(jobs[2:]), names(items))

		r, err := e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		require.Equal(t, jobs[2].Name, r.Job.Name)
		require.False(t, r.IsLastJob, "the count of queued jobs follows deletions")
		_, err = e.svc.DeleteJob(e.ctx, manual, "u1", jobs[3].Name) // the last one
		require.NoError(t, err)
		r, err = e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		require.Nil(t, r.Job)
		require.True(t, r.IsLastJob)
		require.Equal(t, []string{jobs[2].Name}, ran)

		// Only the result of the job that ran (and its retention entry) is left.
		after := dump(t, st)
		for k := range before {
			delete(after, k)
		}
		require.Len(t, after, 2, "%v", after)
		for k := range after {
			require.Regexp(t, `^\("queue", "(result|expire)", `, k)
		}
	})
}

// gate is a handler that reports each job it starts and blocks until
// released, then returns status.
type gate struct {
	started chan jobqueue.Job
	release chan struct{}
}

func newGate() *gate {
	return &gate{started: make(chan jobqueue.Job, 16), release: make(chan struct{})}
}

func (g *gate) handler(status int, result string) jobqueue.Handler {
	return func(_ context.Context, j jobqueue.Job) (int, string, error) {
		g.started <- j
		<-g.release
		return status, result, nil
	}
}

// TestDeleteRunningJob: deleting the job whose attempt is in flight (Run)
// keeps the user's queue busy until the attempt ends; its result is then
// recorded, with no retry, dead letter or run notification, and the queue
// goes on.
func TestDeleteRunningJob(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		g := newGate()
		register(t, e.svc, "block", g.handler(500, "boom")) // would dead-letter: maxTryCount 1
		register(t, e.svc, "ok", okHandler)
		events, cancel := e.svc.Subscribe()
		defer cancel()
		jobs := push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "block", MaxTryCount: 1}, jobqueue.JobEntry{ScriptID: "ok"})

		type runOut struct {
			r   *jobqueue.RunResult
			err error
		}
		done := make(chan runOut, 1)
		go func() {
			r, err := e.svc.Run(e.ctx, manual, "u1")
			done <- runOut{r, err}
		}()
		require.Equal(t, jobs[0].Name, recv(t, g.started).Name)

		got, err := e.svc.DeleteJob(e.ctx, manual, "u1", jobs[0].Name)
		require.NoError(t, err)
		require.Equal(t, jobs[0].Name, got.Name)
		_, err = e.svc.GetJob(e.ctx, manual, "u1", jobs[0].Name)
		require.ErrorIs(t, err, jobqueue.ErrNotFound)
		items, _, err := e.svc.DescribeJobs(e.ctx, manual, "u1", "", 0)
		require.NoError(t, err)
		require.Equal(t, names(jobs[1:]), names(items))
		_, err = e.svc.Run(e.ctx, manual, "u1")
		require.ErrorIs(t, err, jobqueue.ErrConflict, "the deleted job's attempt still runs")

		e.clk.Add(time.Second)
		close(g.release)
		out := recv(t, done)
		require.NoError(t, out.err)
		require.Equal(t, jobs[0].Name, out.r.Job.Name)
		require.Equal(t, 500, out.r.Result.StatusCode)
		require.False(t, out.r.IsLastJob)

		res, err := e.svc.GetJobResult(e.ctx, manual, "u1", jobs[0].Name, nil)
		require.NoError(t, err)
		require.Equal(t, 500, res.StatusCode)
		require.Equal(t, "boom", res.Result)
		require.Equal(t, at(time.Second), res.TryAt)
		dead, _, err := e.svc.DescribeDeadLetterJobs(e.ctx, manual, "u1", "", 0)
		require.NoError(t, err)
		require.Empty(t, dead, "no dead letter for a deleted job")

		r, err := e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		require.Equal(t, jobs[1].Name, r.Job.Name)
		require.True(t, r.IsLastJob)

		var kinds []string
		for range 6 {
			ev := recv(t, events)
			kinds = append(kinds, string(ev.Kind)+" "+ev.JobName)
		}
		require.Equal(t, []string{
			"pushed " + jobs[0].Name, "pushed " + jobs[1].Name, "started " + jobs[0].Name,
			"deleted " + jobs[0].Name, "started " + jobs[1].Name, "succeeded " + jobs[1].Name,
		}, kinds)
		var runs []string
		for _, n := range e.notifier.all() {
			if n.Subject == jobqueue.SubjectRun {
				runs = append(runs, n.Payload)
			}
		}
		require.Len(t, runs, 1, "no run notification for the deleted job")
		require.Contains(t, runs[0], jobs[1].Name)
	})
}

// TestDeleteJobUnderAutoRun: deleting a job in backoff lets the next job
// run at once; deleting the running job lets its attempt finish (recorded,
// no retry) and the queue go on.
func TestDeleteJobUnderAutoRun(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		// No retention: no sweep ticker, so the backoff timer is the clock's only waiter.
		e := newEnv(t, st, &jobqueue.Config{Backoff: func(int) time.Duration { return time.Hour }, ResultRetention: -1})
		g := newGate()
		register(t, e.svc, "fail", func(context.Context, jobqueue.Job) (int, string, error) { return 500, "", nil })
		register(t, e.svc, "block", g.handler(503, "late"))
		register(t, e.svc, "ok", okHandler)
		events, cancel := e.svc.Subscribe(jobqueue.EventFailed, jobqueue.EventSucceeded, jobqueue.EventDeleted, jobqueue.EventDead)
		defer cancel()
		require.NoError(t, e.svc.Start(e.ctx))

		jobs := push(t, e, auto, "u1", jobqueue.JobEntry{ScriptID: "fail"}, jobqueue.JobEntry{ScriptID: "ok"})
		ev := recv(t, events)
		require.Equal(t, jobqueue.EventFailed, ev.Kind)
		require.Equal(t, jobs[0].Name, ev.JobName)
		e.clk.BlockUntil(1) // the backoff timer is armed: the head waits an hour
		_, err := e.svc.DeleteJob(e.ctx, auto, "u1", jobs[0].Name)
		require.NoError(t, err)
		ev = recv(t, events)
		require.Equal(t, jobqueue.EventSucceeded, ev.Kind, "the next job runs without waiting for the backoff")
		require.Equal(t, jobs[1].Name, ev.JobName)

		jobs = push(t, e, auto, "u1", jobqueue.JobEntry{ScriptID: "block", MaxTryCount: 5}, jobqueue.JobEntry{ScriptID: "ok"})
		require.Equal(t, jobs[0].Name, recv(t, g.started).Name)
		_, err = e.svc.DeleteJob(e.ctx, auto, "u1", jobs[0].Name)
		require.NoError(t, err)
		close(g.release)
		ev = recv(t, events)
		require.Equal(t, jobqueue.EventDeleted, ev.Kind)
		require.Equal(t, jobs[0].Name, ev.JobName)
		require.Equal(t, 503, ev.StatusCode)
		ev = recv(t, events)
		require.Equal(t, jobqueue.EventSucceeded, ev.Kind)
		require.Equal(t, jobs[1].Name, ev.JobName)

		res, err := e.svc.GetJobResult(e.ctx, auto, "u1", jobs[0].Name, nil)
		require.NoError(t, err)
		require.Equal(t, "late", res.Result)
		_, err = e.svc.GetJob(e.ctx, auto, "u1", jobs[0].Name)
		require.ErrorIs(t, err, jobqueue.ErrNotFound, "a retryable failure did not bring the deleted job back")
		items, _, err := e.svc.DescribeJobs(e.ctx, auto, "u1", "", 0)
		require.NoError(t, err)
		require.Empty(t, items)
	})
}

// TestGetJobResult: the latest attempt by default (numerically, past try
// 9), any attempt by try number, results kept after the job succeeded.
func TestGetJobResult(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		calls := 0
		register(t, e.svc, "flaky", func(_ context.Context, j jobqueue.Job) (int, string, error) {
			calls++
			if j.CurrentRetryCount < 11 {
				return 500, fmt.Sprintf("fail %d", j.CurrentRetryCount), nil
			}
			return 201, "done", nil
		})
		job := push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "flaky", Args: `{"x":1}`, MaxTryCount: 12})[0]
		_, err := e.svc.GetJobResult(e.ctx, manual, "u1", job.Name, nil)
		require.ErrorIs(t, err, jobqueue.ErrNotFound, "no attempt yet")
		for i := range 12 {
			e.clk.Add(time.Second)
			r, err := e.svc.Run(e.ctx, manual, "u1")
			require.NoError(t, err)
			require.Equal(t, i, r.Result.TryNumber)

			latest, err := e.svc.GetJobResult(e.ctx, manual, "u1", job.Name, nil)
			require.NoError(t, err)
			require.Equal(t, i, latest.TryNumber, "the latest attempt, by number")
		}
		require.Equal(t, 12, calls)
		_, err = e.svc.GetJob(e.ctx, manual, "u1", job.Name)
		require.ErrorIs(t, err, jobqueue.ErrNotFound, "the job succeeded")

		latest, err := e.svc.GetJobResult(e.ctx, manual, "u1", job.Name, nil)
		require.NoError(t, err)
		grn := "grn:gs2:local:hearth:queue:manual:user:u1:job:" + job.Name
		require.Equal(t, jobqueue.JobResult{
			JobResultID: grn + ":jobResult:11", JobID: grn, ScriptID: "flaky", Args: `{"x":1}`,
			TryNumber: 11, StatusCode: 201, Result: "done", TryAt: at(12 * time.Second),
		}, *latest)
		for _, try := range []int{0, 5, 10} {
			r, err := e.svc.GetJobResult(e.ctx, manual, "u1", job.Name, &try)
			require.NoError(t, err)
			require.Equal(t, try, r.TryNumber)
			require.Equal(t, 500, r.StatusCode)
			require.Equal(t, fmt.Sprintf("fail %d", try), r.Result)
			require.Equal(t, at(time.Duration(try+1)*time.Second), r.TryAt)
			require.Equal(t, fmt.Sprintf("%s:jobResult:%d", grn, try), r.JobResultID)
		}
		for _, try := range []int{12, 10000} {
			_, err = e.svc.GetJobResult(e.ctx, manual, "u1", job.Name, &try)
			require.ErrorIs(t, err, jobqueue.ErrNotFound)
		}
		_, err = e.svc.GetJobResult(e.ctx, manual, "u2", job.Name, nil)
		require.ErrorIs(t, err, jobqueue.ErrNotFound, "another user")
		_, err = e.svc.GetJobResult(e.ctx, manual, "u1", "other", nil)
		require.ErrorIs(t, err, jobqueue.ErrNotFound)
		_, err = e.svc.GetJobResult(e.ctx, "missing", "u1", job.Name, nil)
		require.ErrorIs(t, err, jobqueue.ErrNotFound)
	})
}
