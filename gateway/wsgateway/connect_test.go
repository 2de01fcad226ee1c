package wsgateway_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/gateway/wsgateway"
	"github.com/hearth-go/hearth/store"
)

func TestConnectReceivesItsConnectionID(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{})
		a, b := e.dial(t, nil), e.dial(t, nil)
		require.NotEqual(t, a.id, b.id)
		_, err := uuid.Parse(a.id)
		require.NoError(t, err, "connection IDs are UUIDs")

		// The ID is the service's: the server can bind it, and only it.
		e.bind(t, a.id, "alice")
		require.Equal(t, []string{a.id}, e.sessions(t, "alice"))
		_, err = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: uuid.NewString(), UserID: "bob"})
		require.ErrorIs(t, err, gateway.ErrNotFound)
	})
}

// The notification frame of SEMANTICS.md, exactly as GS2 sends it.
func TestBindByTokenThenNotificationArrivesByteForByte(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{})
		c := e.dial(t, nil)

		s := sessionOf(t, c.setUserID(t, map[string]any{"token": e.issue(t, "alice", time.Hour)}))
		require.Equal(t, c.id, s.ConnectionID)
		require.Equal(t, "alice", s.UserID)
		require.Equal(t, ns, s.NamespaceName)
		require.Equal(t, "grn:gs2:local:hearth:gateway:ns:user:alice:session:"+c.id, s.WebSocketSessionID)
		require.Equal(t, []string{c.id}, e.sessions(t, "alice"))

		payload := `{"namespaceName":"q","userId":"alice","note":"<é & \"quoted\">"}`
		res := e.notify(t, "alice", "Gs2JobQueue:Push", payload)
		require.Equal(t, "websocket", res.Protocol)
		require.Equal(t, []string{c.id}, res.SendConnectionIDs)
		want := `{"type":"notification","body":{"issuer":"Gs2JobQueue:Push","subject":"Gs2JobQueue:Push",` +
			`"payload":"{\"namespaceName\":\"q\",\"userId\":\"alice\",\"note\":\"<é & \\\"quoted\\\">\"}"}}`
		require.Equal(t, want, string(c.readRaw(t)))

		// With an issuer of its own.
		_, err := e.svc.SendNotification(e.ctx, gateway.SendNotificationInput{
			NamespaceName: ns, UserID: "alice", Issuer: "game", Subject: "hello", Payload: "{}",
		})
		require.NoError(t, err)
		require.Equal(t, `{"type":"notification","body":{"issuer":"game","subject":"hello","payload":"{}"}}`, string(c.readRaw(t)))
	})
}

func TestServerSideSetUserIDWithoutVerifier(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{cfg: func(c *wsgateway.Config) { c.Verifier = nil }})
		c := e.dial(t, nil)

		// Without a Verifier, clients cannot bind themselves.
		eb := requireError(t, c.setUserID(t, map[string]any{"token": e.issue(t, "alice", time.Hour)}), http.StatusBadRequest)
		require.Contains(t, eb.Message, "setUserId")
		require.Empty(t, e.sessions(t, "alice"))

		// The game server binds with the connection ID the client received.
		e.bind(t, c.id, "alice")
		require.Equal(t, "websocket", e.notify(t, "alice", "s", "p").Protocol)
		typ, body := c.read(t)
		require.Equal(t, "notification", typ)
		require.JSONEq(t, `{"issuer":"s","subject":"s","payload":"p"}`, string(body))
	})
}

