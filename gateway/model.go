package gateway

import "github.com/hearth-go/hearth/internal/namespace"

// Namespace is a gateway namespace.
type Namespace struct {
	// NamespaceID is its GRN, grn:gs2:{region}:{owner}:gateway:{name}.
	NamespaceID string `json:"namespaceId"`
	// Name is unique in the service: 1..128 of [A-Za-z0-9_.-].
	Name string `json:"name"`
	// Description is at most 1,024 characters.
	Description string `json:"description,omitempty"`
	// TransactionSetting is stored and returned (see its doc).
	TransactionSetting *TransactionSetting `json:"transactionSetting,omitempty"`
	// FirebaseSecret is GS2's legacy Firebase server key, at most 1,024
	// characters. Hearth stores and returns it and hands it to the
	// MobilePusher with every push (MobileMessage.FirebaseSecret); the
	// provided FCM pusher ignores it (its credentials are its own).
	FirebaseSecret string `json:"firebaseSecret,omitempty"`
	// LogSetting is stored and returned.
	LogSetting *LogSetting `json:"logSetting,omitempty"`
	// CreatedAt and UpdatedAt are Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	UpdatedAt int64 `json:"updatedAt"`
	// Revision is 0 at creation and grows with every update.
	Revision int64 `json:"revision"`
}

// WebSocketSession is a connection bound to a user by SetUserID (GS2's
// WebSocketSession).
type WebSocketSession struct {
	// WebSocketSessionID is its GRN,
	// grn:gs2:{region}:{owner}:gateway:{ns}:user:{userId}:session:{connectionId}.
	WebSocketSessionID string `json:"webSocketSessionId"`
	// ConnectionID is the ID Connect gave the connection.
	ConnectionID string `json:"connectionId"`
	// NamespaceName is the namespace of the connection.
	NamespaceName string `json:"namespaceName"`
	// UserID is the user the connection is bound to.
	UserID string `json:"userId"`
	// SessionID is the client's session ID given to SetUserID ("" if
	// none): a later SetUserID with the same one, and
	// allowConcurrentAccess false, is a reconnect that replaces this
	// session.
	SessionID string `json:"sessionId,omitempty"`
	// NodeID is the Config.NodeID of the Service that holds the
	// connection. A Hearth addition.
	NodeID string `json:"nodeId"`
	// CreatedAt is when the connection was first bound to this user, and
	// UpdatedAt when it was last bound, Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	UpdatedAt int64 `json:"updatedAt"`
	// Revision is 0 at the first bind and grows with every SetUserID of
	// the same connection to the same user.
	Revision int64 `json:"revision"`
}

// FirebaseToken is a user's Firebase Cloud Messaging device token (GS2's
// FirebaseToken), one per user and namespace.
type FirebaseToken struct {
	// FirebaseTokenID is its GRN,
	// grn:gs2:{region}:{owner}:gateway:{ns}:user:{userId}:firebase:token.
	FirebaseTokenID string `json:"firebaseTokenId"`
	// UserID is the token's user.
	UserID string `json:"userId"`
	// Token is the device token, at most 1,024 characters.
	Token string `json:"token"`
	// CreatedAt and UpdatedAt are Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	UpdatedAt int64 `json:"updatedAt"`
	// Revision is 0 when first set and grows with every later set.
	Revision int64 `json:"revision"`
}

// LogSetting is GS2's log output setting. Hearth stores and returns it and
// ships no logs.
type LogSetting = namespace.LogSetting

// TransactionSetting is GS2's transaction setting of a namespace, stored
// and returned as given; Hearth does not act on it.
type TransactionSetting = namespace.TransactionSetting
