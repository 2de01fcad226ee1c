package jobqueue_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

func nsNames(items []jobqueue.Namespace) []string {
	var out []string
	for _, n := range items {
		out = append(out, n.Name)
	}
	return out
}

// TestNamespaceLifecycle: create, get, status, update, describe and delete,
// with the settings stored and returned and the notification defaults
// filled in.
func TestNamespaceLifecycle(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		ts := &jobqueue.TransactionSetting{
			EnableAutoRun: true, EnableAtomicCommit: true, TransactionUseDistributor: true,
			CommitScriptResultInUseDistributor: true, AcquireActionUseJobQueue: true,
			DistributorNamespaceID: "grn:gs2:local:hearth:distributor:d", QueueNamespaceID: "grn:gs2:local:hearth:queue:q",
		}
		ls := &jobqueue.LogSetting{LoggingNamespaceID: "grn:gs2:local:hearth:log:main"}
		in := jobqueue.CreateNamespaceInput{
			Name: "game", Description: "d", TransactionSetting: ts,
			PushNotification: &jobqueue.NotificationSetting{},
			RunNotification: &jobqueue.NotificationSetting{
				GatewayNamespaceID: "grn:gs2:local:hearth:gateway:gw", EnableTransferMobileNotification: true,
				Sound: "chime", Enable: "Disabled",
			},
			LogSetting: ls,
		}
		n, err := e.svc.CreateNamespace(e.ctx, in)
		require.NoError(t, err)
		require.Equal(t, jobqueue.Namespace{
			NamespaceID: "grn:gs2:local:hearth:queue:game", Name: "game", Description: "d", TransactionSetting: ts,
			PushNotification: &jobqueue.NotificationSetting{
				GatewayNamespaceID: "grn:gs2:local:hearth:gateway:default", Enable: "Enabled",
			},
			RunNotification: in.RunNotification, LogSetting: ls, CreatedAt: at(0), UpdatedAt: at(0), Revision: 0,
		}, *n)
		_, err = e.svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: "game"})
		require.ErrorIs(t, err, jobqueue.ErrAlreadyExists)

		got, err := e.svc.GetNamespace(e.ctx, "game")
		require.NoError(t, err)
		require.Equal(t, n, got, "settings stored and returned")
		status, err := e.svc.GetNamespaceStatus(e.ctx, "game")
		require.NoError(t, err)
		require.Equal(t, "ACTIVE", status)

		e.clk.Add(time.Second)
		n, err = e.svc.UpdateNamespace(e.ctx, jobqueue.UpdateNamespaceInput{
			NamespaceName: "game", Description: "e", EnableAutoRun: true,
			RunNotification: &jobqueue.NotificationSetting{Sound: "bell"},
		})
		require.NoError(t, err)
		require.Equal(t, jobqueue.Namespace{
			NamespaceID: "grn:gs2:local:hearth:queue:game", Name: "game", Description: "e", EnableAutoRun: true,
			RunNotification: &jobqueue.NotificationSetting{
				GatewayNamespaceID: "grn:gs2:local:hearth:gateway:default", Sound: "bell", Enable: "Enabled",
			},
			CreatedAt: at(0), UpdatedAt: at(time.Second), Revision: 1,
		}, *n, "an update replaces every setting")
		got, err = e.svc.GetNamespace(e.ctx, "game")
		require.NoError(t, err)
		require.Equal(t, n, got)
		_, _, err = e.svc.Push(e.ctx, "game", "u", []jobqueue.JobEntry{{ScriptID: "s"}})
		require.NoError(t, err)

		items, next, err := e.svc.DescribeNamespaces(e.ctx, jobqueue.DescribeNamespacesInput{})
		require.NoError(t, err)
		require.Empty(t, next)
		require.Equal(t, []string{auto, "game", manual}, nsNames(items))
		require.Equal(t, *n, items[1])
		items, _, err = e.svc.DescribeNamespaces(e.ctx, jobqueue.DescribeNamespacesInput{NamePrefix: "ma"})
		require.NoError(t, err)
		require.Equal(t, []string{manual}, nsNames(items))
		var all []string
		token := ""
		for {
			items, next, err := e.svc.DescribeNamespaces(e.ctx, jobqueue.DescribeNamespacesInput{PageToken: token, Limit: 2})
			require.NoError(t, err)
			all = append(all, nsNames(items)...)
			if next == "" {
				break
			}
			token = next
		}
		require.Equal(t, []string{auto, "game", manual}, all)

		e.clk.Add(time.Second)
		deleted, err := e.svc.DeleteNamespace(e.ctx, "game")
		require.NoError(t, err)
		require.Equal(t, n, deleted, "the namespace as it was")
		unchanged(t, st, func() {
			_, err = e.svc.GetNamespace(e.ctx, "game")
			require.ErrorIs(t, err, jobqueue.ErrNotFound)
			_, err = e.svc.GetNamespaceStatus(e.ctx, "game")
			require.ErrorIs(t, err, jobqueue.ErrNotFound)
			_, err = e.svc.UpdateNamespace(e.ctx, jobqueue.UpdateNamespaceInput{NamespaceName: "game"})
			require.ErrorIs(t, err, jobqueue.ErrNotFound)
			_, err = e.svc.DeleteNamespace(e.ctx, "game")
			require.ErrorIs(t, err, jobqueue.ErrNotFound)
		})

		v, err := e.svc.GetServiceVersion(e.ctx)
		require.NoError(t, err)
		require.NotEmpty(t, v)
	})
}

