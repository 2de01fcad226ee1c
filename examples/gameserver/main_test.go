package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var eachStore = teststore.Each

// guard bounds every wait of a test on the network.
const guard = 20 * time.Second

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	t.Cleanup(cancel)
	return ctx
}

// server is an app served on a free port of 127.0.0.1.
type server struct {
	*app
	base string // http://127.0.0.1:port
}

// startServer starts an app on st, with one relay port that was free and
// the given match window; it is stopped when t ends.
func startServer(t testing.TB, st store.Store, window time.Duration) *server {
	t.Helper()
	port := freePort(t)
	a, err := newApp(config{Store: st, RelayPortMin: port, RelayPortMax: port, MatchWindow: window,
		Secret: []byte("test-secret-test-secret-test-secret")})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, a.start(ctx))
	done := make(chan error, 1)
	go func() { done <- a.serve(ctx, ln, grace) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return &server{app: a, base: "http://" + ln.Addr().String()}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// call makes an API call with token as a Bearer token (none when empty)
// and body marshalled to JSON (a string is sent as it is; nil sends none),
// and returns the status and the decoded body.
func (s *server) call(t testing.TB, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	raw, ok := body.(string)
	if !ok && body != nil {
		j, err := json.Marshal(body)
		require.NoError(t, err)
		raw = string(j)
	}
	auth := ""
	if token != "" {
		auth = "Bearer " + token
	}
	status, _, out := s.do(t, method, path, auth, raw)
	return status, out
}

// login logs player in and returns the token.
func (s *server) login(t testing.TB, player string) string {
	t.Helper()
	status, out := s.call(t, http.MethodPost, "/api/login", "", map[string]string{"player": player})
	require.Equal(t, http.StatusOK, status, out)
	return out["token"].(string)
}

// gw is a player's gateway WebSocket.
type gw struct {
	t  testing.TB
	ws *websocket.Conn
}

// connect opens the gateway socket and binds it with token.
func (s *server) connect(t testing.TB, token string) *gw {
	t.Helper()
	ws, _, err := websocket.Dial(testCtx(t), "ws"+strings.TrimPrefix(s.base, "http")+"/ws", nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ws.CloseNow() })
	g := &gw{t: t, ws: ws}
	require.Equal(t, "connected", g.next().Type)
	bind, _ := json.Marshal(map[string]any{"type": "setUserId", "body": map[string]string{"token": token}})
	require.NoError(t, ws.Write(testCtx(t), websocket.MessageText, bind))
	require.Equal(t, "setUserId", g.next().Type)
	return g
}

// frame is a gateway frame.
type frame struct {
	Type string `json:"type"`
	Body struct {
		Subject string `json:"subject"`
		Payload string `json:"payload"`
	} `json:"body"`
}

func (g *gw) next() frame {
	g.t.Helper()
	_, data, err := g.ws.Read(testCtx(g.t))
	require.NoError(g.t, err)
	var f frame
	require.NoError(g.t, json.Unmarshal(data, &f), string(data))
	return f
}

// notification returns the next notification with subject and its
// payload, skipping others.
func (g *gw) notification(subject string) map[string]any {
	g.t.Helper()
	for {
		f := g.next()
		if f.Type != "notification" || f.Body.Subject != subject {
			continue
		}
		var p map[string]any
		require.NoError(g.t, json.Unmarshal([]byte(f.Body.Payload), &p))
		return p
	}
}

// relayURL is the relay address of a room view.
func relayURL(room map[string]any) string {
	return fmt.Sprintf("ws://%s:%d/", room["ipAddress"], int(room["port"].(float64)))
}
