package gateway_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/store"
)

func TestNamespaceLifecycle(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, &gateway.Config{Region: "ap-northeast-1", Owner: "studio"})
		ctx := e.ctx
		secret := chars(gateway.MaxFirebaseSecretLen)
		ts := &gateway.TransactionSetting{EnableAutoRun: true, QueueNamespaceID: "grn:gs2:r:o:queue:q"}
		ls := &gateway.LogSetting{LoggingNamespaceID: "grn:gs2:r:o:log:l"}
		created, err := e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{
			Name: "push", Description: "d", TransactionSetting: ts, FirebaseSecret: secret, LogSetting: ls,
		})
		require.NoError(t, err)
		now := clock.Millis(e.clk.Now())
		want := gateway.Namespace{
			NamespaceID: "grn:gs2:ap-northeast-1:studio:gateway:push", Name: "push", Description: "d",
			TransactionSetting: ts, FirebaseSecret: secret, LogSetting: ls, CreatedAt: now, UpdatedAt: now,
		}
		require.Equal(t, want, *created)
		got, err := e.svc.GetNamespace(ctx, "push")
		require.NoError(t, err)
		require.Equal(t, want, *got)
		status, err := e.svc.GetNamespaceStatus(ctx, "push")
		require.NoError(t, err)
		require.Equal(t, "ACTIVE", status)

		_, err = e.svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "push"})
		require.ErrorIs(t, err, gateway.ErrAlreadyExists)

		e.clk.Add(time.Second)
		updated, err := e.svc.UpdateNamespace(ctx, gateway.UpdateNamespaceInput{NamespaceName: "push", FirebaseSecret: "s2"})
		require.NoError(t, err)
		require.Equal(t, "s2", updated.FirebaseSecret)
		require.Empty(t, updated.Description, "an update replaces every setting")
		require.Nil(t, updated.TransactionSetting)
		require.Equal(t, int64(1), updated.Revision)
		require.Equal(t, now, updated.CreatedAt)
		require.Equal(t, clock.Millis(e.clk.Now()), updated.UpdatedAt)

		items, next, err := e.svc.DescribeNamespaces(ctx, gateway.DescribeNamespacesInput{Limit: 1})
		require.NoError(t, err)
		require.Equal(t, []string{ns}, []string{items[0].Name})
		items, next, err = e.svc.DescribeNamespaces(ctx, gateway.DescribeNamespacesInput{PageToken: next})
		require.NoError(t, err)
		require.Empty(t, next)
		require.Equal(t, "push", items[0].Name)
		items, _, err = e.svc.DescribeNamespaces(ctx, gateway.DescribeNamespacesInput{NamePrefix: "pu"})
		require.NoError(t, err)
		require.Len(t, items, 1)

		deleted, err := e.svc.DeleteNamespace(ctx, "push")
		require.NoError(t, err)
		require.Equal(t, *updated, *deleted)
		_, err = e.svc.GetNamespace(ctx, "push")
		require.ErrorIs(t, err, gateway.ErrNotFound)
		_, err = e.svc.GetNamespaceStatus(ctx, "push")
		require.ErrorIs(t, err, gateway.ErrNotFound)
		_, err = e.svc.DeleteNamespace(ctx, "push")
		require.ErrorIs(t, err, gateway.ErrNotFound)
		_, err = e.svc.UpdateNamespace(ctx, gateway.UpdateNamespaceInput{NamespaceName: "push"})
		require.ErrorIs(t, err, gateway.ErrNotFound)
	})
}

// TestDeleteNamespaceDeletesEverythingUnderIt: sessions (on every node),
// their indexes, guards and device tokens go in the deleting transaction,
// and this node's connections of the namespace are closed.
func TestDeleteNamespaceDeletesEverythingUnderIt(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		before := dump(t, st)
		_, err := e.svc.CreateNamespace(e.ctx, gateway.CreateNamespaceInput{Name: "doomed"})
		require.NoError(t, err)
		other := startService(t, st, "node-2")
		t.Cleanup(func() { _ = other.Stop(e.ctx) })

		var conns []*fakeConn
		for _, user := range []string{"a", "a", "b"} {
			id, c := e.connect("doomed")
			_, err := e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: "doomed", ConnectionID: id, UserID: user})
			require.NoError(t, err)
			conns = append(conns, c)
		}
		_, unbound := e.connect("doomed")
		otherID, err := other.Connect(e.ctx, "doomed", newFakeConn())
		require.NoError(t, err)
		_, err = other.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: "doomed", ConnectionID: otherID, UserID: "a"})
		require.NoError(t, err)
		_, err = e.svc.SetFirebaseToken(e.ctx, "doomed", "a", "tok")
		require.NoError(t, err)
		// In the surviving namespace.
		keptID, kept := e.bind("a")
		_, err = e.svc.SetFirebaseToken(e.ctx, ns, "a", "tok")
		require.NoError(t, err)
		mid := dump(t, st)

		_, err = e.svc.DeleteNamespace(e.ctx, "doomed")
		require.NoError(t, err)
		for _, c := range append(conns, unbound) {
			require.Equal(t, gateway.ClosePolicyViolation, c.closeCode())
		}
		require.False(t, kept.isClosed())
		require.Equal(t, 1, gateway.LiveCount(e.svc))

		// Exactly the surviving namespace's records remain.
		after := dump(t, st)
		for k := range after {
			require.NotContains(t, k, `"doomed"`)
		}
		for k, v := range mid {
			if !strings.Contains(k, `"doomed"`) {
				require.Equal(t, v, after[k], k)
			}
		}
		require.Greater(t, len(after), len(before))
		require.Equal(t, []string{keptID}, e.sessions(ns, "a"))
		e.requireConsistent()

		// Re-created, it is empty.
		_, err = e.svc.CreateNamespace(e.ctx, gateway.CreateNamespaceInput{Name: "doomed"})
		require.NoError(t, err)
		require.Empty(t, e.sessions("doomed", "a"))
		_, err = e.svc.GetFirebaseToken(e.ctx, "doomed", "a")
		require.ErrorIs(t, err, gateway.ErrNotFound)
	})
}
