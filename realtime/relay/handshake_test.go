package relay_test

import (
	"testing"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/realtime/relay/client"
	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

// container builds Container bytes by hand: messageType t, and a payload
// Any with value v when withPayload, signed with key.
func container(t pb.Container_MessageType, v []byte, withPayload bool, key []byte) []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(t))
	if withPayload {
		var a []byte
		a = protowire.AppendTag(a, 2, protowire.BytesType)
		a = protowire.AppendBytes(a, v)
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, a)
	}
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	return protowire.AppendBytes(b, wire.Sign(v, key))
}

func TestHandshakeEdgeCases(t *testing.T) {
	s, _ := newServer(t, relayCfg(t))
	ep := provision(t, s, "edges", realtime.ProvisionRequest{})
	key := []byte(ep.EncryptionKey)
	obs := join(t, ep, "obs", nil)
	probe := join(t, ep, "probe", nil)
	expect[*client.Join](t, obs)

	t.Run("frame before Hello", func(t *testing.T) {
		r := dialRaw(t, ep, nil)
		r.send(&pb.BinaryMessage{Data: mustMarshal(t, &pb.RelayBinaryMessage{Data: []byte("early")})})
		r.recvError(400)
		r.send(&pb.UpdateProfileRequest{MyProfile: []byte("p")})
		r.recvError(400)
		// The connection stays and can still say Hello.
		res := r.hello("late")
		require.NotZero(t, res.GetMyProfile().GetConnectionId())
		require.Len(t, res.GetPlayers(), 2)
		j := expect[*client.Join](t, obs)
		require.Equal(t, res.GetMyProfile().GetConnectionId(), j.Player.GetConnectionId())
		expect[*client.Join](t, probe)
		r.leave(obs, probe)
	})
	t.Run("bad token", func(t *testing.T) {
		r := dialRaw(t, ep, nil)
		r.send(&pb.HelloRequest{AccessToken: "nope"})
		r.recvError(401)
		r.closed()
		_, err := client.Dial(testCtx(t), url(ep), ep.EncryptionKey, "nope", nil)
		require.ErrorIs(t, err, client.ErrRefused)
	})
	t.Run("unknown messageType", func(t *testing.T) {
		r := dialRaw(t, ep, nil)
		r.hello("u")
		expect[*client.Join](t, obs)
		expect[*client.Join](t, probe)
		r.write(websocket.MessageBinary, container(12345, []byte{1}, true, key))
		require.Contains(t, r.recvError(400).GetMessage(), "unknown")
		// A type clients do not send is refused too.
		r.send(&pb.JoinNotification{JoinPlayer: &pb.Player{ConnectionId: 99}})
		r.recvError(400)
		r.leave(obs, probe)
	})
	t.Run("Container without payload", func(t *testing.T) {
		r := dialRaw(t, ep, nil)
		r.write(websocket.MessageBinary, container(pb.Container_HELLO_REQUEST, nil, false, key))
		require.Contains(t, r.recvError(400).GetMessage(), "payload")
	})
	t.Run("text frame", func(t *testing.T) {
		r := dialRaw(t, ep, nil)
		b, err := wire.EncodeMessage(&pb.HelloRequest{AccessToken: "tok-text"}, 0, 0, key)
		require.NoError(t, err)
		r.write(websocket.MessageText, b)
		r.recvError(400)
		r.hello("text") // the connection stays
		expect[*client.Join](t, obs)
		expect[*client.Join](t, probe)
		r.leave(obs, probe)
	})
	// No other player saw any of it: the observer's next event is a marker.
	marker(t, probe, obs)
}

func TestOriginAccepted(t *testing.T) {
	s, _ := newServer(t, relayCfg(t))
	ep := provision(t, s, "origin", realtime.ProvisionRequest{})
	r := dialRaw(t, ep, map[string]string{"Origin": "https://game.example.com"})
	require.NotZero(t, r.hello("web").GetMyProfile().GetConnectionId())
	c, err := client.DialOptions(testCtx(t), url(ep), ep.EncryptionKey, "tok-web2", nil,
		client.Options{Header: map[string][]string{"Origin": {"http://localhost:8080"}}})
	require.NoError(t, err)
	require.NoError(t, c.Close())
}

func TestHelloRequestGoldenTypeURL(t *testing.T) {
	// The current SDK's type_url "type.googleapis.com" is accepted.
	s, _ := newServer(t, relayCfg(t))
	ep := provision(t, s, "golden", realtime.ProvisionRequest{})
	inner := mustMarshal(t, &pb.HelloRequest{AccessToken: "tok-g"})
	var any []byte
	any = protowire.AppendTag(any, 1, protowire.BytesType)
	any = protowire.AppendString(any, "type.googleapis.com")
	any = protowire.AppendTag(any, 2, protowire.BytesType)
	any = protowire.AppendBytes(any, inner)
	var b []byte
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	b = protowire.AppendBytes(b, any)
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	b = protowire.AppendBytes(b, wire.Sign(inner, []byte(ep.EncryptionKey)))
	r := dialRaw(t, ep, nil)
	r.write(websocket.MessageBinary, b)
	m := r.recv()
	res, ok := m.(*pb.HelloResult)
	require.True(t, ok, "got %T", m)
	require.Equal(t, "g", res.GetMyProfile().GetUserId())
}

// leave closes r and waits for the others to see it leave.
func (r *raw) leave(others ...*client.Client) {
	r.t.Helper()
	require.NoError(r.t, r.ws.Close(websocket.StatusNormalClosure, ""))
	for _, o := range others {
		expect[*client.Leave](r.t, o)
	}
}
