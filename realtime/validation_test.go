package realtime_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/store"
)

func TestValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	users := func(n int) []string {
		u := make([]string, n)
		for i := range u {
			u[i] = "u"
		}
		return u
	}
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, newProv(false))
		_, err := e.svc.WantRoom(e.ctx, ns, "existing", nil)
		require.NoError(t, err)
		e.settle(t)
		// Limits that pass.
		svc := e.service(t)
		_, err = svc.WantRoom(e.ctx, ns, long(128), users(1000))
		require.NoError(t, err)
		_, err = svc.WantRoom(e.ctx, ns, "", []string{long(128)})
		require.NoError(t, err)
		require.NoError(t, svc.Stop(e.ctx))
		svc = e.service(t)

		cases := []struct {
			name, field string
			call        func() error
		}{
			{"room name too long", "roomName", func() error { _, err := svc.WantRoom(e.ctx, ns, long(129), nil); return err }},
			{"too many users", "notificationUserIds", func() error { _, err := svc.WantRoom(e.ctx, ns, "r", users(1001)); return err }},
			{"user too long", "notificationUserIds[1]", func() error {
				_, err := svc.WantRoom(e.ctx, ns, "r", []string{"a", long(129)})
				return err
			}},
			{"empty user", "notificationUserIds[0]", func() error { _, err := svc.WantRoom(e.ctx, ns, "r", []string{""}); return err }},
			{"bad namespace", "namespaceName", func() error { _, err := svc.WantRoom(e.ctx, "a:b", "r", nil); return err }},
			{"get without name", "roomName", func() error { _, err := svc.GetRoom(e.ctx, ns, ""); return err }},
			{"get name too long", "roomName", func() error { _, err := svc.GetRoom(e.ctx, ns, long(129)); return err }},
			{"delete without name", "roomName", func() error { _, err := svc.DeleteRoom(e.ctx, ns, ""); return err }},
			{"delete bad namespace", "namespaceName", func() error { _, err := svc.DeleteRoom(e.ctx, "", "existing"); return err }},
			{"delete name too long", "roomName", func() error { _, err := svc.DeleteRoom(e.ctx, ns, long(129)); return err }},
			{"want namespace too long", "namespaceName", func() error { _, err := svc.WantRoom(e.ctx, long(129), "r", nil); return err }},
			{"get namespace too long", "namespaceName", func() error { _, err := svc.GetRoom(e.ctx, long(129), "r"); return err }},
			{"delete namespace too long", "namespaceName", func() error { _, err := svc.DeleteRoom(e.ctx, long(129), "r"); return err }},
			{"describe namespace too long", "namespaceName", func() error { _, _, err := svc.DescribeRooms(e.ctx, long(129), "", 10); return err }},
			{"limit too big", "limit", func() error { _, _, err := svc.DescribeRooms(e.ctx, ns, "", 1001); return err }},
			{"limit negative", "limit", func() error { _, _, err := svc.DescribeRooms(e.ctx, ns, "", -1); return err }},
			{"server type", "serverType", func() error {
				_, err := svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: "n", ServerType: "dedicated"})
				return err
			}},
			{"server spec", "serverSpec", func() error {
				_, err := svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: "n", ServerSpec: "realtime1.large"})
				return err
			}},
			{"update server spec", "serverSpec", func() error {
				_, err := svc.UpdateNamespace(e.ctx, realtime.UpdateNamespaceInput{NamespaceName: ns, ServerSpec: long(129)})
				return err
			}},
			{"notification sound", "createNotification.sound", func() error {
				_, err := svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: "n",
					CreateNotification: &realtime.NotificationSetting{Sound: long(257)}})
				return err
			}},
			{"notification enable", "createNotification.enable", func() error {
				_, err := svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: "n",
					CreateNotification: &realtime.NotificationSetting{Enable: "Maybe"}})
				return err
			}},
			{"notification gateway", "createNotification.gatewayNamespaceId", func() error {
				_, err := svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: "n",
					CreateNotification: &realtime.NotificationSetting{GatewayNamespaceID: "nope"}})
				return err
			}},
			{"transaction setting", "transactionSetting.queueNamespaceId", func() error {
				_, err := svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: "n",
					TransactionSetting: &realtime.TransactionSetting{QueueNamespaceID: "x"}})
				return err
			}},
			{"log setting", "logSetting.loggingNamespaceId", func() error {
				_, err := svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: "n",
					LogSetting: &realtime.LogSetting{}})
				return err
			}},
			{"namespace description", "description", func() error {
				_, err := svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: "n", Description: long(1025)})
				return err
			}},
		}
		for _, c := range cases {
			unchanged(t, st, func() {
				err := c.call()
				require.ErrorIs(t, err, realtime.ErrInvalidArgument, c.name)
				require.ErrorContains(t, err, c.field+":", c.name)
			})
		}
		require.NoError(t, svc.Stop(e.ctx))
	})
}

func TestNewValidation(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		_, err := realtime.New(nil, nil)
		require.ErrorIs(t, err, realtime.ErrInvalidArgument)
		_, err = realtime.New(st, &realtime.Config{Region: "a:b"})
		require.ErrorIs(t, err, realtime.ErrInvalidArgument)
		_, err = realtime.New(st, &realtime.Config{IdleTimeout: -1})
		require.ErrorContains(t, err, "IdleTimeout")
		_, err = realtime.New(st, &realtime.Config{MaxLifetime: -1})
		require.ErrorIs(t, err, realtime.ErrInvalidArgument)
		require.ErrorContains(t, err, "MaxLifetime")
		svc, err := realtime.New(st, nil)
		require.NoError(t, err)
		_, err = svc.CreateNamespace(t.Context(), realtime.CreateNamespaceInput{Name: ns})
		require.NoError(t, err)
		unchanged(t, st, func() {
			_, err = svc.WantRoom(t.Context(), ns, "r", nil)
			require.ErrorIs(t, err, realtime.ErrInvalidArgument)
			require.ErrorContains(t, err, "Provisioner")
		})
		require.NoError(t, svc.Stop(t.Context()))
	})
}
