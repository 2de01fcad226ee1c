package jobqueue_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

// dieWith registers script as a handler that fails with status.
func dieWith(t *testing.T, svc *jobqueue.Service, script string, status int) {
	t.Helper()
	register(t, svc, script, func(_ context.Context, j jobqueue.Job) (int, string, error) {
		return status, "no " + j.Args, nil
	})
}

// TestDeadLetterQueries: dead letters are listed in name order across
// pages, fetched with every result, deleted (their results outside the
// dead letter stay), and missing ones are ErrNotFound.
func TestDeadLetterQueries(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		dieWith(t, e.svc, "bad", 400)
		dieWith(t, e.svc, "down", 503)
		var jobs []jobqueue.Job
		for i := range 5 {
			e.clk.Add(time.Second)
			jobs = append(jobs, push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "bad", Args: `"a"`, MaxTryCount: 5})...)
			_, err := e.svc.Run(e.ctx, manual, "u1")
			require.NoError(t, err, "job %d", i)
		}
		e.clk.Add(time.Minute)
		down := push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "down", Args: `"b"`, MaxTryCount: 2})[0]
		for range 2 {
			e.clk.Add(time.Second)
			_, err := e.svc.Run(e.ctx, manual, "u1")
			require.NoError(t, err)
		}
		jobs = append(jobs, down)
		push(t, e, manual, "u2", jobqueue.JobEntry{ScriptID: "bad"})
		_, err := e.svc.Run(e.ctx, manual, "u2")
		require.NoError(t, err)

		want := names(jobs)
		slices.Sort(want)
		items, next, err := e.svc.DescribeDeadLetterJobs(e.ctx, manual, "u1", "", 0)
		require.NoError(t, err)
		require.Empty(t, next)
		require.Equal(t, want, deadNames(items), "name order, u1's only")
		for _, limit := range []int{1, 2, 3, 5, 6} {
			var got []string
			token := ""
			for {
				items, next, err := e.svc.DescribeDeadLetterJobs(e.ctx, manual, "u1", token, limit)
				require.NoError(t, err)
				require.NotEmpty(t, items)
				got = append(got, deadNames(items)...)
				if next == "" {
					break
				}
				require.Len(t, items, limit)
				token = next
			}
			require.Equal(t, want, got, "limit %d", limit)
		}

		d, err := e.svc.GetDeadLetterJob(e.ctx, manual, "u1", down.Name)
		require.NoError(t, err)
		require.Equal(t, jobqueue.DeadLetterJob{
			DeadLetterJobID: "grn:gs2:local:hearth:queue:manual:user:u1:dead:" + down.Name,
			Name:            down.Name, UserID: "u1", ScriptID: "down", Args: `"b"`, MaxTryCount: 2,
			Results: []jobqueue.JobResultBody{
				{TryNumber: 0, StatusCode: 503, Result: `no "b"`, TryAt: at(5*time.Second + time.Minute + time.Second)},
				{TryNumber: 1, StatusCode: 503, Result: `no "b"`, TryAt: at(5*time.Second + time.Minute + 2*time.Second)},
			},
			CreatedAt: at(5*time.Second + time.Minute), DeadAt: at(5*time.Second + time.Minute + 2*time.Second),
		}, *d)
		first, err := e.svc.GetDeadLetterJob(e.ctx, manual, "u1", jobs[0].Name)
		require.NoError(t, err)
		require.Equal(t, []jobqueue.JobResultBody{{TryNumber: 0, StatusCode: 400, Result: `no "a"`, TryAt: at(time.Second)}},
			first.Results, "a 400 is not retried, whatever tries are left")

		gone, err := e.svc.DeleteDeadLetterJob(e.ctx, manual, "u1", down.Name)
		require.NoError(t, err)
		require.Equal(t, d, gone, "the dead letter as it was")
		unchanged(t, st, func() {
			for _, c := range []struct{ ns, user, name string }{
				{manual, "u1", down.Name},    // deleted
				{manual, "u2", jobs[0].Name}, // another user's
				{auto, "u1", jobs[0].Name},   // another namespace
				{"missing", "u1", jobs[0].Name},
			} {
				_, err := e.svc.GetDeadLetterJob(e.ctx, c.ns, c.user, c.name)
				require.ErrorIs(t, err, jobqueue.ErrNotFound, "%+v", c)
				_, err = e.svc.DeleteDeadLetterJob(e.ctx, c.ns, c.user, c.name)
				require.ErrorIs(t, err, jobqueue.ErrNotFound, "%+v", c)
				_, err = e.svc.RequeueDeadLetterJob(e.ctx, c.ns, c.user, c.name)
				require.ErrorIs(t, err, jobqueue.ErrNotFound, "%+v", c)
			}
			_, _, err := e.svc.DescribeDeadLetterJobs(e.ctx, "missing", "u1", "", 0)
			require.ErrorIs(t, err, jobqueue.ErrNotFound)
		})
		res, err := e.svc.GetJobResult(e.ctx, manual, "u1", down.Name, nil)
		require.NoError(t, err)
		require.Equal(t, 1, res.TryNumber, "results outlive the deleted dead letter")
		items, _, err = e.svc.DescribeDeadLetterJobs(e.ctx, manual, "u1", "", 0)
		require.NoError(t, err)
		require.Len(t, items, 5)
	})
}

