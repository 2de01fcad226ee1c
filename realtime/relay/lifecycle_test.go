package relay_test

import (
	"context"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/token"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/realtime/relay"
	"github.com/hearth-go/hearth/realtime/relay/client"
	"github.com/hearth-go/hearth/store"
)

func TestNewValidation(t *testing.T) {
	for field, cfg := range map[string]relay.Config{
		"Verifier":     {},
		"PortMin":      {Verifier: users{}, PortMin: -1, PortMax: 10},
		"PortMax":      {Verifier: users{}, PortMin: 50000, PortMax: 40000},
		"PingInterval": {Verifier: users{}, PingInterval: -time.Second},
	} {
		_, err := relay.New(cfg)
		require.ErrorIs(t, err, relay.ErrInvalidArgument, field)
		require.ErrorContains(t, err, field)
	}
}

// traffic sends a text frame on r and waits for its Error: the relay has
// seen a client frame.
func traffic(r *raw) {
	r.write(websocket.MessageText, []byte("x"))
	r.recvError(400)
}

func TestIdleEndsRoom(t *testing.T) {
	s, clk := newServer(t, relayCfg(t))
	done := make(ended, 2)
	ep := provision(t, s, "idle", realtime.ProvisionRequest{IdleTimeout: time.Minute, MaxLifetime: time.Hour, Ended: done.fn})
	r := dialRaw(t, ep, nil)
	r.hello("a")
	clk.BlockUntil(2)

	// Traffic at 30s pushes the end to 90s.
	clk.Add(30 * time.Second)
	traffic(r)
	clk.Add(30 * time.Second)
	clk.BlockUntil(2) // the idle timer re-armed for the rest
	require.Empty(t, done)
	require.False(t, portFree(ep.Port))

	closed := r.closing()
	clk.Add(30 * time.Second)
	require.Equal(t, "idle", <-done)
	<-closed
	require.True(t, portFree(ep.Port), "the port is freed")
	// Ended is called once: a later Release or Close does not call it.
	require.NoError(t, s.Release(context.Background(), "ns", "idle"))
	require.NoError(t, s.Close(context.Background()))
	require.Empty(t, done)
}

func TestLifetimeEndsRoom(t *testing.T) {
	s, clk := newServer(t, relayCfg(t))
	done := make(ended, 2)
	ep := provision(t, s, "life", realtime.ProvisionRequest{IdleTimeout: 10 * time.Hour, MaxLifetime: time.Hour, Ended: done.fn})
	c := join(t, ep, "a", nil)
	clk.BlockUntil(2)
	clk.Add(59 * time.Minute)
	r := dialRaw(t, ep, nil)
	require.Equal(t, uint32(59*60*1000), func() uint32 {
		r.hello("b")
		return expect[*client.Join](t, c).LifeTimeMilliSeconds
	}(), "lifeTimeMilliSeconds is the time since the room started")
	closed := r.closing()
	clk.Add(time.Minute)
	require.Equal(t, "lifetime", <-done)
	gone(t, c, "lifetime")
	<-closed
	require.True(t, portFree(ep.Port))
	require.Empty(t, done)
}

func TestReleaseFreesPort(t *testing.T) {
	s, _ := newServer(t, relayCfg(t))
	done := make(ended, 1)
	ep := provision(t, s, "a", realtime.ProvisionRequest{Ended: done.fn})
	c := join(t, ep, "u", nil)

	// The range has one port: a second room has none.
	_, err := s.Provision(context.Background(), realtime.ProvisionRequest{NamespaceName: "ns", RoomName: "b"})
	require.ErrorIs(t, err, relay.ErrNoPort)

	require.NoError(t, s.Release(context.Background(), "ns", "a"))
	gone(t, c, "released")
	require.True(t, portFree(ep.Port))
	require.Empty(t, done, "Release does not call Ended")
	require.NoError(t, s.Release(context.Background(), "ns", "a"), "releasing twice is fine")

	ep2 := provision(t, s, "b", realtime.ProvisionRequest{})
	require.Equal(t, ep.Port, ep2.Port)
	require.NotEqual(t, ep.EncryptionKey, ep2.EncryptionKey)
	for _, ch := range ep2.EncryptionKey {
		require.True(t, ch > ' ' && ch < 0x7f, "printable ASCII key")
	}

	require.NoError(t, s.Close(context.Background()))
	_, err = s.Provision(context.Background(), realtime.ProvisionRequest{NamespaceName: "ns", RoomName: "c"})
	require.ErrorIs(t, err, relay.ErrClosed)
}

// notifier signals each Gs2Realtime:Create.
type notifier chan string

func (n notifier) Notify(_ context.Context, _ gateway.NotificationSetting, user, subject, _ string) error {
	n <- user + " " + subject
	return nil
}

