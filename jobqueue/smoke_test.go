package jobqueue_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

func TestSmokeManualAndAuto(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		calls := 0
		require.NoError(t, e.svc.Register("ok", func(ctx context.Context, j jobqueue.Job) (int, string, error) {
			calls++
			return 200, `{"n":1}`, nil
		}))
		jobs, autoRun, err := e.svc.Push(e.ctx, manual, "u1", []jobqueue.JobEntry{{ScriptID: "ok"}, {ScriptID: "missing"}})
		require.NoError(t, err)
		require.False(t, autoRun)
		require.Len(t, jobs, 2)
		r, err := e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		require.Equal(t, 200, r.Result.StatusCode)
		require.False(t, r.IsLastJob)
		r, err = e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		require.Equal(t, 404, r.Result.StatusCode)
		require.True(t, r.IsLastJob)
		r, err = e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		require.Nil(t, r.Job)
		require.True(t, r.IsLastJob)

		events, cancel := e.svc.Subscribe(jobqueue.EventSucceeded)
		defer cancel()
		require.NoError(t, e.svc.Start(e.ctx))
		_, autoRun, err = e.svc.Push(e.ctx, auto, "u2", []jobqueue.JobEntry{{ScriptID: "ok"}, {ScriptID: "ok"}})
		require.NoError(t, err)
		require.True(t, autoRun)
		for range 2 {
			ev := <-events
			require.Equal(t, "u2", ev.UserID)
		}
		require.NoError(t, e.svc.Stop(e.ctx))
		require.Equal(t, 3, calls)
		t.Log(e.notifier.all())
	})
}
