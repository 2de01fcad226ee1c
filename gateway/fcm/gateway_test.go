package fcm_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/store"
)

// TestGatewayOfflineFallback wires the real Pusher into a gateway.Service:
// a user with no session, a stored device token and a notification with
// mobile transfer on reaches the fake FCM server with the bearer token and
// the message JSON, and SendNotification reports protocol "firebase".
func TestGatewayOfflineFallback(t *testing.T) {
	teststore.Each(t, func(t *testing.T, st store.Store) {
		f := newFakeGoogle(t)
		p, _ := newPusher(t, f, nil)
		ctx := context.Background()
		gw, err := gateway.New(st, &gateway.Config{MobilePusher: p})
		require.NoError(t, err)
		require.NoError(t, gw.Start(ctx))
		t.Cleanup(func() { _ = gw.Stop(context.Background()) })
		_, err = gw.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "game"})
		require.NoError(t, err)
		_, err = gw.SetFirebaseToken(ctx, "game", "alice", "device-token-1")
		require.NoError(t, err)

		res, err := gw.SendNotification(ctx, gateway.SendNotificationInput{
			NamespaceName: "game", UserID: "alice", Subject: "Gs2JobQueue:RunNotification",
			Payload: `{"ok":true}`, EnableTransferMobileNotification: true, Sound: "chime.caf",
		})
		require.NoError(t, err)
		require.Equal(t, gateway.ProtocolFirebase, res.Protocol)
		require.Empty(t, res.SendConnectionIDs)

		sends := f.sent()
		require.Len(t, sends, 1)
		require.Equal(t, "Bearer tok-1", sends[0].auth)
		var body struct {
			Message struct {
				Token        string `json:"token"`
				Notification struct {
					Title string `json:"title"`
					Body  string `json:"body"`
				} `json:"notification"`
				Android struct {
					Notification struct {
						Sound string `json:"sound"`
					} `json:"notification"`
				} `json:"android"`
			} `json:"message"`
		}
		require.NoError(t, json.Unmarshal([]byte(sends[0].body), &body))
		require.Equal(t, "device-token-1", body.Message.Token)
		require.Equal(t, "Gs2JobQueue:RunNotification", body.Message.Notification.Title)
		require.Equal(t, `{"ok":true}`, body.Message.Notification.Body)
		require.Equal(t, "chime.caf", body.Message.Android.Notification.Sound)

		// Without transfer nothing is sent: the gateway keeps no inbox.
		res, err = gw.SendNotification(ctx, gateway.SendNotificationInput{
			NamespaceName: "game", UserID: "alice", Subject: "s", Payload: "{}",
		})
		require.NoError(t, err)
		require.Equal(t, gateway.ProtocolNone, res.Protocol)
		require.Len(t, f.sent(), 1)
	})
}
