package gateway_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/store"
)

func TestConnectBindDescribeDisconnect(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, &gateway.Config{Region: "eu", Owner: "studio", NodeID: "node-a"})
		id, c := e.connect(ns)
		require.Len(t, id, 36, "a UUID")
		require.Empty(t, e.sessions(ns, "u1"), "connected, not bound: no session")

		e.clk.Add(time.Second)
		s, err := e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: "u1", SessionID: "sid"})
		require.NoError(t, err)
		now := clock.Millis(e.clk.Now())
		want := gateway.WebSocketSession{
			WebSocketSessionID: "grn:gs2:eu:studio:gateway:game:user:u1:session:" + id,
			ConnectionID:       id, NamespaceName: ns, UserID: "u1", SessionID: "sid", NodeID: "node-a",
			CreatedAt: now, UpdatedAt: now, Revision: 0,
		}
		require.Equal(t, want, *s)
		items, next, err := e.svc.DescribeWebSocketSessions(e.ctx, ns, "u1", "", 0)
		require.NoError(t, err)
		require.Empty(t, next)
		require.Equal(t, []gateway.WebSocketSession{want}, items)
		require.Equal(t, []string{id}, e.live("u1"))
		require.Contains(t, dump(t, st), `("gateway", "user", "game", "u1")`, "the user's guard")

		// Binding again to the same user updates the session.
		e.clk.Add(time.Second)
		s, err = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: "u1"})
		require.NoError(t, err)
		require.Equal(t, want.CreatedAt, s.CreatedAt)
		require.Equal(t, clock.Millis(e.clk.Now()), s.UpdatedAt)
		require.Equal(t, int64(1), s.Revision)
		require.Empty(t, s.SessionID)
		require.Equal(t, []string{id}, e.sessions(ns, "u1"))

		// A second connection of the same user, then DisconnectByUserID.
		id2, c2 := e.bind("u1")
		require.Equal(t, sorted(id, id2), e.sessions(ns, "u1"))
		require.Equal(t, sorted(id, id2), e.live("u1"))
		e.requireConsistent()
		gone, err := e.svc.DisconnectByUserID(e.ctx, ns, "u1")
		require.NoError(t, err)
		require.Len(t, gone, 2)
		require.ElementsMatch(t, []string{id, id2}, []string{gone[0].ConnectionID, gone[1].ConnectionID})
		require.Equal(t, gateway.ClosePolicyViolation, c.closeCode())
		require.Equal(t, gateway.ClosePolicyViolation, c2.closeCode())
		require.Empty(t, e.sessions(ns, "u1"))
		require.Empty(t, e.live("u1"))
		require.Zero(t, gateway.LiveCount(e.svc), "closed connections are forgotten")
		require.NotContains(t, dump(t, st), `("gateway", "user", "game", "u1")`, "no guard without sessions")
		e.requireConsistent()

		// A closed connection cannot be bound again.
		_, err = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: "u1"})
		require.ErrorIs(t, err, gateway.ErrNotFound)

		// Nobody left: an empty list.
		gone, err = e.svc.DisconnectByUserID(e.ctx, ns, "u1")
		require.NoError(t, err)
		require.Empty(t, gone)
	})
}

func TestDescribeIsPaged(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		var ids []string
		for range 5 {
			id, _ := e.bind("u")
			ids = append(ids, id)
		}
		e.bind("other")
		var got []string
		token := ""
		pages := 0
		for {
			items, next, err := e.svc.DescribeWebSocketSessions(e.ctx, ns, "u", token, 2)
			require.NoError(t, err)
			require.LessOrEqual(t, len(items), 2)
			for _, s := range items {
				require.Equal(t, "u", s.UserID)
				got = append(got, s.ConnectionID)
			}
			pages++
			if next == "" {
				break
			}
			token = next
		}
		require.Equal(t, 3, pages)
		require.Equal(t, sorted(ids...), got, "in connection ID order, each once")
	})
}

func TestDisconnectedRemovesTheSessionAtOnce(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		id, c := e.bind("u")
		id2, _ := e.bind("u")
		e.svc.Disconnected(e.ctx, id)
		require.Equal(t, []string{id2}, e.sessions(ns, "u"))
		require.Equal(t, []string{id2}, e.live("u"))
		require.False(t, c.isClosed(), "the transport closed it; the service does not close it again")
		require.Equal(t, 1, gateway.LiveCount(e.svc))
		e.requireConsistent()

		// Unknown and repeated reports are ignored.
		e.svc.Disconnected(e.ctx, id)
		e.svc.Disconnected(e.ctx, "nope")
		// An unbound connection is just forgotten.
		id3, _ := e.connect(ns)
		e.svc.Disconnected(e.ctx, id3)
		require.Equal(t, 1, gateway.LiveCount(e.svc))
		_, err := e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id3, UserID: "u"})
		require.ErrorIs(t, err, gateway.ErrNotFound)

		e.svc.Disconnected(e.ctx, id2)
		require.Empty(t, e.sessions(ns, "u"))
		require.NotContains(t, dump(t, st), `("gateway", "user", "game", "u")`, "no guard without sessions")
		e.requireConsistent()
	})
}

