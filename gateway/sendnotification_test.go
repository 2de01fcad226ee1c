package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/store"
)

// The Notifier interface as jobqueue (and realtime) declare it on their
// side: *gateway.Service must satisfy it.
var _ interface {
	Notify(ctx context.Context, setting gateway.NotificationSetting, userID, subject, payload string) error
} = (*gateway.Service)(nil)

func send(e *env, in gateway.SendNotificationInput) *gateway.SendNotificationResult {
	e.t.Helper()
	if in.NamespaceName == "" {
		in.NamespaceName = ns
	}
	res, err := e.svc.SendNotification(e.ctx, in)
	require.NoError(e.t, err)
	return res
}

func TestSendNotificationFrameBytes(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		id, c := e.bind("u")
		res := send(e, gateway.SendNotificationInput{UserID: "u", Issuer: "i", Subject: "s", Payload: `{"a":1}`})
		require.Equal(t, gateway.ProtocolWebSocket, res.Protocol)
		require.Equal(t, []string{id}, res.SendConnectionIDs)
		require.Equal(t, []string{`{"type":"notification","body":{"issuer":"i","subject":"s","payload":"{\"a\":1}"}}`}, c.received())

		// No issuer: the subject.
		send(e, gateway.SendNotificationInput{UserID: "u", Subject: "Gs2JobQueue:Push", Payload: `{}`})
		require.Equal(t, `{"type":"notification","body":{"issuer":"Gs2JobQueue:Push","subject":"Gs2JobQueue:Push","payload":"{}"}}`, c.received()[1])
	})
}

// TestFrameEscapingMatchesEncodingJSON: the frame is what encoding/json
// writes (without HTML escaping) for the same fields in the same order,
// whatever the strings hold.
func TestFrameEscapingMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		_, c := e.bind("u")
		type body struct {
			Issuer  string `json:"issuer"`
			Subject string `json:"subject"`
			Payload string `json:"payload"`
		}
		type frame struct {
			Type string `json:"type"`
			Body body   `json:"body"`
		}
		weird := []string{
			`"quoted" \back\slash`,
			"new\nline\rcr\ttab\bbs\fff",
			"\x00\x01\x1f\x7f",
			"<html> & 'apostrophes'",
			"ünïcödé ✓ 🎮",
			"sep\u2028ara\u2029tors",
			"bad \xff utf8 \xe2\x82",
		}
		for i, w := range weird {
			send(e, gateway.SendNotificationInput{UserID: "u", Issuer: w, Subject: "s" + w, Payload: w + "p"})
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			require.NoError(t, enc.Encode(frame{Type: "notification", Body: body{Issuer: w, Subject: "s" + w, Payload: w + "p"}}))
			require.Equal(t, string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), c.received()[i], "%q", w)
		}
	})
}

func TestSendNotificationFansOut(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		var ids []string
		var conns []*fakeConn
		for range 3 {
			id, c := e.bind("u")
			ids = append(ids, id)
			conns = append(conns, c)
		}
		_, otherUser := e.bind("v")
		_, unbound := e.connect(ns)
		res := send(e, gateway.SendNotificationInput{UserID: "u", Subject: "s", Payload: "p"})
		require.Equal(t, gateway.ProtocolWebSocket, res.Protocol)
		require.ElementsMatch(t, ids, res.SendConnectionIDs)
		want := `{"type":"notification","body":{"issuer":"s","subject":"s","payload":"p"}}`
		for _, c := range conns {
			require.Equal(t, []string{want}, c.received())
		}
		// Encoded once: every connection got the same bytes.
		first := unsafe.SliceData(conns[0].frames[0])
		for _, c := range conns[1:] {
			require.Same(t, first, unsafe.SliceData(c.frames[0]))
		}
		require.Empty(t, otherUser.received())
		require.Empty(t, unbound.received())
		require.Empty(t, e.pusher.messages(), "online users get no mobile notification")
	})
}

