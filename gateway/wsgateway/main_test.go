package wsgateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/token"
	"github.com/hearth-go/hearth/gateway/wsgateway"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/store"
)

func TestMain(m *testing.M) {
	if os.Getenv(idleClientsEnv) != "" {
		runIdleClients() // the client process of BenchmarkIdleConnectionMemory
		return
	}
	goleak.VerifyTestMain(m)
}

var eachStore = teststore.Each

const ns = "ns"

// guard bounds every wait of a test on the network: a test that hangs
// fails after it instead of blocking the run. Nothing waits for it to pass.
const guard = 20 * time.Second

// env is a started service with namespace "ns", an HMAC verifier, and a
// Handler served by an httptest.Server. Each clock is its own mock: the
// service's (timestamps), the verifier's (token expiry) and the handler's
// (heartbeat), so that advancing one fires nothing of the others.
type env struct {
	ctx    context.Context
	st     store.Store
	svc    *gateway.Service
	svcClk *clock.Mock
	tokClk *clock.Mock
	hbClk  *clock.Mock
	hmac   *token.HMAC
	h      *wsgateway.Handler
	srv    *httptest.Server
	url    string

	ended  chan string
	seen   map[string]bool // ended connections, kept by waitEnded
	pinged chan pingResult

	mu        sync.Mutex
	maxQueued int
}

type pingResult struct {
	id  string
	err error
}

// envOpts adjusts a test's environment.
type envOpts struct {
	cfg    func(*wsgateway.Config) // adjusts the handler's config
	server func(*httptest.Server)  // adjusts the server before it starts
	noNS   bool                    // do not create the namespace
}

func newEnv(t testing.TB, st store.Store, o envOpts) *env {
	t.Helper()
	e := &env{
		ctx:    context.Background(),
		st:     st,
		svcClk: clock.NewMock(),
		tokClk: clock.NewMock(),
		hbClk:  clock.NewMock(),
		ended:  make(chan string, 4096),
		seen:   map[string]bool{},
		pinged: make(chan pingResult, 64),
	}
	svc, err := gateway.New(st, &gateway.Config{Clock: e.svcClk})
	require.NoError(t, err)
	require.NoError(t, svc.Start(e.ctx))
	e.svc = svc
	if !o.noNS {
		_, err = svc.CreateNamespace(e.ctx, gateway.CreateNamespaceInput{Name: ns})
		require.NoError(t, err)
	}
	e.hmac, err = token.NewHMAC([]byte("test secret of at least 32 bytes!!"), e.tokClk)
	require.NoError(t, err)

	cfg := wsgateway.Config{
		Service:   svc,
		Namespace: ns,
		Verifier:  e.hmac,
		Clock:     e.hbClk,
	}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	cfg = wsgateway.WithHooks(cfg, wsgateway.Hooks{
		Ended: func(id string) { e.ended <- id },
		Pinged: func(id string, err error) {
			select {
			case e.pinged <- pingResult{id, err}:
			default:
			}
		},
		Queued: func(_ string, n int) {
			e.mu.Lock()
			e.maxQueued = max(e.maxQueued, n)
			e.mu.Unlock()
		},
	})
	e.h, err = wsgateway.New(cfg)
	require.NoError(t, err)

	e.srv = httptest.NewUnstartedServer(e.h)
	if o.server != nil {
		o.server(e.srv)
	}
	e.srv.Start()
	e.url = "ws" + strings.TrimPrefix(e.srv.URL, "http")
	// Cleanups run last-in first-out: clients (registered later) close
	// first, then the service closes what is left, then the handler waits
	// for the connection goroutines, then the server goes.
	t.Cleanup(e.srv.Close)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), guard)
		defer cancel()
		require.NoError(t, e.h.Close(ctx))
	})
	t.Cleanup(func() { require.NoError(t, svc.Stop(context.Background())) })
	return e
}

// waitEnded waits until the handler has reported connection id to
// Service.Disconnected.
func (e *env) waitEnded(t testing.TB, id string) {
	t.Helper()
	timeout := time.After(guard)
	for !e.seen[id] {
		select {
		case got := <-e.ended:
			require.False(t, e.seen[got], "connection %s reported twice", got)
			e.seen[got] = true
		case <-timeout:
			t.Fatalf("connection %s was never reported disconnected", id)
		}
	}
}

// sessions returns the IDs of user's sessions.
func (e *env) sessions(t testing.TB, user string) []string {
	t.Helper()
	ss, _, err := e.svc.DescribeWebSocketSessions(e.ctx, ns, user, "", 100)
	require.NoError(t, err)
	ids := make([]string, 0, len(ss))
	for _, s := range ss {
		ids = append(ids, s.ConnectionID)
	}
	return ids
}