func TestTokenRefusedWith401AndTheSocketStaysUsable(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{})
		c := e.dial(t, nil)

		// Expired: issued for a minute, presented two minutes later on the
		// verifier's clock.
		expiring := e.issue(t, "alice", time.Minute)
		e.tokClk.Add(2 * time.Minute)
		eb := requireError(t, c.setUserID(t, map[string]any{"token": expiring}), http.StatusUnauthorized)
		require.Equal(t, "token expired", eb.Message)

		// Forged: a valid token for bob with alice's name spliced in, a
		// flipped signature, garbage, and nothing.
		good := e.issue(t, "bob", time.Hour)
		other := e.issue(t, "alice", time.Hour)
		gp, gs, _ := strings.Cut(good, ".")
		op, _, _ := strings.Cut(other, ".")
		flipped := "A" + gs[1:]
		if gs[0] == 'A' {
			flipped = "B" + gs[1:]
		}
		for _, forged := range []string{op + "." + gs, gp + "." + flipped, "not-a-token", ""} {
			eb := requireError(t, c.setUserID(t, map[string]any{"token": forged}), http.StatusUnauthorized)
			require.Equal(t, "invalid token", eb.Message, "token %q", forged)
		}
		require.Empty(t, e.sessions(t, "alice"))
		require.Empty(t, e.sessions(t, "bob"))

		// The same connection binds with a good token and gets notified.
		s := sessionOf(t, c.setUserID(t, map[string]any{"token": good}))
		require.Equal(t, "bob", s.UserID)
		e.notify(t, "bob", "s", "p")
		typ, _ := c.read(t)
		require.Equal(t, "notification", typ)
	})
}

func TestSetUserIDRulesOverTheSocket(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		no := false
		e := newEnv(t, st, envOpts{cfg: func(c *wsgateway.Config) { c.AllowConcurrentAccess = &no }})
		a, b := e.dial(t, nil), e.dial(t, nil)
		tok := e.issue(t, "alice", time.Hour)

		// The handler's default (false) applies when the client gives none:
		// a second session of alice conflicts.
		sessionOf(t, a.setUserID(t, map[string]any{"token": tok, "sessionId": "s1"}))
		requireError(t, b.setUserID(t, map[string]any{"token": tok}), http.StatusConflict)
		// The client's own allowConcurrentAccess wins over the default.
		sessionOf(t, b.setUserID(t, map[string]any{"token": tok, "allowConcurrentAccess": true}))
		require.ElementsMatch(t, []string{a.id, b.id}, e.sessions(t, "alice"))

		// force replaces the others, whose sockets are closed with 1008.
		c := e.dial(t, nil)
		sessionOf(t, c.setUserID(t, map[string]any{"token": tok, "force": true}))
		for _, old := range []*client{a, b} {
			require.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(old.readClose(t)))
			e.waitEnded(t, old.id)
		}
		require.Equal(t, []string{c.id}, e.sessions(t, "alice"))

		// An invalid field is a 400 naming it; the connection stays open.
		eb := requireError(t, c.setUserID(t, map[string]any{"token": tok, "sessionId": strings.Repeat("x", 129)}), http.StatusBadRequest)
		require.Contains(t, eb.Message, "sessionId")
		e.notify(t, "alice", "s", "p")
		typ, _ := c.read(t)
		require.Equal(t, "notification", typ)
	})
}

func TestMalformedAndUnknownMessagesGet400(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{})
		c := e.dial(t, nil)
		for _, msg := range []string{`not json`, `[1,2]`, `{"type":"hello"}`, `{"type":"setUserId","body":"x"}`} {
			c.sendRaw(t, websocket.MessageText, []byte(msg))
			eb := requireError(t, c.readReply(t), http.StatusBadRequest)
			if msg == `{"type":"hello"}` {
				require.Contains(t, eb.Message, `"hello"`)
			}
		}
		// Still usable.
		sessionOf(t, c.setUserID(t, map[string]any{"token": e.issue(t, "alice", time.Hour)}))
	})
}

func TestBinaryFrameClosesWith1003(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{})
		c := e.dial(t, nil)
		e.bind(t, c.id, "alice")
		c.sendRaw(t, websocket.MessageBinary, []byte{1, 2, 3})
		require.Equal(t, websocket.StatusUnsupportedData, websocket.CloseStatus(c.readClose(t)))
		e.waitEnded(t, c.id)
		require.Empty(t, e.sessions(t, "alice"))
	})
}

