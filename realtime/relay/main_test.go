package relay_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/proto"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway/token"
	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/realtime/relay"
	"github.com/hearth-go/hearth/realtime/relay/client"
	"github.com/hearth-go/hearth/realtime/relay/pb"
	"github.com/hearth-go/hearth/realtime/relay/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The gateway's HMAC verifier is a relay Verifier.
var _ relay.Verifier = (*token.HMAC)(nil)

// users accepts the tokens "tok-<user>".
type users struct{}

func (users) Verify(_ context.Context, tok string) (string, error) {
	if u, ok := strings.CutPrefix(tok, "tok-"); ok && u != "" {
		return u, nil
	}
	return "", errors.New("bad token")
}

// testCtx bounds a test's waits on the wall clock.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// freePort returns a port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

// portFree reports whether port can be listened on.
func portFree(port int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = ln.Close()
	return true
}

// newServer returns a relay on a mock clock, closed at cleanup.
func newServer(t *testing.T, cfg relay.Config) (*relay.Server, *clock.Mock) {
	t.Helper()
	clk := clock.NewMock()
	if cfg.Verifier == nil {
		cfg.Verifier = users{}
	}
	cfg.Clock = clk
	cfg.Logger = slog.New(slog.DiscardHandler)
	s, err := relay.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close(context.Background())) })
	return s, clk
}

// ended records the Ended calls of a room.
type ended chan string

func (e ended) fn(reason string) { e <- reason }

// provision starts a room and returns its endpoint.
func provision(t *testing.T, s *relay.Server, name string, req realtime.ProvisionRequest) realtime.Endpoint {
	t.Helper()
	req.NamespaceName, req.RoomName = "ns", name
	ep, err := s.Provision(context.Background(), req)
	require.NoError(t, err)
	return ep
}

func url(ep realtime.Endpoint) string {
	return fmt.Sprintf("ws://%s:%d/", ep.IPAddress, ep.Port)
}

// join dials a client as user.
func join(t *testing.T, ep realtime.Endpoint, user string, profile []byte) *client.Client {
	t.Helper()
	c, err := client.Dial(testCtx(t), url(ep), ep.EncryptionKey, "tok-"+user, profile)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// next returns the client's next event.
func next(t *testing.T, c *client.Client) client.Event {
	t.Helper()
	e, err := c.Recv(testCtx(t))
	require.NoError(t, err)
	return e
}

// raw is a WebSocket connection speaking the protocol by hand.
type raw struct {
	t   *testing.T
	ws  *websocket.Conn
	key []byte
	seq uint32
}

func dialRaw(t *testing.T, ep realtime.Endpoint, h map[string]string) *raw {
	t.Helper()
	opts := &websocket.DialOptions{HTTPHeader: map[string][]string{}}
	for k, v := range h {
		opts.HTTPHeader.Set(k, v)
	}
	ws, _, err := websocket.Dial(testCtx(t), url(ep), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ws.CloseNow() })
	return &raw{t: t, ws: ws, key: []byte(ep.EncryptionKey)}
}

func (r *raw) write(typ websocket.MessageType, b []byte) {
	r.t.Helper()
	require.NoError(r.t, r.ws.Write(testCtx(r.t), typ, b))
}

func (r *raw) send(msg proto.Message) {
	r.t.Helper()
	b, err := wire.EncodeMessage(msg, 0, 0, r.key)
	require.NoError(r.t, err)
	r.write(websocket.MessageBinary, b)
}

// recv returns the next server message, checking that it is binary,
// signed with the key and numbered next.
func (r *raw) recv() proto.Message {
	r.t.Helper()
	typ, b, err := r.ws.Read(testCtx(r.t))
	require.NoError(r.t, err)
	require.Equal(r.t, websocket.MessageBinary, typ)
	f, err := wire.Decode(b, r.key)
	require.NoError(r.t, err)
	r.seq++
	require.Equal(r.t, r.seq, f.SequenceNumber)
	msg, err := f.Message()
	require.NoError(r.t, err)
	return msg
}

// recvError expects an Error with code.
func (r *raw) recvError(code uint32) *pb.Error {
	r.t.Helper()
	m := r.recv()
	e, ok := m.(*pb.Error)
	require.True(r.t, ok, "want Error %d, got %T %v", code, m, m)
	require.Equal(r.t, code, e.GetStatusCode())
	require.Equal(r.t, "relay", e.GetComponent())
	return e
}

// hello joins as user and returns the HelloResult.
func (r *raw) hello(user string) *pb.HelloResult {
	r.t.Helper()
	r.send(&pb.HelloRequest{AccessToken: "tok-" + user})
	m := r.recv()
	res, ok := m.(*pb.HelloResult)
	require.True(r.t, ok, "got %T %v", m, m)
	return res
}

// closed waits for the server to close the socket.
func (r *raw) closed() {
	r.t.Helper()
	for {
		_, _, err := r.ws.Read(testCtx(r.t))
		if err != nil {
			require.NotErrorIs(r.t, err, context.DeadlineExceeded)
			return
		}
	}
}

// relayCfg is a Config whose range is one port that was free.
func relayCfg(t *testing.T) relay.Config {
	p := freePort(t)
	return relay.Config{PortMin: p, PortMax: p}
}

// closing reads r on its own goroutine, as a live client does, and
// returns a channel closed when the server has closed the socket.
func (r *raw) closing() <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, _, err := r.ws.Read(context.Background()); err != nil {
				return
			}
		}
	}()
	return done
}