func TestSendNotificationToAnOfflineUser(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		in := gateway.SendNotificationInput{UserID: "u", Issuer: "i", Subject: "s", Payload: `{"a":1}`, Sound: "chime", EnableTransferMobileNotification: true}

		// No token: nothing is sent.
		res := send(e, in)
		require.Equal(t, gateway.ProtocolNone, res.Protocol)
		require.Empty(t, res.SendConnectionIDs)
		require.Empty(t, e.pusher.messages())

		_, err := e.svc.SetFirebaseToken(e.ctx, ns, "u", "device-token")
		require.NoError(t, err)
		res = send(e, in)
		require.Equal(t, gateway.ProtocolFirebase, res.Protocol)
		require.Empty(t, res.SendConnectionIDs)
		require.Equal(t, []gateway.MobileMessage{{
			NamespaceName: ns, UserID: "u", Token: "device-token", FirebaseSecret: "secret",
			Title: "s", Body: `{"a":1}`, Sound: "chime",
			Data: map[string]string{"issuer": "i", "subject": "s"},
		}}, e.pusher.messages())

		// Transfer off: nothing is sent.
		in.EnableTransferMobileNotification = false
		res = send(e, in)
		require.Equal(t, gateway.ProtocolNone, res.Protocol)
		require.Len(t, e.pusher.messages(), 1)

		// Online again: websocket only.
		in.EnableTransferMobileNotification = true
		id, _ := e.bind("u")
		res = send(e, in)
		require.Equal(t, gateway.ProtocolWebSocket, res.Protocol)
		require.Equal(t, []string{id}, res.SendConnectionIDs)
		require.Len(t, e.pusher.messages(), 1)

		// A missing namespace is an error when the user is offline.
		_, err = e.svc.SendNotification(e.ctx, gateway.SendNotificationInput{NamespaceName: "missing", UserID: "u", Subject: "s", Payload: "p"})
		require.ErrorIs(t, err, gateway.ErrNotFound)
	})
}

func TestUnregisteredTokenIsDeleted(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		_, err := e.svc.SetFirebaseToken(e.ctx, ns, "u", "stale")
		require.NoError(t, err)
		_, err = e.svc.SetFirebaseToken(e.ctx, ns, "w", "kept")
		require.NoError(t, err)
		e.pusher.setErr(errors.New("fcm: 503"))
		in := gateway.SendNotificationInput{NamespaceName: ns, UserID: "u", Subject: "s", Payload: "p", EnableTransferMobileNotification: true}
		_, err = e.svc.SendNotification(e.ctx, in)
		require.ErrorContains(t, err, "fcm: 503")
		_, err = e.svc.GetFirebaseToken(e.ctx, ns, "u")
		require.NoError(t, err, "another push error keeps the token")

		e.pusher.setErr(gateway.ErrTokenUnregistered)
		_, err = e.svc.SendNotification(e.ctx, in)
		require.ErrorIs(t, err, gateway.ErrTokenUnregistered)
		_, err = e.svc.GetFirebaseToken(e.ctx, ns, "u")
		require.ErrorIs(t, err, gateway.ErrNotFound, "the unregistered token is deleted")
		_, err = e.svc.GetFirebaseToken(e.ctx, ns, "w")
		require.NoError(t, err, "other users' tokens stay")

		// SendMobileNotification deletes it too.
		_, err = e.svc.SetFirebaseToken(e.ctx, ns, "w", "kept")
		require.NoError(t, err)
		err = e.svc.SendMobileNotification(e.ctx, gateway.SendMobileNotificationInput{NamespaceName: ns, UserID: "w", Subject: "s", Payload: "p"})
		require.ErrorIs(t, err, gateway.ErrTokenUnregistered)
		_, err = e.svc.GetFirebaseToken(e.ctx, ns, "w")
		require.ErrorIs(t, err, gateway.ErrNotFound)

		// Nothing is pushed without a token: protocol "".
		res, err := e.svc.SendNotification(e.ctx, in)
		require.NoError(t, err)
		require.Equal(t, gateway.ProtocolNone, res.Protocol)
	})
}

func TestWithoutAMobilePusher(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		svc, err := gateway.New(st, nil)
		require.NoError(t, err)
		_, err = svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: ns})
		require.NoError(t, err)
		_, err = svc.SetFirebaseToken(ctx, ns, "u", "device")
		require.NoError(t, err)
		res, err := svc.SendNotification(ctx, gateway.SendNotificationInput{NamespaceName: ns, UserID: "u", Subject: "s", Payload: "p", EnableTransferMobileNotification: true})
		require.NoError(t, err)
		require.Equal(t, gateway.ProtocolNone, res.Protocol)
		require.NoError(t, svc.SendMobileNotification(ctx, gateway.SendMobileNotificationInput{NamespaceName: ns, UserID: "u", Subject: "s", Payload: "p"}))
	})
}

func TestSlowConsumerIsClosedAndItsSessionRemoved(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		fast, fastConn := e.bind("u")
		_, slowConn := e.bind("u")
		gone, goneConn := e.bind("u")
		slowConn.setSendErr(gateway.ErrSlowConsumer)
		goneConn.setSendErr(errClosedConn) // closed by the transport, Disconnected not yet called

		res := send(e, gateway.SendNotificationInput{UserID: "u", Subject: "s", Payload: "p"})
		require.Equal(t, gateway.ProtocolWebSocket, res.Protocol)
		require.Equal(t, []string{fast}, res.SendConnectionIDs, "only connections that took the frame")
		require.Equal(t, gateway.CloseTooSlow, slowConn.closeCode())
		require.False(t, goneConn.isClosed(), "another send error is the transport's business")
		require.Len(t, fastConn.received(), 1)

		gateway.WaitBackground(e.svc)
		require.Equal(t, sorted(fast, gone), e.sessions(ns, "u"))
		require.Equal(t, sorted(fast, gone), e.live("u"))
		e.requireConsistent()

		// The closed connection gets nothing more.
		res = send(e, gateway.SendNotificationInput{UserID: "u", Subject: "s", Payload: "p"})
		require.Equal(t, []string{fast}, res.SendConnectionIDs)
	})
}