func TestMessageOverReadLimitClosesWith1009(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{cfg: func(c *wsgateway.Config) { c.ReadLimit = 64 }})
		c := e.dial(t, nil)
		c.sendRaw(t, websocket.MessageText, []byte(`{"type":"x","body":"`+strings.Repeat("a", 64)+`"}`))
		require.Equal(t, websocket.StatusMessageTooBig, websocket.CloseStatus(c.readClose(t)))
		e.waitEnded(t, c.id)
	})
}

func TestDisconnectByUserIDClosesTheSocketWith1008(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{})
		a, b, other := e.dial(t, nil), e.dial(t, nil), e.dial(t, nil)
		e.bind(t, a.id, "alice")
		e.bind(t, b.id, "alice")
		e.bind(t, other.id, "bob")

		gone, err := e.svc.DisconnectByUserID(e.ctx, ns, "alice")
		require.NoError(t, err)
		require.Len(t, gone, 2)
		for _, c := range []*client{a, b} {
			err := c.readClose(t)
			require.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(err), "%v", err)
			e.waitEnded(t, c.id)
		}
		require.Empty(t, e.sessions(t, "alice"))

		// bob is untouched.
		e.notify(t, "bob", "s", "p")
		typ, _ := other.read(t)
		require.Equal(t, "notification", typ)
	})
}

func TestDisconnectAllClosesEverySocketWith1008(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{})
		bound, unbound := e.dial(t, nil), e.dial(t, nil)
		e.bind(t, bound.id, "alice")
		require.NoError(t, e.svc.DisconnectAll(e.ctx, ns))
		for _, c := range []*client{bound, unbound} {
			require.Equal(t, websocket.StatusPolicyViolation, websocket.CloseStatus(c.readClose(t)))
			e.waitEnded(t, c.id)
		}
		require.Empty(t, e.sessions(t, "alice"))
	})
}

func TestStopClosesWith1001AndRefusesNewConnections(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{})
		a, b := e.dial(t, nil), e.dial(t, nil)
		e.bind(t, a.id, "alice")

		require.NoError(t, e.svc.Stop(e.ctx))
		for _, c := range []*client{a, b} {
			require.Equal(t, websocket.StatusGoingAway, websocket.CloseStatus(c.readClose(t)))
			e.waitEnded(t, c.id)
		}

		// A client connecting now is closed with 1001 at once.
		late := e.dialRaw(t, nil)
		require.Equal(t, websocket.StatusGoingAway, websocket.CloseStatus(late.readClose(t)))
	})
}

func TestConnectToAMissingNamespaceClosesWith1011(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{noNS: true})
		c := e.dialRaw(t, nil)
		require.Equal(t, websocket.StatusInternalError, websocket.CloseStatus(c.readClose(t)))
	})
}

// The session goes the moment the handler has seen the client go: right
// after the hook, the service lists none, with no waiting.
func TestClientCloseRemovesTheSessionAtOnce(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{})
		a, b := e.dial(t, nil), e.dial(t, nil)
		e.bind(t, a.id, "alice")
		e.bind(t, b.id, "alice")

		require.NoError(t, a.ws.Close(websocket.StatusNormalClosure, "bye"))
		e.waitEnded(t, a.id)
		require.Equal(t, []string{b.id}, e.sessions(t, "alice"))

		// A client that vanishes without a close frame goes as well.
		require.NoError(t, b.ws.CloseNow())
		e.waitEnded(t, b.id)
		require.Empty(t, e.sessions(t, "alice"))
		require.Empty(t, e.notify(t, "alice", "s", "p").Protocol)
	})
}

func TestHandlerClose(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{})
		c := e.dial(t, nil)
		e.bind(t, c.id, "alice")

		// A context that ends before the connections: they are dropped, and
		// Close still returns only after their goroutines exited.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		require.ErrorIs(t, e.h.Close(ctx), context.Canceled)
		e.waitEnded(t, c.id)
		require.Empty(t, e.sessions(t, "alice"))
		var ce websocket.CloseError
		require.False(t, errors.As(c.readClose(t), &ce), "dropped without a close frame")

		// New requests are refused.
		_, resp, err := websocket.Dial(e.ctx, e.url, nil)
		require.Error(t, err)
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		require.NoError(t, e.h.Close(context.Background()), "Close again")
	})
}

