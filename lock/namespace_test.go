package lock_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store"
)

func TestNamespaceLifecycle(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		ls := &lock.LogSetting{LoggingNamespaceID: "grn:gs2:local:hearth:log:main"}
		n, err := e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: "game", Description: "d", LogSetting: ls})
		require.NoError(t, err)
		require.Equal(t, lock.Namespace{
			NamespaceID: "grn:gs2:local:hearth:lock:game", Name: "game", Description: "d", LogSetting: ls,
			CreatedAt: at(0), UpdatedAt: at(0), Revision: 0,
		}, *n)
		_, err = e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: "game"})
		require.ErrorIs(t, err, lock.ErrAlreadyExists)

		got, err := e.svc.GetNamespace(e.ctx, "game")
		require.NoError(t, err)
		require.Equal(t, n, got)
		status, err := e.svc.GetNamespaceStatus(e.ctx, "game")
		require.NoError(t, err)
		require.Equal(t, "ACTIVE", status)

		e.clk.Add(time.Second)
		n, err = e.svc.UpdateNamespace(e.ctx, lock.UpdateNamespaceInput{NamespaceName: "game", Description: "e"})
		require.NoError(t, err)
		require.Equal(t, "e", n.Description)
		require.Nil(t, n.LogSetting, "update replaces the log setting")
		require.EqualValues(t, 1, n.Revision)
		require.Equal(t, at(time.Second), n.UpdatedAt)
		require.Equal(t, at(0), n.CreatedAt)

		items, next, err := e.svc.DescribeNamespaces(e.ctx, lock.DescribeNamespacesInput{})
		require.NoError(t, err)
		require.Empty(t, next)
		require.Equal(t, []string{"game", ns}, names(items))
		items, _, err = e.svc.DescribeNamespaces(e.ctx, lock.DescribeNamespacesInput{NamePrefix: "ga"})
		require.NoError(t, err)
		require.Equal(t, []string{"game"}, names(items))
		items, next, err = e.svc.DescribeNamespaces(e.ctx, lock.DescribeNamespacesInput{Limit: 1})
		require.NoError(t, err)
		require.Equal(t, []string{"game"}, names(items))
		items, next, err = e.svc.DescribeNamespaces(e.ctx, lock.DescribeNamespacesInput{Limit: 1, PageToken: next})
		require.NoError(t, err)
		require.Equal(t, []string{ns}, names(items))
		require.Empty(t, next)

		_, err = e.svc.UpdateNamespace(e.ctx, lock.UpdateNamespaceInput{NamespaceName: "missing"})
		require.ErrorIs(t, err, lock.ErrNotFound)
		_, err = e.svc.GetNamespaceStatus(e.ctx, "missing")
		require.ErrorIs(t, err, lock.ErrNotFound)
	})
}

// TestDeleteNamespaceDeletesItsMutexes: deleting a namespace deletes its
// mutexes and fencing counters and nothing of other namespaces; tokens of a
// re-created namespace restart.
func TestDeleteNamespaceDeletesItsMutexes(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		_, err := e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: "game"})
		require.NoError(t, err)
		for _, p := range []string{"a", "b"} {
			_, err = e.svc.Lock(e.ctx, "game", "u1", p, "tx", time.Minute)
			require.NoError(t, err)
			_, err = e.svc.Unlock(e.ctx, "game", "u1", p, "tx")
			require.NoError(t, err)
			_, err = e.svc.Lock(e.ctx, "game", "u1", p, "tx", time.Minute)
			require.NoError(t, err)
		}
		_, err = e.svc.Lock(e.ctx, ns, "u1", "a", "tx", time.Minute)
		require.NoError(t, err)
		before := dump(t, st)

		n, err := e.svc.DeleteNamespace(e.ctx, "game")
		require.NoError(t, err)
		require.Equal(t, "game", n.Name)
		after := dump(t, st)
		for k := range before {
			if _, ok := after[k]; !ok {
				require.Contains(t, k, `"game"`, "only keys of the deleted namespace go")
			}
		}
		for k := range after {
			require.NotContains(t, k, `"game"`, "every key of the deleted namespace goes")
		}
		_, err = e.svc.GetMutex(e.ctx, ns, "u1", "a")
		require.NoError(t, err)
		_, err = e.svc.Lock(e.ctx, "game", "u1", "a", "tx", time.Minute)
		require.ErrorIs(t, err, lock.ErrNotFound)
		_, err = e.svc.DeleteNamespace(e.ctx, "game")
		require.ErrorIs(t, err, lock.ErrNotFound)

		_, err = e.svc.CreateNamespace(e.ctx, lock.CreateNamespaceInput{Name: "game"})
		require.NoError(t, err)
		m, err := e.svc.Lock(e.ctx, "game", "u1", "a", "tx", time.Minute)
		require.NoError(t, err)
		require.EqualValues(t, 1, m.FencingToken, "tokens restart after the namespace is deleted")
	})
}

func names(items []lock.Namespace) []string {
	out := make([]string, len(items))
	for i, n := range items {
		out[i] = n.Name
	}
	return out
}