func TestRebindToAnotherUser(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		id, c := e.bind("alice")
		other, _ := e.bind("alice")
		e.clk.Add(time.Second)
		s, err := e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: "bob"})
		require.NoError(t, err)
		require.Equal(t, "bob", s.UserID)
		require.Equal(t, int64(0), s.Revision, "a new session")
		require.Equal(t, clock.Millis(e.clk.Now()), s.CreatedAt)
		require.Equal(t, []string{other}, e.sessions(ns, "alice"))
		require.Equal(t, []string{id}, e.sessions(ns, "bob"))
		require.Equal(t, []string{other}, e.live("alice"))
		require.Equal(t, []string{id}, e.live("bob"))
		require.False(t, c.isClosed())
		e.requireConsistent()

		// The last session of a user moving away deletes its guard.
		_, err = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: other, UserID: "bob"})
		require.NoError(t, err)
		require.Empty(t, e.sessions(ns, "alice"))
		require.Empty(t, e.live("alice"))
		e.requireConsistent()

		res, err := e.svc.SendNotification(e.ctx, gateway.SendNotificationInput{NamespaceName: ns, UserID: "bob", Subject: "s", Payload: "{}"})
		require.NoError(t, err)
		require.ElementsMatch(t, []string{id, other}, res.SendConnectionIDs)
	})
}

func TestConnectionBelongsToItsNamespace(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		_, err := e.svc.CreateNamespace(e.ctx, gateway.CreateNamespaceInput{Name: "other"})
		require.NoError(t, err)
		id, _ := e.connect(ns)
		unchanged(t, st, func() {
			_, err = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: "other", ConnectionID: id, UserID: "u"})
			require.ErrorIs(t, err, gateway.ErrNotFound)
			_, err = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: "not-a-connection", UserID: "u"})
			require.ErrorIs(t, err, gateway.ErrNotFound)
		})
		// Connect to a namespace that does not exist.
		c := newFakeConn()
		_, err = e.svc.Connect(e.ctx, "missing", c)
		require.ErrorIs(t, err, gateway.ErrNotFound)
		require.Equal(t, 1, gateway.LiveCount(e.svc), "a refused connection is not kept")
		_, err = e.svc.Connect(e.ctx, ns, nil)
		requireInvalid(t, err, "conn")

		// The other registry methods on a missing namespace.
		_, _, err = e.svc.DescribeWebSocketSessions(e.ctx, "missing", "u", "", 0)
		require.ErrorIs(t, err, gateway.ErrNotFound)
		_, err = e.svc.DisconnectByUserID(e.ctx, "missing", "u")
		require.ErrorIs(t, err, gateway.ErrNotFound)
	})
}

func TestDisconnectAll(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		_, err := e.svc.CreateNamespace(e.ctx, gateway.CreateNamespaceInput{Name: "other"})
		require.NoError(t, err)
		var conns []*fakeConn
		for i := range 300 { // more than one batch
			_, c := e.bind(fmt.Sprintf("u%d", i%7))
			conns = append(conns, c)
		}
		_, unbound := e.connect(ns)
		otherID, otherConn := e.connect("other")
		_, err = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: "other", ConnectionID: otherID, UserID: "u0"})
		require.NoError(t, err)

		require.NoError(t, e.svc.DisconnectAll(e.ctx, ns))
		for _, c := range append(conns, unbound) {
			require.Equal(t, gateway.ClosePolicyViolation, c.closeCode())
		}
		for i := range 7 {
			require.Empty(t, e.sessions(ns, fmt.Sprintf("u%d", i)))
		}
		require.False(t, otherConn.isClosed(), "another namespace is untouched")
		require.Equal(t, []string{otherID}, e.sessions("other", "u0"))
		require.Equal(t, 1, gateway.LiveCount(e.svc))
		e.requireConsistent()

		require.ErrorIs(t, e.svc.DisconnectAll(e.ctx, "missing"), gateway.ErrNotFound)
	})
}
