package gateway

import (
	"context"
	"errors"

	"github.com/hearth-go/hearth/store"
)

// Values of SendNotificationResult.Protocol.
const (
	// ProtocolWebSocket: the user has sessions on this node; the
	// notification went to them.
	ProtocolWebSocket = "websocket"
	// ProtocolFirebase: the user had no session; the notification went to
	// its device through the MobilePusher.
	ProtocolFirebase = "firebase"
	// ProtocolNone ("") : nothing was sent (the gateway keeps no inbox).
	ProtocolNone = ""
)

// SendNotificationInput is a sendNotification request.
type SendNotificationInput struct {
	// NamespaceName and UserID say whom to notify.
	NamespaceName string
	UserID        string
	// Issuer, at most 256 characters, is the frame's issuer; "" means
	// Subject.
	Issuer string
	// Subject is required, at most 128 characters.
	Subject string
	// Payload is required, at most 1,024 characters: usually a JSON
	// document, sent as a string.
	Payload string
	// EnableTransferMobileNotification sends the notification to the
	// user's device when the user has no session.
	EnableTransferMobileNotification bool
	// Sound, at most 256 characters, is the mobile notification's sound.
	Sound string
}

// SendNotificationResult says how a notification was sent.
type SendNotificationResult struct {
	// Protocol is ProtocolWebSocket, ProtocolFirebase or ProtocolNone.
	Protocol string `json:"protocol"`
	// SendConnectionIDs are the connections the frame was queued on
	// (websocket only; empty otherwise).
	SendConnectionIDs []string `json:"sendConnectionIds"`
}

// SendMobileNotificationInput is a sendMobileNotificationByUserId request.
type SendMobileNotificationInput struct {
	// NamespaceName and UserID say whose device to notify.
	NamespaceName string
	UserID        string
	// Subject is required, at most 256 characters: the title.
	Subject string
	// Payload is required, at most 1,024 characters: the body.
	Payload string
	// Sound, at most 256 characters, is the sound to play.
	Sound string
}

// SendNotification sends a notification to every session of the user on
// this node, from memory (no store read): GS2's frame
// {"type":"notification","body":{"issuer","subject","payload"}}, encoded
// once, is queued on each connection, and the result has protocol
// "websocket" and the IDs of the connections that took it. A connection
// whose queue is full (ErrSlowConsumer) is closed with CloseTooSlow and
// its session removed in the background; it is not listed.
//
// A user without a session here gets, when EnableTransferMobileNotification
// is set, a device token is stored and a MobilePusher configured, a mobile
// notification (title Subject, body Payload, Sound; protocol "firebase").
// A push that fails returns the pusher's error; ErrTokenUnregistered also
// deletes the token. Otherwise nothing is sent: protocol "", no IDs. A
// missing namespace is ErrNotFound when the user has no session here.
func (s *Service) SendNotification(ctx context.Context, in SendNotificationInput) (*SendNotificationResult, error) {
	return s.sendNotification(ctx, "send notification", in)
}

// Notify is the cross-service contract (see NotificationSetting): it sends
// nothing when the setting is not enabled, and otherwise SendNotification
// through the gateway namespace setting.GatewayNamespace(), with issuer =
// subject, and the setting's EnableTransferMobileNotification and Sound.
// subject is at most 128 characters and payload at most 1,024.
func (s *Service) Notify(ctx context.Context, setting NotificationSetting, userID, subject, payload string) error {
	if !setting.Enabled() {
		return nil
	}
	ns, err := setting.GatewayNamespace()
	if err != nil {
		return wrap("notify", err)
	}
	_, err = s.sendNotification(ctx, "notify", SendNotificationInput{
		NamespaceName: ns, UserID: userID, Issuer: subject, Subject: subject, Payload: payload,
		EnableTransferMobileNotification: setting.EnableTransferMobileNotification, Sound: setting.Sound,
	})
	return err
}

