package relay_test

import (
	"fmt"
	"testing"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/realtime/relay/client"
	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// expect returns c's next event, of type E.
func expect[E client.Event](t *testing.T, c *client.Client) E {
	t.Helper()
	e := next(t, c)
	got, ok := e.(E)
	require.True(t, ok, "got %T %+v", e, e)
	return got
}

// marker sends a broadcast-free marker from from to to and checks it is
// to's next event: nothing else reached to before it.
func marker(t *testing.T, from, to *client.Client) {
	t.Helper()
	require.NoError(t, from.Send(testCtx(t), []byte("marker"), to.Me().GetConnectionId()))
	m := expect[*client.Message](t, to)
	require.Equal(t, []byte("marker"), m.Data)
	require.Equal(t, from.Me().GetConnectionId(), m.From)
}

func TestEightPlayers(t *testing.T) {
	s, _ := newServer(t, relayCfg(t))
	ep := provision(t, s, "eight", realtime.ProvisionRequest{})

	const n = 8
	cs := make([]*client.Client, n)
	ids := map[uint32]int{}
	for i := range n {
		cs[i] = join(t, ep, fmt.Sprint("u", i), []byte{byte(i)})
		id := cs[i].Me().GetConnectionId()
		require.NotZero(t, id)
		require.Equal(t, fmt.Sprint("u", i), cs[i].Me().GetUserId())
		require.Equal(t, []byte{byte(i)}, cs[i].Me().GetProfile())
		require.Len(t, cs[i].Players(), i, "HelloResult lists the others already in")
		_, dup := ids[id]
		require.False(t, dup, "connection IDs are distinct")
		ids[id] = i
	}
	// Each sees every later player join, in order, with the right profile.
	for i := range n {
		for j := i + 1; j < n; j++ {
			e := expect[*client.Join](t, cs[i])
			require.Equal(t, cs[j].Me().GetConnectionId(), e.Player.GetConnectionId())
			require.Equal(t, []byte{byte(j)}, e.Player.GetProfile())
		}
	}

	// A targeted message reaches only its targets, byte-exact.
	payload := []byte{0, 1, 2, 0xff, 'x'}
	require.NoError(t, cs[0].Send(testCtx(t), payload, cs[3].Me().GetConnectionId(), cs[5].Me().GetConnectionId()))
	for _, i := range []int{3, 5} {
		m := expect[*client.Message](t, cs[i])
		require.Equal(t, payload, m.Data)
		require.Equal(t, cs[0].Me().GetConnectionId(), m.From)
	}
	// A broadcast reaches every other player, not the sender.
	require.NoError(t, cs[2].Send(testCtx(t), []byte("all")))
	for i := range n {
		if i == 2 {
			continue
		}
		m := expect[*client.Message](t, cs[i])
		require.Equal(t, []byte("all"), m.Data, "player %d", i)
		require.Equal(t, cs[2].Me().GetConnectionId(), m.From)
	}
	// The sender and non-targets got nothing else: their next event is a marker.
	marker(t, cs[1], cs[2])
	marker(t, cs[2], cs[4])
	marker(t, cs[2], cs[0])

	// A profile update reaches the others.
	require.NoError(t, cs[4].UpdateProfile(testCtx(t), []byte("new")))
	for i := range n {
		if i == 4 {
			continue
		}
		u := expect[*client.ProfileUpdate](t, cs[i])
		require.Equal(t, cs[4].Me().GetConnectionId(), u.Player.GetConnectionId())
		require.Equal(t, []byte("new"), u.Player.GetProfile())
	}
	marker(t, cs[1], cs[4])

	// A closed client leaves.
	require.NoError(t, cs[7].Close())
	for i := range n - 1 {
		l := expect[*client.Leave](t, cs[i])
		require.Equal(t, cs[7].Me().GetConnectionId(), l.Player.GetConnectionId())
	}
	// A ByeRequest leaves too, and IDs are never reused.
	require.NoError(t, cs[6].Bye(testCtx(t)))
	for i := range n - 2 {
		l := expect[*client.Leave](t, cs[i])
		require.Equal(t, cs[6].Me().GetConnectionId(), l.Player.GetConnectionId())
	}
	late := join(t, ep, "late", nil)
	_, reused := ids[late.Me().GetConnectionId()]
	require.False(t, reused)
	require.Len(t, late.Players(), n-2)
}

func TestSequenceNumbersPerRecipient(t *testing.T) {
	s, _ := newServer(t, relayCfg(t))
	ep := provision(t, s, "seq", realtime.ProvisionRequest{})
	a := join(t, ep, "a", nil)
	b := dialRaw(t, ep, nil)
	b.hello("b") // seq 1
	require.Equal(t, uint32(1), b.seq)
	require.Equal(t, uint32(2), expect[*client.Join](t, a).SequenceNumber, "a's first event after its HelloResult is 2")
}

func TestWrongSignatureNotRelayed(t *testing.T) {
	s, _ := newServer(t, relayCfg(t))
	ep := provision(t, s, "sig", realtime.ProvisionRequest{})
	obs := join(t, ep, "obs", nil)
	bad := dialRaw(t, ep, nil)
	bad.hello("bad")
	expect[*client.Join](t, obs)

	inner, err := proto.Marshal(&pb.RelayBinaryMessage{Data: []byte("forged")})
	require.NoError(t, err)
	f, err := wire.NewFrame(&pb.BinaryMessage{Data: inner}, 0, 0)
	require.NoError(t, err)
	b, err := wire.Encode(f, []byte("not the room key"))
	require.NoError(t, err)
	bad.write(websocket.MessageBinary, b)
	bad.recvError(400)

	// The connection stays: a good message still goes through, and is the
	// observer's next event.
	bad.send(&pb.BinaryMessage{Data: mustMarshal(t, &pb.RelayBinaryMessage{Data: []byte("good")})})
	m := expect[*client.Message](t, obs)
	require.Equal(t, []byte("good"), m.Data)
}

func TestGarbageDoesNotCrash(t *testing.T) {
	s, _ := newServer(t, relayCfg(t))
	ep := provision(t, s, "garbage", realtime.ProvisionRequest{})
	obs := join(t, ep, "obs", nil)
	g := dialRaw(t, ep, nil)
	g.hello("g")
	expect[*client.Join](t, obs)
	for _, b := range [][]byte{{0xff, 0xff, 0xff}, {0x0a}, []byte("hello world"), {}, {0x12, 0x80}} {
		g.write(websocket.MessageBinary, b)
		g.recvError(400)
	}
	// The relay and the connection still work.
	other := join(t, ep, "other", nil)
	require.Equal(t, other.Me().GetConnectionId(), expect[*client.Join](t, obs).Player.GetConnectionId())
	marker(t, other, obs)
}

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	require.NoError(t, err)
	return b
}
