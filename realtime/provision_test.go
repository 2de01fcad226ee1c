package realtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/store"
)

// The acceptance line: WantRoom returns before provisioning; the room has
// no address; releasing the provisioner stores the address and each user
// gets exactly one Gs2Realtime:Create.
func TestWantRoomProvisionsAsynchronously(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(true))
		users := []string{"alice", "bob", "carol"}
		r, err := e.svc.WantRoom(e.ctx, ns, "match-1", users)
		require.NoError(t, err)
		require.Equal(t, realtime.StatusProvisioning, r.Status)
		require.Empty(t, r.IPAddress)
		require.Zero(t, r.Port)
		require.Empty(t, r.EncryptionKey)
		require.Equal(t, "grn:gs2:local:hearth:realtime:game:room:match-1", r.RoomID)

		req := <-e.prov.calls // provisioning has started and is blocked
		require.Equal(t, realtime.ProvisionRequest{
			NamespaceName: ns, RoomName: "match-1", ServerType: realtime.ServerTypeRelay,
			ServerSpec: realtime.ServerSpecNano, IdleTimeout: realtime.DefaultIdleTimeout,
			MaxLifetime: realtime.DefaultMaxLifetime,
		}, withoutEnded(req))
		got, err := e.svc.GetRoom(e.ctx, ns, "match-1")
		require.NoError(t, err)
		require.Equal(t, realtime.StatusProvisioning, got.Status)
		require.Empty(t, got.IPAddress)
		require.Zero(t, got.Port)
		require.Empty(t, e.notifier.all())

		close(e.prov.gate)
		e.settle(t)
		got, err = e.svc.GetRoom(e.ctx, ns, "match-1")
		require.NoError(t, err)
		require.Equal(t, realtime.StatusReady, got.Status)
		require.Equal(t, "10.0.0.1", got.IPAddress)
		require.Equal(t, 20001, got.Port)
		require.Equal(t, "key-match-1", got.EncryptionKey)
		require.Equal(t, int64(1), got.Revision)
		require.Equal(t, users, got.NotificationUserIDs)
		require.ElementsMatch(t, []notification{
			createNote("alice", "match-1"), createNote("bob", "match-1"), createNote("carol", "match-1"),
		}, e.notifier.all())
	})
}

func withoutEnded(r realtime.ProvisionRequest) realtime.ProvisionRequest {
	r.Ended = nil
	return r
}

func TestNoNotificationWithoutOrDisabledSetting(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(false))
		_, err := e.svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: "quiet"})
		require.NoError(t, err)
		_, err = e.svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: "off",
			CreateNotification: &realtime.NotificationSetting{Enable: "Disabled"}})
		require.NoError(t, err)
		for _, n := range []string{"quiet", "off"} {
			_, err = e.svc.WantRoom(e.ctx, n, "r", []string{"alice"})
			require.NoError(t, err)
		}
		e.settle(t)
		for _, n := range []string{"quiet", "off"} {
			got, err := e.svc.GetRoom(e.ctx, n, "r")
			require.NoError(t, err)
			require.Equal(t, realtime.StatusReady, got.Status)
		}
		require.Empty(t, e.notifier.all())
	})
}

func TestProvisionFailureIsRecorded(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		p := newProv(false)
		p.fail = errors.New("no capacity")
		e := newEnv(t, st, p)
		_, err := e.svc.WantRoom(e.ctx, ns, "r", []string{"alice"})
		require.NoError(t, err)
		e.settle(t)
		got, err := e.svc.GetRoom(e.ctx, ns, "r")
		require.NoError(t, err)
		require.Equal(t, realtime.StatusFailed, got.Status)
		require.Equal(t, "no capacity", got.FailureReason)
		require.Empty(t, got.IPAddress)
		require.Equal(t, int64(1), got.Revision)
		require.Empty(t, e.notifier.all())
	})
}

// badEndpointProv answers with an endpoint out of the model's limits.
// badEndpointProv hands out ep.
type badEndpointProv struct {
	fakeProv
	ep realtime.Endpoint
}

func (p *badEndpointProv) Provision(context.Context, realtime.ProvisionRequest) (realtime.Endpoint, error) {
	return p.ep, nil
}

func TestInvalidEndpointFails(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	for field, ep := range map[string]realtime.Endpoint{
		"port":          {IPAddress: "h", Port: 70000, EncryptionKey: "k"},
		"port ":         {IPAddress: "h", Port: -1, EncryptionKey: "k"},
		"ipAddress":     {IPAddress: long(129), Port: 1, EncryptionKey: "k"},
		"encryptionKey": {IPAddress: "h", Port: 1, EncryptionKey: long(257)},
	} {
		eachStore(t, func(t *testing.T, st store.Store) {
			p := &badEndpointProv{ep: ep}
			svc, err := realtime.New(st, &realtime.Config{Provisioner: p})
			require.NoError(t, err)
			ctx := context.Background()
			_, err = svc.CreateNamespace(ctx, realtime.CreateNamespaceInput{Name: ns})
			require.NoError(t, err)
			_, err = svc.WantRoom(ctx, ns, "r", nil)
			require.NoError(t, err)
			require.NoError(t, svc.Stop(ctx))
			got, err := svc.GetRoom(ctx, ns, "r")
			require.NoError(t, err)
			require.Equal(t, realtime.StatusFailed, got.Status, field)
			require.Contains(t, got.FailureReason, strings.TrimSpace(field))
			require.Empty(t, got.IPAddress, "nothing of the endpoint is stored")
			require.Equal(t, []string{"game/r"}, p.releasedRooms(), "the unusable endpoint is released")
		})
	}
}

