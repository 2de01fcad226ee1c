// Package gateway is Hearth's GS2-Gateway: the session registry that binds
// client connections to user IDs, notifications to those sessions with a
// mobile-push fallback, and the users' device tokens.
//
//	svc, _ := gateway.New(st, &gateway.Config{MobilePusher: pusher, NodeID: "host-1"})
//	svc.Start(ctx)
//	defer svc.Stop(ctx)
//	svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: "game"})
//	// in the transport (gateway/wsgateway), per client:
//	connID, _ := svc.Connect(ctx, "game", conn)
//	defer svc.Disconnected(ctx, connID)
//	// in the game server, once the player is authenticated:
//	svc.SetUserID(ctx, gateway.SetUserIDInput{NamespaceName: "game", ConnectionID: connID, UserID: userID})
//	svc.SendNotification(ctx, gateway.SendNotificationInput{NamespaceName: "game", UserID: userID, Subject: "s", Payload: "{}"})
//
// The package is transport-agnostic: it talks to connections only through
// [Conn]. gateway/wsgateway is the WebSocket transport (an http.Handler),
// gateway/token the default access-token issuer and verifier, and
// gateway/fcm a Firebase Cloud Messaging [MobilePusher].
//
// # GS2 methods
//
// Namespaces: CreateNamespace, GetNamespace, GetNamespaceStatus,
// UpdateNamespace, DeleteNamespace (deletes its sessions and device tokens
// in the same transaction and closes its connections), DescribeNamespaces.
// Sessions: SetUserID (GS2's setUserId / setUserIdByUserId),
// DescribeWebSocketSessions, DisconnectByUserID, DisconnectAll.
// Notifications: SendNotification, SendMobileNotification. Device tokens:
// SetFirebaseToken, GetFirebaseToken, DeleteFirebaseToken. GS2's
// access-token and ByUserId variants are one method each: Hearth takes the
// user ID, which the embedding server has authenticated (a client talking
// to the WebSocket directly proves it with a token, see gateway/token).
// GetServiceVersion returns the module's version. Connect and Disconnected
// are the transport's side: GS2 does them inside its own servers.
//
// # Sessions
//
// A connection is registered by Connect (the service assigns its ID) and
// lives in this node's memory; SetUserID binds it to a user, which makes a
// session, stored with the Service's node ID. With allowConcurrentAccess
// true (the default) the user's other sessions stay. With false: no other
// session binds; other sessions that all carry the request's non-empty
// sessionId are a reconnect and are replaced; otherwise force replaces
// them, and without force the call fails with [ErrConflict] and changes
// nothing. Replaced sessions are deleted in the binding transaction and
// their connections closed with [ClosePolicyViolation] after it commits.
// Disconnected removes a session at once. Start removes the sessions a
// crashed process with the same node ID left; Stop closes every connection
// with [CloseGoingAway] and removes this node's sessions.
//
// # Notifications
//
// SendNotification delivers, from memory, to every session of the user on
// this node GS2's frame
// {"type":"notification","body":{"issuer","subject","payload"}} (protocol
// "websocket"); a user without a session, with mobile transfer on and a
// device token stored, gets a mobile notification through the
// [MobilePusher] (protocol "firebase"); otherwise nothing is sent
// (protocol ""): the gateway keeps no inbox. A connection that does not
// keep up (its Send returns [ErrSlowConsumer]) is closed with
// [CloseTooSlow]. A push answered with [ErrTokenUnregistered] deletes the
// token. Sessions held by another node are not reached: a multi-node
// transport that routes between nodes does not exist yet.
//
// # Notify
//
// JobQueue and Realtime do not import the gateway service. Each declares,
// on its own side, a one-method interface that *gateway.Service satisfies,
// and its tests pass a fake:
//
//	type Notifier interface {
//		Notify(ctx context.Context, setting gateway.NotificationSetting, userID, subject, payload string) error
//	}
//
// Notify sends a notification to userID through the gateway namespace the
// setting names (see [NotificationSetting.GatewayNamespace]), with issuer
// equal to subject, Gs2<Service>:<Event> (e.g. Gs2JobQueue:Push). subject
// is at most [MaxSubjectLen] (128) characters and payload, a JSON document
// carried as a string, at most [MaxPayloadLen] (1,024). A setting that is
// not enabled sends nothing. With EnableTransferMobileNotification, a user
// with no open session gets a mobile notification (with the setting's
// Sound) if a device token is set; otherwise nothing is sent.
//
// A notification is a side effect: the calling service calls Notify only
// after its own transaction has committed, logs any error (a missing
// gateway namespace, a failed delivery), and never fails or undoes the call
// that caused it. An absent setting means no notification at all.
//
// # User data
//
// Dump, Clean and Import handle one user's data synchronously with the
// versioned JSON envelope shared by the services (GS2 does this
// asynchronously through zip files; prepareImport and the check* methods
// have no counterpart). The data are the user's device tokens: sessions
// last as long as a connection and are not dumped. Clean also disconnects
// the user in every namespace. Import may restore under another user ID
// and never overwrites a token.
//
// # Errors
//
// Errors match one of [ErrInvalidArgument], [ErrNotFound],
// [ErrAlreadyExists] and [ErrConflict] with errors.Is; they are the
// sentinels every Hearth service shares. A validation error names the field
// and the rule, e.g. "subject: longer than 128 characters", and a call that
// fails changes nothing. Connect returns [ErrNotStarted] before Start and
// [ErrStopped] after Stop. A failed push returns the pusher's error.
//
// # Time
//
// Timestamps are Unix milliseconds from Config.Clock; every call takes
// "now" once, shifted by clock.WithOffset in its context (GS2's
// timeOffsetToken). Nothing in the service expires by time.
//
// # Concurrency
//
// A Service is safe for concurrent use; so is [NotificationSetting], a
// plain value. Each store change is one transaction, retried on conflict;
// every bind and unbind of a user's sessions reads and writes the user's
// guard record, so the single-session rules hold between concurrent calls.
// Operations on one connection serialize, so a Disconnected racing a
// SetUserID never leaves a session for a closed connection. Memory (this
// node's connections) changes only after the commit that justifies it, and
// connections are closed after it. SendNotification reads no store when
// the user has sessions here, encodes the frame once and hands the same
// bytes to every Conn, which must not modify them.
package gateway
