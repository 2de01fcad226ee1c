package gateway

import (
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/validate"
)

// Field limits of the reference (and SEMANTICS.md), in characters where
// they are lengths. MaxSubjectLen, MaxPayloadLen and MaxSoundLen, shared
// with NotificationSetting, are in notification.go.
const (
	// MaxUserIDLen is the longest userId.
	MaxUserIDLen = 128
	// MaxConnectionIDLen is the longest connectionId.
	MaxConnectionIDLen = 128
	// MaxSessionIDLen is the longest sessionId of SetUserID.
	MaxSessionIDLen = 128
	// MaxIssuerLen is the longest issuer of SendNotification.
	MaxIssuerLen = 256
	// MaxMobileSubjectLen is the longest subject of SendMobileNotification.
	MaxMobileSubjectLen = 256
	// MaxFirebaseTokenLen is the longest device token.
	MaxFirebaseTokenLen = 1024
	// MaxFirebaseSecretLen is the longest firebaseSecret of a namespace.
	MaxFirebaseSecretLen = 1024
	// DefaultLimit is the page size of a listing that gives none.
	DefaultLimit = 30
	// MaxLimit is the largest page size.
	MaxLimit = 1000
)

func checkUser(userID string) error {
	return validate.RequiredMaxLen("userId", userID, MaxUserIDLen)
}

// checkUserRef validates the namespace name and user ID of a request.
func checkUserRef(u userRef) error {
	return validate.First(namespace.ValidateName(u.ns), checkUser(u.user))
}

func checkConnectionID(connID string) error {
	return validate.RequiredMaxLen("connectionId", connID, MaxConnectionIDLen)
}

// checkSetUserID validates a SetUserID request.
func checkSetUserID(in SetUserIDInput) error {
	return validate.First(
		namespace.ValidateName(in.NamespaceName),
		checkConnectionID(in.ConnectionID),
		checkUser(in.UserID),
		validate.MaxLen("sessionId", in.SessionID, MaxSessionIDLen),
	)
}

// checkNotification validates the fields of a notification (SendNotification
// and Notify).
func checkNotification(issuer, subject, payload, sound string) error {
	return validate.First(
		validate.MaxLen("issuer", issuer, MaxIssuerLen),
		validate.RequiredMaxLen("subject", subject, MaxSubjectLen),
		validate.RequiredMaxLen("payload", payload, MaxPayloadLen),
		validate.MaxLen("sound", sound, MaxSoundLen),
	)
}

// checkMobile validates the fields of a SendMobileNotification.
func checkMobile(in SendMobileNotificationInput) error {
	return validate.First(
		checkUserRef(userRef{ns: in.NamespaceName, user: in.UserID}),
		validate.RequiredMaxLen("subject", in.Subject, MaxMobileSubjectLen),
		validate.RequiredMaxLen("payload", in.Payload, MaxPayloadLen),
		validate.MaxLen("sound", in.Sound, MaxSoundLen),
	)
}

func checkToken(token string) error {
	return validate.RequiredMaxLen("token", token, MaxFirebaseTokenLen)
}

// checkLimit validates a page size and applies the default.
func checkLimit(limit int) (int, error) {
	if limit == 0 {
		return DefaultLimit, nil
	}
	if err := validate.Range("limit", limit, 1, MaxLimit); err != nil {
		return 0, err
	}
	return limit, nil
}

func checkNodeID(nodeID string) error {
	return validate.RequiredMaxLen("NodeID", nodeID, MaxUserIDLen)
}
