package wsgateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/coder/websocket"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/wsgateway"
	"github.com/hearth-go/hearth/store/memstore"
)

// Wiring the handler into an http.ServeMux, a client connecting, the game
// server binding it to its player and notifying them.
func Example() {
	ctx := context.Background()
	st := memstore.New(nil)
	defer st.Close()
	svc, err := gateway.New(st, &gateway.Config{Clock: clock.NewMock()})
	if err != nil {
		panic(err)
	}
	if err := svc.Start(ctx); err != nil {
		panic(err)
	}
	if _, err := svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "game"}); err != nil {
		panic(err)
	}

	h, err := wsgateway.New(wsgateway.Config{Service: svc, Namespace: "game"})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/gateway", h)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// A game client connects and learns its connection ID.
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/gateway", nil)
	if err != nil {
		panic(err)
	}
	_, data, err := ws.Read(ctx)
	if err != nil {
		panic(err)
	}
	var connected struct {
		Type string
		Body struct{ ConnectionID string }
	}
	if err := json.Unmarshal(data, &connected); err != nil {
		panic(err)
	}
	fmt.Println(connected.Type)

	// It hands the ID to the game server with its login; the server binds
	// the connection to the player and notifies them.
	if _, err := svc.SetUserID(ctx, gateway.SetUserIDInput{
		NamespaceName: "game", ConnectionID: connected.Body.ConnectionID, UserID: "player-1",
	}); err != nil {
		panic(err)
	}
	res, err := svc.SendNotification(ctx, gateway.SendNotificationInput{
		NamespaceName: "game", UserID: "player-1", Subject: "Gs2Example:Hello", Payload: `{"text":"hi"}`,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Protocol)
	_, data, err = ws.Read(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(data))

	// Shutdown: Stop closes the sockets (1001), Close waits for the
	// handler's goroutines.
	if err := svc.Stop(ctx); err != nil {
		panic(err)
	}
	_, _, err = ws.Read(ctx)
	fmt.Println(websocket.CloseStatus(err))
	if err := h.Close(ctx); err != nil {
		panic(err)
	}
	// Output:
	// connected
	// websocket
	// {"type":"notification","body":{"issuer":"Gs2Example:Hello","subject":"Gs2Example:Hello","payload":"{\"text\":\"hi\"}"}}
	// StatusGoingAway
}