// TestNamespaceGRNsFollowRegionAndOwner: the namespace GRN and the default
// gateway namespace of notification settings use the configured region and
// owner.
func TestNamespaceGRNsFollowRegionAndOwner(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		svc, err := jobqueue.New(st, &jobqueue.Config{Region: "ap-northeast-1", Owner: "studio"})
		require.NoError(t, err)
		n, err := svc.CreateNamespace(context.Background(), jobqueue.CreateNamespaceInput{
			Name: "q", RunNotification: &jobqueue.NotificationSetting{},
		})
		require.NoError(t, err)
		require.Equal(t, "grn:gs2:ap-northeast-1:studio:queue:q", n.NamespaceID)
		require.Equal(t, "grn:gs2:ap-northeast-1:studio:gateway:default", n.RunNotification.GatewayNamespaceID)
		jobs, _, err := svc.Push(context.Background(), "q", "u", []jobqueue.JobEntry{{ScriptID: "s"}})
		require.NoError(t, err)
		require.Equal(t, "grn:gs2:ap-northeast-1:studio:queue:q:user:u:job:"+jobs[0].Name, jobs[0].JobID)
	})
}

// TestDeleteNamespaceDeletesItsRecords: deleting a namespace deletes every
// queue head, job, name index entry, result and dead letter under it, and
// nothing of other namespaces; an attempt in flight then records nothing;
// pushes fail with ErrNotFound, and a namespace re-created with the name
// starts empty.
func TestDeleteNamespaceDeletesItsRecords(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		const game = "game"
		_, err := e.svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: game})
		require.NoError(t, err)
		g := newGate()
		register(t, e.svc, "ok", okHandler)
		register(t, e.svc, "fail", func(context.Context, jobqueue.Job) (int, string, error) { return 500, "", nil })
		register(t, e.svc, "block", g.handler(200, ""))
		for _, ns := range []string{game, manual} {
			for _, u := range []string{"u1", "u2"} {
				push(t, e, ns, u, jobqueue.JobEntry{ScriptID: "ok"}, jobqueue.JobEntry{ScriptID: "fail", MaxTryCount: 1},
					jobqueue.JobEntry{ScriptID: "fail"}, jobqueue.JobEntry{ScriptID: "block"})
				for range 3 { // a success, a dead letter, a retry
					_, err := e.svc.Run(e.ctx, ns, u)
					require.NoError(t, err)
				}
			}
		}
		_, err = e.svc.Run(e.ctx, game, "u1") // the retried job again: at its head now
		require.NoError(t, err)
		game2 := game + "2" // a name that extends "game": untouched
		_, err = e.svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: game2})
		require.NoError(t, err)
		push(t, e, game2, "u1", jobqueue.JobEntry{ScriptID: "ok"})

		// u2's blocking job of game is in flight during the deletion.
		done := make(chan error, 1)
		_, err = e.svc.DeleteJob(e.ctx, game, "u2", peekHead(t, e, game, "u2"))
		require.NoError(t, err)
		go func() {
			_, err := e.svc.Run(e.ctx, game, "u2")
			done <- err
		}()
		recv(t, g.started)

		underGame := func(k string) bool {
			for _, kind := range []string{"namespace", "user", "job", "name", "result", "dead"} {
				p := `("queue", "` + kind + `", "` + game
				if strings.HasPrefix(k, p+`")`) || strings.HasPrefix(k, p+`", `) {
					return true
				}
			}
			return false
		}
		before := dump(t, st)
		kinds := map[string]bool{}
		for k := range before {
			if underGame(k) {
				kinds[strings.Split(k, `"`)[3]] = true
			}
		}
		require.Len(t, kinds, 6, "every kind of record exists under the namespace before: %v", kinds)

		_, err = e.svc.DeleteNamespace(e.ctx, game)
		require.NoError(t, err)
		close(g.release)
		require.ErrorIs(t, recv(t, done), jobqueue.ErrNotFound, "the attempt's namespace is gone")

		after := dump(t, st)
		for k, v := range before {
			if underGame(k) {
				require.NotContains(t, after, k)
			} else {
				require.Equal(t, v, after[k], "%s is not the namespace's", k)
			}
		}
		for k := range after {
			require.Contains(t, before, k, "nothing new after the attempt finished")
		}

		unchanged(t, st, func() {
			_, _, err = e.svc.Push(e.ctx, game, "u1", []jobqueue.JobEntry{{ScriptID: "ok"}})
			require.ErrorIs(t, err, jobqueue.ErrNotFound)
			_, err = e.svc.Run(e.ctx, game, "u1")
			require.ErrorIs(t, err, jobqueue.ErrNotFound)
			_, _, err = e.svc.DescribeJobs(e.ctx, game, "u1", "", 0)
			require.ErrorIs(t, err, jobqueue.ErrNotFound)
		})

		_, err = e.svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: game})
		require.NoError(t, err)
		for _, u := range []string{"u1", "u2"} {
			items, _, err := e.svc.DescribeJobs(e.ctx, game, u, "", 0)
			require.NoError(t, err)
			require.Empty(t, items)
			dead, _, err := e.svc.DescribeDeadLetterJobs(e.ctx, game, u, "", 0)
			require.NoError(t, err)
			require.Empty(t, dead)
		}
		r, err := e.svc.Run(e.ctx, game, "u1")
		require.NoError(t, err)
		require.Nil(t, r.Job, "the re-created namespace starts empty")
	})
}

// peekHead returns the name of the head job of user's queue.
func peekHead(t *testing.T, e *env, ns, user string) string {
	t.Helper()
	items, _, err := e.svc.DescribeJobs(e.ctx, ns, user, "", 1)
	require.NoError(t, err)
	require.NotEmpty(t, items)
	return items[0].Name
}
