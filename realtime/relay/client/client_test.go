package client_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/realtime/relay"
	"github.com/hearth-go/hearth/realtime/relay/client"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// anyone accepts every token as its own user ID.
type anyone struct{}

func (anyone) Verify(_ context.Context, tok string) (string, error) { return tok, nil }

func TestDialRefusesWrongKey(t *testing.T) {
	ctx := context.Background()
	srv, err := relay.New(relay.Config{Verifier: anyone{}, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	defer srv.Close(ctx)
	ep, err := srv.Provision(ctx, realtime.ProvisionRequest{NamespaceName: "n", RoomName: "r"})
	require.NoError(t, err)
	url := fmt.Sprintf("ws://%s:%d/", ep.IPAddress, ep.Port)
	// A wrong key: the relay answers the Hello with a 400 Error, but the
	// client cannot verify it either and gives up.
	_, err = client.Dial(ctx, url, "wrong", "u", nil)
	require.Error(t, err)
	c, err := client.Dial(ctx, url, ep.EncryptionKey, "u", []byte("p"))
	require.NoError(t, err)
	require.Equal(t, uint32(1), c.Me().GetConnectionId(), "the refused connection never joined")
	require.Equal(t, []byte("p"), c.Me().GetProfile())
	require.NoError(t, c.Close())
	_, err = c.Recv(ctx)
	require.ErrorIs(t, err, client.ErrClosed)
}

// A player joins a room and sees a second one join.
func Example() {
	ctx := context.Background()
	srv, _ := relay.New(relay.Config{Verifier: anyone{}, Logger: slog.New(slog.DiscardHandler)})
	defer srv.Close(ctx)
	ep, _ := srv.Provision(ctx, realtime.ProvisionRequest{NamespaceName: "game", RoomName: "lobby"})
	url := fmt.Sprintf("ws://%s:%d/", ep.IPAddress, ep.Port)

	a, _ := client.Dial(ctx, url, ep.EncryptionKey, "alice", nil)
	defer a.Close()
	b, _ := client.Dial(ctx, url, ep.EncryptionKey, "bob", nil)
	defer b.Close()
	fmt.Println("bob is connection", b.Me().GetConnectionId(), "and sees", len(b.Players()), "player")
	e, _ := a.Recv(ctx)
	fmt.Println("alice sees", e.(*client.Join).Player.GetUserId(), "join")
	// Output:
	// bob is connection 2 and sees 1 player
	// alice sees bob join
}