// bind binds connection id to user from the server side.
func (e *env) bind(t testing.TB, id, user string) {
	t.Helper()
	_, err := e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: user})
	require.NoError(t, err)
}

// notify sends a notification to user and returns its result.
func (e *env) notify(t testing.TB, user, subject, payload string) *gateway.SendNotificationResult {
	t.Helper()
	res, err := e.svc.SendNotification(e.ctx, gateway.SendNotificationInput{
		NamespaceName: ns, UserID: user, Subject: subject, Payload: payload,
	})
	require.NoError(t, err)
	return res
}

func (e *env) issue(t testing.TB, user string, ttl time.Duration) string {
	t.Helper()
	tok, err := e.hmac.Issue(e.ctx, user, ttl)
	require.NoError(t, err)
	return tok
}

func memstoreOpen(t testing.TB) store.Store {
	t.Helper()
	return teststore.Cases()[0].Open(t)
}

// requireField asserts err is an invalid-argument error naming field.
func requireField(t *testing.T, err error, field string) {
	t.Helper()
	require.ErrorIs(t, err, gateway.ErrInvalidArgument)
	fe, ok := errors.AsType[*errs.FieldError](err)
	require.True(t, ok, "%v", err)
	require.Equal(t, field, fe.Field)
}

// client is a test's WebSocket client.
type client struct {
	ws *websocket.Conn
	id string // from the connected frame
}

// dial connects to the env's handler and reads the connected frame.
func (e *env) dial(t testing.TB, opts *websocket.DialOptions) *client {
	t.Helper()
	c := e.dialRaw(t, opts)
	typ, body := c.read(t)
	require.Equal(t, "connected", typ)
	var b struct {
		ConnectionID string `json:"connectionId"`
	}
	require.NoError(t, json.Unmarshal(body, &b))
	require.NotEmpty(t, b.ConnectionID)
	c.id = b.ConnectionID
	return c
}

// dialRaw connects without reading anything.
func (e *env) dialRaw(t testing.TB, opts *websocket.DialOptions) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, e.url, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ws.CloseNow() })
	return &client{ws: ws}
}

// readRaw reads one message.
func (c *client) readRaw(t testing.TB) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	typ, data, err := c.ws.Read(ctx)
	require.NoError(t, err)
	require.Equal(t, websocket.MessageText, typ)
	return data
}

// read reads one message and returns its type and body.
func (c *client) read(t testing.TB) (string, json.RawMessage) {
	t.Helper()
	var f struct {
		Type string          `json:"type"`
		Body json.RawMessage `json:"body"`
	}
	require.NoError(t, json.Unmarshal(c.readRaw(t), &f))
	return f.Type, f.Body
}

// readClose reads until the connection ends and returns the error.
func (c *client) readClose(t testing.TB) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	for {
		if _, _, err := c.ws.Read(ctx); err != nil {
			require.NoError(t, ctx.Err(), "the connection did not end")
			return err
		}
	}
}

// send writes v as a JSON text message.
func (c *client) send(t testing.TB, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	c.sendRaw(t, websocket.MessageText, b)
}

func (c *client) sendRaw(t testing.TB, typ websocket.MessageType, b []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	require.NoError(t, c.ws.Write(ctx, typ, b))
}

// reply is a frame: its type and body.
type reply struct {
	typ  string
	body json.RawMessage
}

// readReply reads one frame.
func (c *client) readReply(t testing.TB) reply {
	t.Helper()
	typ, body := c.read(t)
	return reply{typ, body}
}

// setUserID sends a setUserId message with body and reads the answer.
func (c *client) setUserID(t testing.TB, body map[string]any) reply {
	t.Helper()
	c.send(t, map[string]any{"type": "setUserId", "body": body})
	return c.readReply(t)
}

// errorBody is the body of an error frame.
type errorBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// requireError asserts that the frame is an error with code.
func requireError(t testing.TB, r reply, code int) errorBody {
	t.Helper()
	require.Equal(t, "error", r.typ, "body: %s", r.body)
	var eb errorBody
	require.NoError(t, json.Unmarshal(r.body, &eb))
	require.Equal(t, code, eb.Code, eb.Message)
	require.NotEmpty(t, eb.Message)
	return eb
}

// sessionOf decodes a setUserId answer.
func sessionOf(t testing.TB, r reply) gateway.WebSocketSession {
	t.Helper()
	require.Equal(t, "setUserId", r.typ, "body: %s", r.body)
	var b struct {
		Session gateway.WebSocketSession `json:"session"`
	}
	require.NoError(t, json.Unmarshal(r.body, &b))
	return b.Session
}