func TestDeleteRoomDuringProvisioningCancelsIt(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(true))
		_, err := e.svc.WantRoom(e.ctx, ns, "r", []string{"alice"})
		require.NoError(t, err)
		<-e.prov.calls
		del, err := e.svc.DeleteRoom(e.ctx, ns, "r")
		require.NoError(t, err)
		require.Equal(t, realtime.StatusProvisioning, del.Status)
		e.settle(t) // the Provision's ctx was cancelled: Stop does not wait for the gate
		_, err = e.svc.GetRoom(e.ctx, ns, "r")
		require.ErrorIs(t, err, realtime.ErrNotFound)
		require.Empty(t, e.notifier.all())
		require.Empty(t, e.prov.releasedRooms())
	})
}

func TestDeleteRoomDuringProvisioningWins(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		p := newProv(true)
		p.ignoreCancel = true
		e := newEnv(t, st, p)
		_, err := e.svc.WantRoom(e.ctx, ns, "r", []string{"alice"})
		require.NoError(t, err)
		<-p.calls
		_, err = e.svc.DeleteRoom(e.ctx, ns, "r")
		require.NoError(t, err)
		require.Empty(t, p.releasedRooms())
		close(p.gate) // the provisioner answers anyway
		e.settle(t)
		_, err = e.svc.GetRoom(e.ctx, ns, "r")
		require.ErrorIs(t, err, realtime.ErrNotFound, "the deletion wins")
		require.Equal(t, []string{"game/r"}, p.releasedRooms(), "the endpoint is released")
		require.Empty(t, e.notifier.all())
	})
}

func TestEndedDeletesRoom(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(false))
		_, err := e.svc.WantRoom(e.ctx, ns, "r", nil)
		require.NoError(t, err)
		first := <-e.prov.calls
		e.settle(t)

		first.Ended("idle")
		_, err = e.svc.GetRoom(e.ctx, ns, "r")
		require.ErrorIs(t, err, realtime.ErrNotFound)

		// A new room of the same name is not ended by the old room's callback.
		svc := e.service(t)
		_, err = svc.WantRoom(e.ctx, ns, "r", nil)
		require.NoError(t, err)
		second := <-e.prov.calls
		require.NoError(t, svc.Stop(e.ctx))
		first.Ended("again")
		_, err = svc.GetRoom(e.ctx, ns, "r")
		require.NoError(t, err)
		second.Ended("lifetime")
		_, err = svc.GetRoom(e.ctx, ns, "r")
		require.ErrorIs(t, err, realtime.ErrNotFound)
		require.Empty(t, e.prov.releasedRooms(), "a room that ended by itself is not released")
	})
}

// Rooms left PROVISIONING by a process that died are provisioned at Start;
// rooms already READY or FAILED are not.
func TestStartRecoversPendingRooms(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(true))
		_, err := e.svc.WantRoom(e.ctx, ns, "pending", []string{"alice"})
		require.NoError(t, err)
		<-e.prov.calls
		// The process dies: Stop gives up at once and the room is left
		// PROVISIONING.
		ctx, cancel := context.WithCancel(e.ctx)
		cancel()
		require.ErrorIs(t, e.svc.Stop(ctx), context.Canceled)
		got, err := e.svc.GetRoom(e.ctx, ns, "pending")
		require.NoError(t, err)
		require.Equal(t, realtime.StatusProvisioning, got.Status)

		e.prov = newProv(false)
		svc := e.service(t)
		require.NoError(t, svc.Start(e.ctx))
		req := <-e.prov.calls
		require.Equal(t, "pending", req.RoomName)
		require.NoError(t, svc.Stop(e.ctx))
		got, err = svc.GetRoom(e.ctx, ns, "pending")
		require.NoError(t, err)
		require.Equal(t, realtime.StatusReady, got.Status)
		require.Equal(t, []notification{createNote("alice", "pending")}, e.notifier.all())

		// A second restart finds nothing to do.
		e.prov = newProv(false)
		svc = e.service(t)
		require.NoError(t, svc.Start(e.ctx))
		require.NoError(t, svc.Stop(e.ctx))
		require.Empty(t, e.prov.calls)
	})
}

func TestLifecycle(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(false))
		require.NoError(t, e.svc.Start(e.ctx))
		require.Error(t, e.svc.Start(e.ctx))
		require.NoError(t, e.svc.Stop(e.ctx))
		require.NoError(t, e.svc.Stop(e.ctx))
		require.ErrorIs(t, e.svc.Start(e.ctx), realtime.ErrStopped)
		unchanged(t, st, func() {
			_, err := e.svc.WantRoom(e.ctx, ns, "late", nil)
			require.ErrorIs(t, err, realtime.ErrStopped)
		})
	})
}