func TestThroughService(t *testing.T) {
	teststore.Each(t, func(t *testing.T, st store.Store) {
		clk := clock.NewMock()
		tokens, err := token.NewHMAC([]byte("0123456789abcdef0123456789abcdef"), clk)
		require.NoError(t, err)
		cfg := relayCfg(t)
		cfg.Verifier = tokens
		s, _ := newServer(t, cfg)
		n := make(notifier, 4)
		svc, err := realtime.New(st, &realtime.Config{Clock: clk, Provisioner: s, Notifier: n})
		require.NoError(t, err)
		ctx := context.Background()
		require.NoError(t, svc.Start(ctx))
		t.Cleanup(func() { _ = svc.Stop(ctx) })
		_, err = svc.CreateNamespace(ctx, realtime.CreateNamespaceInput{Name: "game", CreateNotification: &realtime.NotificationSetting{}})
		require.NoError(t, err)

		_, err = svc.WantRoom(ctx, "game", "match", []string{"alice"})
		require.NoError(t, err)
		require.Equal(t, "alice "+realtime.SubjectCreate, <-n)
		room, err := svc.GetRoom(ctx, "game", "match")
		require.NoError(t, err)
		require.Equal(t, realtime.StatusReady, room.Status)
		ep := realtime.Endpoint{IPAddress: room.IPAddress, Port: room.Port, EncryptionKey: room.EncryptionKey}

		tok, err := tokens.Issue(ctx, "alice", time.Hour)
		require.NoError(t, err)
		a, err := client.Dial(testCtx(t), url(ep), ep.EncryptionKey, tok, nil)
		require.NoError(t, err)
		defer a.Close()
		require.Equal(t, "alice", a.Me().GetUserId())
		btok, err := tokens.Issue(ctx, "bob", time.Hour)
		require.NoError(t, err)
		b, err := client.Dial(testCtx(t), url(ep), ep.EncryptionKey, btok, nil)
		require.NoError(t, err)
		defer b.Close()
		require.Equal(t, "bob", expect[*client.Join](t, a).Player.GetUserId())
		_, err = client.Dial(testCtx(t), url(ep), ep.EncryptionKey, "tok-bob", nil)
		require.ErrorIs(t, err, client.ErrRefused, "the HMAC verifier refuses a forged token")

		// DeleteRoom releases the relay room.
		_, err = svc.DeleteRoom(ctx, "game", "match")
		require.NoError(t, err)
		gone(t, a, "released")
		require.True(t, portFree(ep.Port))
	})
}

func TestHeartbeatDropsADeadSocket(t *testing.T) {
	hb := clock.NewMock()
	cfg := relayCfg(t)
	cfg.HeartbeatClock, cfg.PingInterval = hb, 10*time.Second
	s, _ := newServer(t, cfg)
	ep := provision(t, s, "hb", realtime.ProvisionRequest{})

	// bob joins, then stops reading: his pongs never come.
	bob := dialRaw(t, ep, nil)
	bobID := bob.hello("bob").GetMyProfile().GetConnectionId()
	hb.BlockUntil(1) // bob's heartbeat
	hb.Add(10 * time.Second)
	hb.BlockUntil(2) // bob is pinged; the pong is due at +20s

	// alice joins between, so her own first ping (at +25s) comes after.
	hb.Add(5 * time.Second)
	alice := join(t, ep, "alice", nil)
	require.Len(t, alice.Players(), 1)
	hb.BlockUntil(3)

	hb.Add(5 * time.Second)
	e, ok := next(t, alice).(*client.Leave)
	require.True(t, ok, "the unanswered ping dropped bob")
	require.Equal(t, bobID, e.Player.GetConnectionId())
	bob.closed()
}

// gone expects the Error 404 a room's end sends every player, then the end
// of the connection.
func gone(t *testing.T, c *client.Client, reason string) {
	t.Helper()
	e := expect[*client.Error](t, c)
	require.Equal(t, uint32(relay.StatusNotFound), e.StatusCode)
	require.Equal(t, "room gone: "+reason, e.Message)
	_, err := c.Recv(testCtx(t))
	require.ErrorIs(t, err, client.ErrClosed)
}

func TestDroppedSocketLeaves(t *testing.T) {
	s, _ := newServer(t, relayCfg(t))
	ep := provision(t, s, "drop", realtime.ProvisionRequest{})
	alice := join(t, ep, "alice", nil)
	bob := dialRaw(t, ep, nil)
	bobID := bob.hello("bob").GetMyProfile().GetConnectionId()
	require.Equal(t, bobID, expect[*client.Join](t, alice).Player.GetConnectionId())

	// No close frame at all: the TCP connection just goes.
	require.NoError(t, bob.ws.CloseNow())
	require.Equal(t, bobID, expect[*client.Leave](t, alice).Player.GetConnectionId())
}
