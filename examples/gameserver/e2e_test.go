package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/realtime/relay/client"
	"github.com/hearth-go/hearth/store"
)

// TestEndToEnd plays the game as two clients would: over HTTP, the
// gateway WebSocket and the relay.
func TestEndToEnd(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		s := startServer(t, st, 0)
		aliceTok, bobTok := s.login(t, "alice"), s.login(t, "bob")
		alice, bob := s.connect(t, aliceTok), s.connect(t, bobTok)

		// A job runs in the background under the wallet lock and tells
		// the player after each attempt.
		status, out := s.call(t, http.MethodPost, "/api/jobs", aliceTok, map[string]any{"coins": 7})
		require.Equal(t, http.StatusOK, status, out)
		job := out["job"].(map[string]any)["name"].(string)
		run := alice.notification("Gs2JobQueue:RunNotification")
		require.Equal(t, job, run["jobName"])
		require.Equal(t, float64(200), run["statusCode"])
		require.JSONEq(t, `{"coins":7,"balance":7}`, run["result"].(string))
		_, me := s.call(t, http.MethodGet, "/api/me", aliceTok, nil)
		require.Equal(t, float64(7), me["coins"])

		// fail "once": the first try answers 503 and is retried.
		status, out = s.call(t, http.MethodPost, "/api/jobs", bobTok, map[string]any{"coins": 3, "fail": "once"})
		require.Equal(t, http.StatusOK, status, out)
		first := bob.notification("Gs2JobQueue:RunNotification")
		require.Equal(t, float64(503), first["statusCode"])
		second := bob.notification("Gs2JobQueue:RunNotification")
		require.Equal(t, float64(200), second["statusCode"])
		require.Equal(t, float64(1), second["tryNumber"])
		_, jobs := s.call(t, http.MethodGet, "/api/jobs", bobTok, nil)
		require.Len(t, jobs["results"], 2, "both attempts are listed")

		// Matched into a room, each is told when it is ready.
		status, out = s.call(t, http.MethodPost, "/api/match", aliceTok, nil)
		require.Equal(t, http.StatusOK, status, out)
		require.Equal(t, "waiting", out["status"])
		status, _ = s.call(t, http.MethodPost, "/api/match", bobTok, nil)
		require.Equal(t, http.StatusOK, status)
		roomName := alice.notification("Gs2Realtime:Create")["roomName"].(string)
		require.Equal(t, roomName, bob.notification("Gs2Realtime:Create")["roomName"])
		_, room := s.call(t, http.MethodGet, "/api/rooms/"+roomName, aliceTok, nil)
		require.Equal(t, "READY", room["status"])
		require.ElementsMatch(t, []any{"alice", "bob"}, room["players"])

		// On the relay, a message goes each way.
		ac, err := client.Dial(testCtx(t), relayURL(room), room["encryptionKey"].(string), aliceTok, []byte("alice"))
		require.NoError(t, err)
		defer ac.Close()
		bc, err := client.Dial(testCtx(t), relayURL(room), room["encryptionKey"].(string), bobTok, []byte("bob"))
		require.NoError(t, err)
		defer bc.Close()
		require.Equal(t, "bob", expect[*client.Join](t, ac).Player.GetUserId())
		require.NoError(t, ac.Send(testCtx(t), []byte("hi bob")))
		m := expect[*client.Message](t, bc)
		require.Equal(t, "hi bob", string(m.Data))
		require.Equal(t, ac.Me().GetConnectionId(), m.From)
		require.NoError(t, bc.Send(testCtx(t), []byte("hi alice")))
		m = expect[*client.Message](t, ac)
		require.Equal(t, "hi alice", string(m.Data))
		require.Equal(t, bc.Me().GetConnectionId(), m.From)

		// A room that ends is forgotten: no longer the player's, gone
		// from its endpoint.
		_, me = s.call(t, http.MethodGet, "/api/me", aliceTok, nil)
		require.Equal(t, roomName, me["room"])
		_, err = s.rt.DeleteRoom(testCtx(t), ns, roomName)
		require.NoError(t, err)
		_, me = s.call(t, http.MethodGet, "/api/me", aliceTok, nil)
		require.Equal(t, "", me["room"])
		status, _ = s.call(t, http.MethodGet, "/api/rooms/"+roomName, aliceTok, nil)
		require.Equal(t, http.StatusNotFound, status)
	})
}

// expect returns c's next event, which must be a T.
func expect[T client.Event](t *testing.T, c *client.Client) T {
	t.Helper()
	e, err := c.Recv(testCtx(t))
	require.NoError(t, err)
	v, ok := e.(T)
	require.True(t, ok, "got %T %+v", e, e)
	return v
}