func (s *Service) sendNotification(ctx context.Context, op string, in SendNotificationInput) (*SendNotificationResult, error) {
	u := userRef{ns: in.NamespaceName, user: in.UserID}
	if err := checkUserRef(u); err != nil {
		return nil, wrap(op, err)
	}
	if err := checkNotification(in.Issuer, in.Subject, in.Payload, in.Sound); err != nil {
		return nil, wrap(op, err)
	}
	issuer := in.Issuer
	if issuer == "" {
		issuer = in.Subject
	}
	var buf [8]*liveConn
	conns := s.live.sessions(u, buf[:0])
	if len(conns) > 0 {
		frame := appendFrame(make([]byte, 0, frameLen(issuer, in.Subject, in.Payload)), issuer, in.Subject, in.Payload)
		res := newWebSocketResult(len(conns))
		for _, lc := range conns {
			if err := lc.conn.Send(frame); err != nil {
				if errors.Is(err, ErrSlowConsumer) {
					s.dropSlow(lc)
				}
				continue
			}
			res.SendConnectionIDs = append(res.SendConnectionIDs, lc.id)
		}
		return res, nil
	}

	transfer := in.EnableTransferMobileNotification && s.pusher != nil
	var set settings
	var tok tokenRec
	var hasToken bool
	err := s.st.View(ctx, func(txn store.Txn) error {
		var err error
		if set, err = s.settingsTxn(txn, u.ns); err != nil || !transfer {
			return err
		}
		tok, hasToken, err = getToken(txn, u)
		return err
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	if !transfer || !hasToken {
		return &SendNotificationResult{Protocol: ProtocolNone, SendConnectionIDs: []string{}}, nil
	}
	msg := MobileMessage{
		NamespaceName: u.ns, UserID: u.user, Token: tok.token, FirebaseSecret: set.FirebaseSecret,
		Title: in.Subject, Body: in.Payload, Sound: in.Sound,
		Data: map[string]string{"issuer": issuer, "subject": in.Subject},
	}
	if err := s.push(ctx, u, msg); err != nil {
		return nil, wrap(op, err)
	}
	return &SendNotificationResult{Protocol: ProtocolFirebase, SendConnectionIDs: []string{}}, nil
}

// oneSessionResult is a result with room for one connection ID, allocated
// at once: most users have one session.
type oneSessionResult struct {
	res SendNotificationResult
	ids [1]string
}

// newWebSocketResult returns an empty websocket result with room for n
// connection IDs.
func newWebSocketResult(n int) *SendNotificationResult {
	if n == 1 {
		o := &oneSessionResult{res: SendNotificationResult{Protocol: ProtocolWebSocket}}
		o.res.SendConnectionIDs = o.ids[:0]
		return &o.res
	}
	return &SendNotificationResult{Protocol: ProtocolWebSocket, SendConnectionIDs: make([]string, 0, n)}
}

// SendMobileNotification sends a mobile notification to the user's device
// through the MobilePusher: title Subject, body Payload, Sound, and the
// namespace's firebaseSecret. A user without a device token is
// ErrNotFound. Without a MobilePusher nothing is sent and nil is returned.
// A push that fails returns the pusher's error; ErrTokenUnregistered also
// deletes the token.
func (s *Service) SendMobileNotification(ctx context.Context, in SendMobileNotificationInput) error {
	const op = "send mobile notification"
	if err := checkMobile(in); err != nil {
		return wrap(op, err)
	}
	u := userRef{ns: in.NamespaceName, user: in.UserID}
	var set settings
	var tok tokenRec
	err := s.st.View(ctx, func(txn store.Txn) error {
		var err error
		if set, err = s.settingsTxn(txn, u.ns); err != nil {
			return err
		}
		tok, err = mustGetToken(txn, u)
		return err
	})
	if err != nil {
		return wrap(op, err)
	}
	if s.pusher == nil {
		s.log.Debug("gateway: no MobilePusher configured; mobile notification not sent", "namespace", u.ns, "user", u.user)
		return nil
	}
	msg := MobileMessage{
		NamespaceName: u.ns, UserID: u.user, Token: tok.token, FirebaseSecret: set.FirebaseSecret,
		Title: in.Subject, Body: in.Payload, Sound: in.Sound,
		Data: map[string]string{"subject": in.Subject},
	}
	if err := s.push(ctx, u, msg); err != nil {
		return wrap(op, err)
	}
	return nil
}

// push hands msg to the pusher; a token the push service does not know is
// deleted (if it is still the stored one).
func (s *Service) push(ctx context.Context, u userRef, msg MobileMessage) error {
	err := s.pusher.Push(ctx, msg)
	if err == nil || !errors.Is(err, ErrTokenUnregistered) {
		return err
	}
	derr := store.UpdateRetry(context.WithoutCancel(ctx), s.st, func(txn store.Txn) error {
		tok, ok, err := getToken(txn, u)
		if err != nil || !ok || tok.token != msg.Token {
			return err
		}
		return txn.Delete(u.firebaseKey())
	})
	if derr != nil {
		s.log.Error("gateway: deleting an unregistered device token failed", "namespace", u.ns, "user", u.user, "err", derr)
	} else {
		s.log.Info("gateway: deleted an unregistered device token", "namespace", u.ns, "user", u.user)
	}
	return err
}

// dropSlow closes a connection that does not keep up with CloseTooSlow and
// removes its session in the background, so that the sender never waits.
func (s *Service) dropSlow(lc *liveConn) {
	s.closeConn(lc, CloseTooSlow, "client is not keeping up with its messages")
	s.log.Warn("gateway: closed a connection that does not keep up", "namespace", lc.ns, "connection", lc.id)
	s.live.goBackground(func() { s.drop(context.Background(), lc) })
}
