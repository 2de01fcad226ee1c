package relay_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/realtime/relay"
	"github.com/hearth-go/hearth/realtime/relay/client"
)

// exampleVerifier accepts "tok-<user>".
type exampleVerifier struct{}

func (exampleVerifier) Verify(_ context.Context, tok string) (string, error) {
	u, ok := strings.CutPrefix(tok, "tok-")
	if !ok {
		return "", fmt.Errorf("bad token")
	}
	return u, nil
}

// Two players join a room and exchange a message.
func Example() {
	ctx := context.Background()
	srv, err := relay.New(relay.Config{Verifier: exampleVerifier{}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	defer srv.Close(ctx)
	ep, err := srv.Provision(ctx, realtime.ProvisionRequest{NamespaceName: "game", RoomName: "match"})
	if err != nil {
		panic(err)
	}
	url := fmt.Sprintf("ws://%s:%d/", ep.IPAddress, ep.Port)

	alice, err := client.Dial(ctx, url, ep.EncryptionKey, "tok-alice", nil)
	if err != nil {
		panic(err)
	}
	defer alice.Close()
	bob, err := client.Dial(ctx, url, ep.EncryptionKey, "tok-bob", nil)
	if err != nil {
		panic(err)
	}
	defer bob.Close()

	e, _ := alice.Recv(ctx)
	fmt.Println("alice sees", e.(*client.Join).Player.GetUserId(), "join")

	_ = bob.Send(ctx, []byte("hello, alice"), alice.Me().GetConnectionId())
	e, _ = alice.Recv(ctx)
	m := e.(*client.Message)
	fmt.Printf("alice got %q from connection %d\n", m.Data, m.From)
	// Output:
	// alice sees bob join
	// alice got "hello, alice" from connection 2
}