func deadNames(items []jobqueue.DeadLetterJob) []string {
	var out []string
	for _, d := range items {
		out = append(out, d.Name)
	}
	return out
}

// TestRequeueDeadLetterJob: a re-queued dead letter is a new job at the
// tail (new name, same script, args and maxTryCount, retry count 0,
// createdAt now), pushed as by Push (event, notification); the dead
// letter is gone and the old job's results stay readable.
func TestRequeueDeadLetterJob(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		var fixed atomic.Bool
		var ran []string
		register(t, e.svc, "flaky", func(_ context.Context, j jobqueue.Job) (int, string, error) {
			ran = append(ran, j.Name)
			if fixed.Load() {
				return 200, "ok", nil
			}
			return 500, "down", nil
		})
		register(t, e.svc, "ok", okHandler)
		old := push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "flaky", Args: `{"gold":5}`, MaxTryCount: 2})[0]
		for range 2 {
			_, err := e.svc.Run(e.ctx, manual, "u1")
			require.NoError(t, err)
		}
		queued := push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "ok"}, jobqueue.JobEntry{ScriptID: "ok"})
		events, cancel := e.svc.Subscribe()
		defer cancel()
		notified := len(e.notifier.all())

		e.clk.Add(time.Hour)
		job, err := e.svc.RequeueDeadLetterJob(e.ctx, manual, "u1", old.Name)
		require.NoError(t, err)
		require.NotEqual(t, old.Name, job.Name)
		require.Equal(t, jobqueue.Job{
			JobID: "grn:gs2:local:hearth:queue:manual:user:u1:job:" + job.Name, Name: job.Name, UserID: "u1",
			ScriptID: "flaky", Args: `{"gold":5}`, CurrentRetryCount: 0, MaxTryCount: 2,
			CreatedAt: at(time.Hour), UpdatedAt: at(time.Hour),
		}, *job)
		ev := recv(t, events)
		require.Equal(t, jobqueue.EventPushed, ev.Kind)
		require.Equal(t, job.Name, ev.JobName)
		got := e.notifier.all()[notified:]
		require.Equal(t, []notification{{"u1", jobqueue.SubjectPush, `{"namespaceName":"manual","userId":"u1"}`}}, got)

		items, _, err := e.svc.DescribeJobs(e.ctx, manual, "u1", "", 0)
		require.NoError(t, err)
		require.Equal(t, append(names(queued), job.Name), names(items), "at the tail")
		_, err = e.svc.GetDeadLetterJob(e.ctx, manual, "u1", old.Name)
		require.ErrorIs(t, err, jobqueue.ErrNotFound)
		unchanged(t, st, func() {
			_, err = e.svc.RequeueDeadLetterJob(e.ctx, manual, "u1", old.Name)
			require.ErrorIs(t, err, jobqueue.ErrNotFound, "only once")
		})
		for try := range 2 {
			r, err := e.svc.GetJobResult(e.ctx, manual, "u1", old.Name, &try)
			require.NoError(t, err)
			require.Equal(t, "down", r.Result, "the old job's results stay")
		}

		fixed.Store(true)
		for range 3 {
			_, err := e.svc.Run(e.ctx, manual, "u1")
			require.NoError(t, err)
		}
		require.Equal(t, []string{old.Name, old.Name, job.Name}, ran)
		r, err := e.svc.GetJobResult(e.ctx, manual, "u1", job.Name, nil)
		require.NoError(t, err)
		require.Equal(t, 0, r.TryNumber, "the new job starts from try 0")
		require.Equal(t, "ok", r.Result)
	})
}

// TestRequeueDeadLetterJobUnderAutoRun: on an auto-run namespace the
// re-queued job runs at once, and no push notification is sent.
func TestRequeueDeadLetterJobUnderAutoRun(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		var fixed atomic.Bool
		register(t, e.svc, "s", func(context.Context, jobqueue.Job) (int, string, error) {
			if fixed.Load() {
				return 200, "", nil
			}
			return 404, "", nil
		})
		events, cancel := e.svc.Subscribe(jobqueue.EventDead, jobqueue.EventSucceeded)
		defer cancel()
		require.NoError(t, e.svc.Start(e.ctx))
		old := push(t, e, auto, "u1", jobqueue.JobEntry{ScriptID: "s"})[0]
		ev := recv(t, events)
		require.Equal(t, jobqueue.EventDead, ev.Kind)
		require.Equal(t, old.Name, ev.JobName)

		fixed.Store(true)
		job, err := e.svc.RequeueDeadLetterJob(e.ctx, auto, "u1", old.Name)
		require.NoError(t, err)
		ev = recv(t, events)
		require.Equal(t, jobqueue.EventSucceeded, ev.Kind)
		require.Equal(t, job.Name, ev.JobName)
		for _, n := range e.notifier.all() {
			require.NotEqual(t, jobqueue.SubjectPush, n.Subject)
		}
	})
}
