package gateway_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/store/memstore"
)

// notifier is what a consumer service declares: the one method it needs
// from *gateway.Service.
type notifier interface {
	Notify(ctx context.Context, setting gateway.NotificationSetting, userID, subject, payload string) error
}

// printNotifier is a fake Notifier, as consumer tests use.
type printNotifier struct{}

func (printNotifier) Notify(_ context.Context, s gateway.NotificationSetting, userID, subject, payload string) error {
	if !s.Enabled() {
		return nil
	}
	ns, err := s.GatewayNamespace()
	if err != nil {
		return err
	}
	fmt.Printf("via %s to %s: %s %s\n", ns, userID, subject, payload)
	return nil
}

func ExampleNotificationSetting() {
	// A setting as a namespace request gives it: validated, then stored with
	// its defaults filled in.
	in := gateway.NotificationSetting{EnableTransferMobileNotification: true, Sound: "chime"}
	if err := in.Validate("pushNotification"); err != nil {
		panic(err)
	}
	setting := in.WithDefaults("", "")
	fmt.Println(setting.GatewayNamespaceID, setting.Enable)

	// After its transaction commits, the service notifies; an error would
	// only be logged.
	var n notifier = printNotifier{}
	_ = n.Notify(context.Background(), setting, "user-1", "Gs2JobQueue:Push", `{"namespaceName":"q","userId":"user-1"}`)

	setting.Enable = gateway.NotificationDisabled
	_ = n.Notify(context.Background(), setting, "user-1", "Gs2JobQueue:Push", `{}`) // sends nothing

	err := gateway.NotificationSetting{Sound: string(make([]byte, 300))}.Validate("pushNotification")
	fmt.Println(err)
	// Output:
	// grn:gs2:local:hearth:gateway:default Enabled
	// via default to user-1: Gs2JobQueue:Push {"namespaceName":"q","userId":"user-1"}
	// pushNotification.sound: longer than 256 characters
}

// printConn is a Conn that prints what it is sent, as a transport would
// write it to the client's socket.
type printConn struct{ name string }

func (c printConn) Send(frame []byte) error {
	fmt.Printf("%s <- %s\n", c.name, frame)
	return nil
}

func (c printConn) Close(code int, reason string) {
	fmt.Printf("%s closed: %d %s\n", c.name, code, reason)
}

// A transport registers a connection, the server binds it to the player,
// and notifications reach the player wherever it is connected.
func Example() {
	st := memstore.New(nil)
	defer st.Close()
	ctx := context.Background()
	svc, err := gateway.New(st, &gateway.Config{Clock: clock.NewMock()})
	if err != nil {
		panic(err)
	}
	if err := svc.Start(ctx); err != nil {
		panic(err)
	}
	defer svc.Stop(ctx)
	if _, err := svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "game"}); err != nil {
		panic(err)
	}

	// The transport (wsgateway) does this when a client connects.
	connID, _ := svc.Connect(ctx, "game", printConn{name: "phone"})
	// The game server, having authenticated the player, binds it.
	sess, _ := svc.SetUserID(ctx, gateway.SetUserIDInput{NamespaceName: "game", ConnectionID: connID, UserID: "player-1"})
	fmt.Println(sess.UserID, sess.WebSocketSessionID == "grn:gs2:local:hearth:gateway:game:user:player-1:session:"+connID)

	res, _ := svc.SendNotification(ctx, gateway.SendNotificationInput{
		NamespaceName: "game", UserID: "player-1", Subject: "Gs2Matchmaking:Complete", Payload: `{"gatheringName":"g1"}`,
	})
	fmt.Println(res.Protocol, len(res.SendConnectionIDs))

	// A player with no session and no device token gets nothing: the
	// gateway keeps no inbox.
	res, _ = svc.SendNotification(ctx, gateway.SendNotificationInput{
		NamespaceName: "game", UserID: "player-2", Subject: "s", Payload: "{}", EnableTransferMobileNotification: true,
	})
	fmt.Printf("%q\n", res.Protocol)

	_, _ = svc.DisconnectByUserID(ctx, "game", "player-1")
	// Output:
	// player-1 true
	// phone <- {"type":"notification","body":{"issuer":"Gs2Matchmaking:Complete","subject":"Gs2Matchmaking:Complete","payload":"{\"gatheringName\":\"g1\"}"}}
	// websocket 1
	// ""
	// phone closed: 1008 disconnected by the server
}

// With concurrent access refused, a second device of the same player is
// refused unless it forces its way in or reconnects with the same
// session ID.
func ExampleService_SetUserID() {
	st := memstore.New(nil)
	defer st.Close()
	ctx := context.Background()
	svc, _ := gateway.New(st, &gateway.Config{Clock: clock.NewMock()})
	_ = svc.Start(ctx)
	defer svc.Stop(ctx)
	_, _ = svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "game"})

	single := false
	// bind connects a device and binds it; the transport hangs up a
	// refused one.
	bind := func(name, sessionID string, force bool) error {
		id, _ := svc.Connect(ctx, "game", printConn{name: name})
		_, err := svc.SetUserID(ctx, gateway.SetUserIDInput{
			NamespaceName: "game", ConnectionID: id, UserID: "player-1",
			AllowConcurrentAccess: &single, SessionID: sessionID, Force: force,
		})
		if err != nil {
			svc.Disconnected(ctx, id)
		}
		return err
	}
	fmt.Println(bind("pc", "session-a", false))
	fmt.Println(errors.Is(bind("phone", "session-b", false), gateway.ErrConflict))
	fmt.Println(bind("pc-again", "session-a", false)) // a reconnect replaces "pc"
	fmt.Println(bind("phone", "", true))              // force replaces "pc-again"
	_ = svc.Stop(ctx)
	// Output:
	// <nil>
	// true
	// pc closed: 1008 replaced by another session of the user
	// <nil>
	// pc-again closed: 1008 replaced by another session of the user
	// <nil>
	// phone closed: 1001 server stopping
}