// Many clients bind and are notified at once (a race-detector workout).
func TestManyClientsConcurrently(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, envOpts{})
		const n = 24
		clients := make([]*client, n)
		for i := range clients {
			clients[i] = e.dial(t, nil)
		}
		errc := make(chan error, n)
		for i, c := range clients {
			go func() {
				user := fmt.Sprintf("u%d", i%4)
				tok, err := e.hmac.Issue(e.ctx, user, time.Hour)
				if err != nil {
					errc <- err
					return
				}
				msg := fmt.Sprintf(`{"type":"setUserId","body":{"token":%q}}`, tok)
				if err := c.ws.Write(e.ctx, websocket.MessageText, []byte(msg)); err != nil {
					errc <- err
					return
				}
				_, data, err := c.ws.Read(e.ctx)
				if err == nil && !strings.HasPrefix(string(data), `{"type":"setUserId"`) {
					err = fmt.Errorf("client %d: %s", i, data)
				}
				errc <- err
			}()
		}
		for range n {
			require.NoError(t, <-errc)
		}
		for u := range 4 {
			res := e.notify(t, fmt.Sprintf("u%d", u), "s", fmt.Sprint(u))
			require.Len(t, res.SendConnectionIDs, n/4)
		}
		for i, c := range clients {
			typ, body := c.read(t)
			require.Equal(t, "notification", typ)
			require.JSONEq(t, fmt.Sprintf(`{"issuer":"s","subject":"s","payload":"%d"}`, i%4), string(body))
		}
	})
}

func TestNewValidatesTheConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t, memstoreOpen(t), envOpts{})
	for _, tc := range []struct {
		field string
		cfg   wsgateway.Config
	}{
		{"Service", wsgateway.Config{Namespace: ns}},
		{"Namespace", wsgateway.Config{Service: e.svc}},
		{"Namespace", wsgateway.Config{Service: e.svc, Namespace: "bad name"}},
		{"SendQueue", wsgateway.Config{Service: e.svc, Namespace: ns, SendQueue: -1}},
		{"PingInterval", wsgateway.Config{Service: e.svc, Namespace: ns, PingInterval: -1}},
		{"PingTimeout", wsgateway.Config{Service: e.svc, Namespace: ns, PingTimeout: -1}},
		{"WriteTimeout", wsgateway.Config{Service: e.svc, Namespace: ns, WriteTimeout: -1}},
		{"ReadLimit", wsgateway.Config{Service: e.svc, Namespace: ns, ReadLimit: -1}},
	} {
		_, err := wsgateway.New(tc.cfg)
		requireField(t, err, tc.field)
	}
	h, err := wsgateway.New(wsgateway.Config{Service: e.svc, Namespace: ns})
	require.NoError(t, err)
	require.NoError(t, h.Close(context.Background()))
}

func TestCloseReasonIsCutAtARuneBoundary(t *testing.T) {
	t.Parallel()
	require.Equal(t, "abc", wsgateway.Truncate("abc", 123))
	long := strings.Repeat("é", 100) // 200 bytes
	cut := wsgateway.Truncate(long, 123)
	require.Len(t, cut, 122)
	require.Equal(t, strings.Repeat("é", 61), cut)
}

func TestSendQueueIsAFIFOThatLetsGoOfItsBuffer(t *testing.T) {
	t.Parallel()
	var frames []string
	var pops []bool
	for i := range 40 {
		frames = append(frames, fmt.Sprint(i))
		pops = append(pops, i%3 == 2) // grows: 2 pushed per pop
	}
	out, maxBuf := wsgateway.RingFIFO(frames, pops, 32)
	require.Equal(t, frames, out, "FIFO order across growth and wrap-around")
	require.LessOrEqual(t, maxBuf, 32, "never more slots than the limit")
	require.Positive(t, maxBuf, "an emptied large buffer is let go")
}
