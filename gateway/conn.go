package gateway

import (
	"context"
	"errors"
)

// Conn is one client connection as a transport holds it (wsgateway's
// WebSocket connections, or a test's fake). The transport calls
// Service.Connect when a client connects, which assigns the connection ID,
// and Service.Disconnected when the connection ends, whatever ended it.
type Conn interface {
	// Send queues one text frame (a JSON document) for the client and
	// returns at once. A transport bounds its queue: when the client does
	// not keep up, Send returns an error matching ErrSlowConsumer, and the
	// service disconnects the client (CloseTooSlow) rather than buffer
	// without bound. Send on a closed connection returns an error.
	Send(frame []byte) error
	// Close closes the connection with a WebSocket close status (see the
	// Close* constants) and a short human-readable reason. It must not
	// block on the client, and may be called more than once (later calls do
	// nothing).
	Close(code int, reason string)
}

// ErrSlowConsumer is what Conn.Send returns when the client's send queue is
// full.
var ErrSlowConsumer = errors.New("gateway: client is not keeping up with its messages")

// WebSocket close statuses the service closes connections with.
const (
	// CloseGoingAway: the server is stopping (Stop).
	CloseGoingAway = 1001
	// ClosePolicyViolation: the client was disconnected by the server
	// (DisconnectByUserID, DisconnectAll, replaced by another session, or
	// its namespace was deleted).
	ClosePolicyViolation = 1008
	// CloseTooSlow: the client's send queue overflowed (GS2 has no code for
	// this; 1013 "try again later" is the closest standard one).
	CloseTooSlow = 1013
)

// MobilePusher delivers mobile push notifications (gateway/fcm provides the
// Firebase Cloud Messaging HTTP v1 one). The service calls it for
// SendMobileNotification and for notifications to offline users with
// mobile transfer on.
type MobilePusher interface {
	// Push sends msg to the device msg.Token. An error matching
	// ErrTokenUnregistered says the token is no longer valid: the service
	// then deletes the stored token.
	Push(ctx context.Context, msg MobileMessage) error
}

// ErrTokenUnregistered is what a MobilePusher returns when the device token
// is unknown to the push service (the app was uninstalled, the token
// rotated).
var ErrTokenUnregistered = errors.New("gateway: device token is not registered")

// MobileMessage is one mobile notification.
type MobileMessage struct {
	// NamespaceName and UserID say whom it is for.
	NamespaceName string
	UserID        string
	// Token is the user's Firebase device token.
	Token string
	// FirebaseSecret is the namespace's firebaseSecret, handed over as
	// GS2 keeps it; the provided FCM pusher ignores it (its credentials are
	// its own), a custom pusher may use it (SEMANTICS.md).
	FirebaseSecret string
	// Title is the notification's subject (or issuer), Body its payload.
	Title string
	Body  string
	// Sound is the sound file to play, if any.
	Sound string
	// Data are extra key/values delivered to the app (subject, issuer, …).
	Data map[string]string
}
