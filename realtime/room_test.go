package realtime_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/store"
)

func TestWantRoomNamesAndDuplicates(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(false))
		r, err := e.svc.WantRoom(e.ctx, ns, "", nil)
		require.NoError(t, err)
		_, err = uuid.Parse(r.Name)
		require.NoError(t, err, "an empty name becomes a UUID")
		require.Equal(t, e.clk.Now().UnixMilli(), r.CreatedAt)

		_, err = e.svc.WantRoom(e.ctx, ns, "r", nil)
		require.NoError(t, err)
		e.settle(t)
		svc := e.service(t)
		unchanged(t, st, func() {
			_, err = svc.WantRoom(e.ctx, ns, "r", []string{"x"})
			require.ErrorIs(t, err, realtime.ErrAlreadyExists)
			_, err = svc.WantRoom(e.ctx, "missing", "r", nil)
			require.ErrorIs(t, err, realtime.ErrNotFound)
		})
		_, err = e.svc.GetRoom(e.ctx, ns, "nope")
		require.ErrorIs(t, err, realtime.ErrNotFound)
		_, err = e.svc.GetRoom(e.ctx, "missing", "r")
		require.ErrorIs(t, err, realtime.ErrNotFound)
	})
}

func TestDeleteReleases(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(false))
		for _, n := range []string{"a", "b", "c"} {
			_, err := e.svc.WantRoom(e.ctx, ns, n, nil)
			require.NoError(t, err)
		}
		e.settle(t)
		del, err := e.svc.DeleteRoom(e.ctx, ns, "a")
		require.NoError(t, err)
		require.Equal(t, realtime.StatusReady, del.Status)
		require.Equal(t, []string{"game/a"}, e.prov.releasedRooms())
		unchanged(t, st, func() {
			_, err = e.svc.DeleteRoom(e.ctx, ns, "a")
			require.ErrorIs(t, err, realtime.ErrNotFound)
		})

		_, err = e.svc.DeleteNamespace(e.ctx, ns)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"game/a", "game/b", "game/c"}, e.prov.releasedRooms())
		require.Empty(t, dump(t, st), "the namespace and its rooms are gone")
	})
}

func TestDescribeRoomsPages(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(false))
		_, err := e.svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: "gamez"})
		require.NoError(t, err)
		_, err = e.svc.WantRoom(e.ctx, "gamez", "other", nil)
		require.NoError(t, err)
		var want []string
		for i := range 5 {
			n := fmt.Sprintf("room-%d", i)
			want = append(want, n)
			_, err := e.svc.WantRoom(e.ctx, ns, n, nil)
			require.NoError(t, err)
		}
		var got []string
		token, pages := "", 0
		for {
			items, next, err := e.svc.DescribeRooms(e.ctx, ns, token, 2)
			require.NoError(t, err)
			require.LessOrEqual(t, len(items), 2)
			for _, r := range items {
				got = append(got, r.Name)
				require.Equal(t, "grn:gs2:local:hearth:realtime:game:room:"+r.Name, r.RoomID)
			}
			pages++
			if next == "" {
				break
			}
			token = next
		}
		require.Equal(t, want, got)
		require.Equal(t, 3, pages)

		all, next, err := e.svc.DescribeRooms(e.ctx, ns, "", 0)
		require.NoError(t, err)
		require.Len(t, all, 5)
		require.Empty(t, next)
		_, _, err = e.svc.DescribeRooms(e.ctx, ns, "garbage", 2)
		require.ErrorIs(t, err, realtime.ErrInvalidArgument)
		require.ErrorContains(t, err, "pageToken")
		_, _, err = e.svc.DescribeRooms(e.ctx, "missing", "", 0)
		require.ErrorIs(t, err, realtime.ErrNotFound)
	})
}

func TestNowHonoursOffset(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(false))
		e.clk.Add(time.Hour)
		now, err := e.svc.Now(e.ctx)
		require.NoError(t, err)
		require.Equal(t, e.clk.Now().UnixMilli(), now)
		shifted, err := e.svc.Now(clock.WithOffset(e.ctx, 90*time.Second))
		require.NoError(t, err)
		require.Equal(t, now+90_000, shifted)
		r, err := e.svc.WantRoom(clock.WithOffset(e.ctx, time.Minute), ns, "r", nil)
		require.NoError(t, err)
		require.Equal(t, now+60_000, r.CreatedAt)
		v, err := e.svc.GetServiceVersion(e.ctx)
		require.NoError(t, err)
		require.NotEmpty(t, v)
	})
}

func TestNamespaceSettings(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(false))
		n, err := e.svc.GetNamespace(e.ctx, ns)
		require.NoError(t, err)
		require.Equal(t, realtime.ServerTypeRelay, n.ServerType)
		require.Equal(t, realtime.ServerSpecNano, n.ServerSpec)
		require.Equal(t, "grn:gs2:local:hearth:gateway:default", n.CreateNotification.GatewayNamespaceID)
		require.Equal(t, "grn:gs2:local:hearth:realtime:game", n.NamespaceID)
		n, err = e.svc.UpdateNamespace(e.ctx, realtime.UpdateNamespaceInput{NamespaceName: ns, Description: "d"})
		require.NoError(t, err)
		require.Equal(t, int64(1), n.Revision)
		require.Nil(t, n.CreateNotification)
		status, err := e.svc.GetNamespaceStatus(e.ctx, ns)
		require.NoError(t, err)
		require.Equal(t, "ACTIVE", status)
		list, _, err := e.svc.DescribeNamespaces(e.ctx, realtime.DescribeNamespacesInput{})
		require.NoError(t, err)
		require.Len(t, list, 1)
	})
}
