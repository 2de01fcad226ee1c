package realtime

import (
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/internal/namespace"
)

// Room statuses, a Hearth addition to GS2's Room.
const (
	// StatusProvisioning is a room stored by WantRoom whose server the
	// Provisioner has not assigned yet: it has no address.
	StatusProvisioning = "PROVISIONING"
	// StatusReady is a room with its ipAddress, port and encryptionKey.
	StatusReady = "READY"
	// StatusFailed is a room whose provisioning failed; FailureReason says
	// why. Delete it and want it again to retry.
	StatusFailed = "FAILED"
)

// Namespace settings' enumerations.
const (
	// ServerTypeRelay is the only server type: a packet relay (default).
	ServerTypeRelay = "relay"
	// ServerSpecNano is the only server spec (default).
	ServerSpecNano = "realtime1.nano"
)

// Room is a realtime room (GS2's Room) plus its provisioning status.
type Room struct {
	// RoomID is its GRN, grn:gs2:{region}:{owner}:realtime:{ns}:room:{name}.
	RoomID string `json:"roomId"`
	// Name is unique in the namespace, at most 128 characters.
	Name string `json:"name"`
	// IPAddress is the host players connect to; empty until READY.
	IPAddress string `json:"ipAddress,omitempty"`
	// Port is the port players connect to; 0 until READY.
	Port int `json:"port,omitempty"`
	// EncryptionKey signs the room's messages; empty until READY.
	EncryptionKey string `json:"encryptionKey,omitempty"`
	// NotificationUserIDs are notified (Gs2Realtime:Create) when the room
	// is READY.
	NotificationUserIDs []string `json:"notificationUserIds,omitempty"`
	// Status is StatusProvisioning, StatusReady or StatusFailed (Hearth).
	Status string `json:"status"`
	// FailureReason says why provisioning failed (Hearth), or is empty.
	FailureReason string `json:"failureReason,omitempty"`
	// CreatedAt and UpdatedAt are Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	UpdatedAt int64 `json:"updatedAt"`
	// Revision is 0 at creation and grows with every update (the
	// provisioning result is one).
	Revision int64 `json:"revision"`
}

// NotificationSetting is GS2's NotificationSetting, shared with the
// gateway: which gateway namespace notifies the user, and how.
type NotificationSetting = gateway.NotificationSetting

// LogSetting is GS2's log output setting. Hearth stores and returns it and
// ships no logs.
type LogSetting = namespace.LogSetting

// TransactionSetting is GS2's transaction setting of a namespace, stored
// and returned as given; Hearth does not act on it.
type TransactionSetting = namespace.TransactionSetting

// Namespace is a Realtime namespace.
type Namespace struct {
	// NamespaceID is its GRN, grn:gs2:{region}:{owner}:realtime:{name}.
	NamespaceID string `json:"namespaceId"`
	// Name is unique in the service: 1..128 of [A-Za-z0-9_.-].
	Name string `json:"name"`
	// Description is at most 1,024 characters.
	Description string `json:"description,omitempty"`
	// TransactionSetting is stored and returned.
	TransactionSetting *TransactionSetting `json:"transactionSetting,omitempty"`
	// ServerType is ServerTypeRelay.
	ServerType string `json:"serverType"`
	// ServerSpec is ServerSpecNano.
	ServerSpec string `json:"serverSpec"`
	// CreateNotification, if set and enabled, notifies each of a room's
	// NotificationUserIDs when it is READY (Gs2Realtime:Create).
	CreateNotification *NotificationSetting `json:"createNotification,omitempty"`
	// LogSetting is stored and returned.
	LogSetting *LogSetting `json:"logSetting,omitempty"`
	// CreatedAt and UpdatedAt are Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
	UpdatedAt int64 `json:"updatedAt"`
	// Revision is 0 at creation and grows with every update.
	Revision int64 `json:"revision"`
}
