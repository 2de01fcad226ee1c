package realtime

import (
	"fmt"

	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/validate"
)

// Field limits of the reference (and SEMANTICS.md), in characters where
// they are lengths.
const (
	// MaxRoomNameLen is the longest room name.
	MaxRoomNameLen = 128
	// MaxNotificationUserIDs is the most notificationUserIds a room has.
	MaxNotificationUserIDs = 1000
	// MaxUserIDLen is the longest user ID in notificationUserIds.
	MaxUserIDLen = 128
	// MaxIPAddressLen is the longest ipAddress a provisioner may assign.
	MaxIPAddressLen = 128
	// MaxEncryptionKeyLen is the longest encryptionKey a provisioner may
	// assign.
	MaxEncryptionKeyLen = 256
	// MaxPort is the largest port.
	MaxPort = 65535
	// MaxFailureReasonLen is the longest FailureReason stored; a longer
	// provisioning error is cut.
	MaxFailureReasonLen = 1024
	// DefaultLimit is the page size of a listing that gives none.
	DefaultLimit = 30
	// MaxLimit is the largest page size.
	MaxLimit = 1000
)

// checkRoomName validates an optional room name (WantRoom).
func checkRoomName(name string) error {
	return validate.MaxLen("roomName", name, MaxRoomNameLen)
}

// checkRoomID validates the namespace and a required room name.
func checkRoomID(ns, name string) error {
	if err := namespace.ValidateName(ns); err != nil {
		return err
	}
	return validate.RequiredMaxLen("roomName", name, MaxRoomNameLen)
}

// checkUsers validates notificationUserIds.
func checkUsers(ids []string) error {
	if err := validate.MaxItems("notificationUserIds", len(ids), MaxNotificationUserIDs); err != nil {
		return err
	}
	for i, id := range ids {
		if err := validate.RequiredMaxLen(fmt.Sprintf("notificationUserIds[%d]", i), id, MaxUserIDLen); err != nil {
			return err
		}
	}
	return nil
}

// checkEndpoint validates what a provisioner returned.
func checkEndpoint(ep Endpoint) error {
	return validate.First(
		validate.MaxLen("ipAddress", ep.IPAddress, MaxIPAddressLen),
		validate.Range("port", ep.Port, 0, MaxPort),
		validate.MaxLen("encryptionKey", ep.EncryptionKey, MaxEncryptionKeyLen),
	)
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
