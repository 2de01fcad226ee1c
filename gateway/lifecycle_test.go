package gateway_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/store"
)

// startService returns a started service on st with node ID node, without
// stopping it at the end of the test.
func startService(t *testing.T, st store.Store, node string) *gateway.Service {
	t.Helper()
	svc, err := gateway.New(st, &gateway.Config{Clock: clock.NewMock(), NodeID: node})
	require.NoError(t, err)
	require.NoError(t, svc.Start(context.Background()))
	return svc
}

func bindOn(t *testing.T, svc *gateway.Service, user string) string {
	t.Helper()
	ctx := context.Background()
	id, err := svc.Connect(ctx, ns, newFakeConn())
	require.NoError(t, err)
	_, err = svc.SetUserID(ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: user})
	require.NoError(t, err)
	return id
}

// TestStartRemovesTheSessionsOfACrashedProcess: a process that ended
// without Stop left its sessions; the next process with the same node ID
// removes them at Start, and leaves the other nodes' sessions alone.
func TestStartRemovesTheSessionsOfACrashedProcess(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		crashed := startService(t, st, "node-1")
		_, err := crashed.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: ns})
		require.NoError(t, err)
		other := startService(t, st, "node-2")
		t.Cleanup(func() { _ = other.Stop(context.Background()) })

		for range 300 { // more than one sweep batch
			bindOn(t, crashed, "a")
		}
		bindOn(t, crashed, "b")
		kept := bindOn(t, other, "a")
		require.NoError(t, gateway.CheckStore(st))
		// crashed is dropped without Stop: its process "died".

		restarted, err := gateway.New(st, &gateway.Config{Clock: clock.NewMock(), NodeID: "node-1"})
		require.NoError(t, err)
		_, err = restarted.Connect(ctx, ns, newFakeConn())
		require.ErrorIs(t, err, gateway.ErrNotStarted, "Connect must wait for Start")
		require.NoError(t, restarted.Start(ctx))
		t.Cleanup(func() { _ = restarted.Stop(context.Background()) })

		items, _, err := restarted.DescribeWebSocketSessions(ctx, ns, "a", "", 1000)
		require.NoError(t, err)
		require.Len(t, items, 1)
		require.Equal(t, kept, items[0].ConnectionID)
		require.Equal(t, "node-2", items[0].NodeID)
		items, _, err = restarted.DescribeWebSocketSessions(ctx, ns, "b", "", 0)
		require.NoError(t, err)
		require.Empty(t, items)
		require.NoError(t, gateway.CheckStore(st))

		// The restarted node works as usual.
		bindOn(t, restarted, "b")
		require.NoError(t, gateway.CheckStore(st))
	})
}

func TestStopClosesEveryConnectionAndRemovesTheSessions(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		other := startService(t, st, "node-2")
		t.Cleanup(func() { _ = other.Stop(context.Background()) })
		kept := bindOn(t, other, "u")

		id, c := e.bind("u")
		_, c2 := e.bind("v")
		unboundID, unbound := e.connect(ns)
		require.NoError(t, e.svc.Stop(e.ctx))

		for _, fc := range []*fakeConn{c, c2, unbound} {
			require.Equal(t, gateway.CloseGoingAway, fc.closeCode())
		}
		require.Equal(t, []string{kept}, e.sessions(ns, "u"), "only this node's sessions go")
		require.Empty(t, e.sessions(ns, "v"))
		require.Zero(t, gateway.LiveCount(e.svc))
		e.requireConsistent()

		_, err := e.svc.Connect(e.ctx, ns, newFakeConn())
		require.ErrorIs(t, err, gateway.ErrStopped)
		require.ErrorIs(t, e.svc.Start(e.ctx), gateway.ErrStopped)
		for _, connID := range []string{id, unboundID} {
			_, err = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: connID, UserID: "u"})
			require.ErrorIs(t, err, gateway.ErrNotFound)
		}
		require.NoError(t, e.svc.Stop(e.ctx), "Stop after Stop does nothing")

		// The store methods keep working; a notification finds no session
		// here.
		res, err := e.svc.SendNotification(e.ctx, gateway.SendNotificationInput{NamespaceName: ns, UserID: "v", Subject: "s", Payload: "{}"})
		require.NoError(t, err)
		require.Equal(t, gateway.ProtocolNone, res.Protocol)
	})
}

func TestStartTwiceAndStopBeforeStart(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		svc := startService(t, st, "")
		require.Error(t, svc.Start(ctx))
		require.NoError(t, svc.Stop(ctx))

		never, err := gateway.New(st, nil)
		require.NoError(t, err)
		require.NoError(t, never.Stop(ctx))
		require.ErrorIs(t, never.Start(ctx), gateway.ErrStopped)
		_, err = never.Connect(ctx, ns, newFakeConn())
		require.ErrorIs(t, err, gateway.ErrStopped)
	})
}

func TestNew(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		_, err := gateway.New(nil, nil)
		requireInvalid(t, err, "store")
		_, err = gateway.New(st, &gateway.Config{Region: "a:b"})
		requireInvalid(t, err, "region")
		_, err = gateway.New(st, &gateway.Config{Owner: "a b"})
		requireInvalid(t, err, "owner")
		_, err = gateway.New(st, &gateway.Config{NodeID: chars(129)})
		requireInvalid(t, err, "NodeID")
		svc, err := gateway.New(st, &gateway.Config{NodeID: chars(128)})
		require.NoError(t, err)
		require.Equal(t, chars(128), svc.NodeID())
		svc, err = gateway.New(st, nil)
		require.NoError(t, err)
		require.Equal(t, gateway.DefaultNodeID, svc.NodeID())
		v, err := svc.GetServiceVersion(context.Background())
		require.NoError(t, err)
		require.NotEmpty(t, v)
	})
}