func TestNotify(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		_, err := e.svc.CreateNamespace(e.ctx, gateway.CreateNamespaceInput{Name: "push", FirebaseSecret: "push-secret"})
		require.NoError(t, err)
		_, inGame := e.bind("u")
		pushID, inPush := e.connect("push")
		_, err = e.svc.SetUserID(e.ctx, gateway.SetUserIDInput{NamespaceName: "push", ConnectionID: pushID, UserID: "u"})
		require.NoError(t, err)

		setting := gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:ap-northeast-1:other-owner:gateway:push"}
		require.NoError(t, e.svc.Notify(e.ctx, setting, "u", "Gs2JobQueue:Push", `{"namespaceName":"q"}`))
		require.Equal(t, []string{`{"type":"notification","body":{"issuer":"Gs2JobQueue:Push","subject":"Gs2JobQueue:Push","payload":"{\"namespaceName\":\"q\"}"}}`}, inPush.received())
		require.Empty(t, inGame.received(), "only the setting's namespace")

		// Disabled: nothing, not even a check of the namespace.
		disabled := gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:gateway:missing", Enable: gateway.NotificationDisabled}
		require.NoError(t, e.svc.Notify(e.ctx, disabled, "u", "s", "p"))
		require.NoError(t, e.svc.Notify(e.ctx, gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:gateway:push", Enable: gateway.NotificationDisabled}, "u", "s", "p"))
		require.Len(t, inPush.received(), 1)

		// The default namespace ("default") does not exist here.
		require.ErrorIs(t, e.svc.Notify(e.ctx, gateway.NotificationSetting{}, "offline", "s", "p"), gateway.ErrNotFound)
		// A malformed GRN.
		requireInvalid(t, e.svc.Notify(e.ctx, gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:queue:push"}, "u", "s", "p"), "gatewayNamespaceId")

		// Transfer and sound come from the setting.
		_, err = e.svc.SetFirebaseToken(e.ctx, "push", "offline", "tok")
		require.NoError(t, err)
		mobile := gateway.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:gateway:push", EnableTransferMobileNotification: true, Sound: "bell"}
		require.NoError(t, e.svc.Notify(e.ctx, mobile, "offline", "Gs2Realtime:Create", "{}"))
		msgs := e.pusher.messages()
		require.Len(t, msgs, 1)
		require.Equal(t, gateway.MobileMessage{
			NamespaceName: "push", UserID: "offline", Token: "tok", FirebaseSecret: "push-secret",
			Title: "Gs2Realtime:Create", Body: "{}", Sound: "bell",
			Data: map[string]string{"issuer": "Gs2Realtime:Create", "subject": "Gs2Realtime:Create"},
		}, msgs[0])
		mobile.EnableTransferMobileNotification = false
		require.NoError(t, e.svc.Notify(e.ctx, mobile, "offline", "s", "{}"))
		require.Len(t, e.pusher.messages(), 1)

		// Limits.
		requireInvalid(t, e.svc.Notify(e.ctx, setting, "u", chars(gateway.MaxSubjectLen+1), "p"), "subject")
		requireInvalid(t, e.svc.Notify(e.ctx, setting, "u", "s", chars(gateway.MaxPayloadLen+1)), "payload")
		require.NoError(t, e.svc.Notify(e.ctx, setting, "u", chars(gateway.MaxSubjectLen), chars(gateway.MaxPayloadLen)))
	})
}

func TestSendMobileNotification(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		in := gateway.SendMobileNotificationInput{NamespaceName: ns, UserID: "u", Subject: chars(256), Payload: `{"x":1}`, Sound: "s"}
		require.ErrorIs(t, e.svc.SendMobileNotification(e.ctx, in), gateway.ErrNotFound, "no token")
		_, err := e.svc.SetFirebaseToken(e.ctx, ns, "u", "tok")
		require.NoError(t, err)
		e.bind("u") // online or not, it is pushed
		require.NoError(t, e.svc.SendMobileNotification(e.ctx, in))
		require.Equal(t, []gateway.MobileMessage{{
			NamespaceName: ns, UserID: "u", Token: "tok", FirebaseSecret: "secret",
			Title: chars(256), Body: `{"x":1}`, Sound: "s", Data: map[string]string{"subject": chars(256)},
		}}, e.pusher.messages())
		in.NamespaceName = "missing"
		require.ErrorIs(t, e.svc.SendMobileNotification(e.ctx, in), gateway.ErrNotFound)
	})
}
