package realtime

import (
	"encoding/binary"
	"fmt"

	"github.com/hearth-go/hearth/internal/codec"
)

// recordVersion is the first byte of a stored room: then varints and
// length-prefixed strings in a fixed order.
const recordVersion byte = 1

// Stored status codes.
const (
	codeProvisioning = iota
	codeReady
	codeFailed
)

// roomRec is a stored room. attempt identifies one life of the room: a
// provisioning result or an Ended callback applies only to the room it was
// started for, not to a later room of the same name.
type roomRec struct {
	ns, name   string
	attempt    string
	status     int
	failure    string
	ip         string
	port       int
	key        string
	users      []string
	createdAt  int64
	updatedAt  int64
	revision   int64
	serverType string
	serverSpec string
}

func (r *roomRec) appendTo(b []byte) []byte {
	b = append(b, recordVersion)
	b = codec.AppendStr(b, r.ns)
	b = codec.AppendStr(b, r.name)
	b = codec.AppendStr(b, r.attempt)
	b = binary.AppendVarint(b, int64(r.status))
	b = codec.AppendStr(b, r.failure)
	b = codec.AppendStr(b, r.ip)
	b = binary.AppendVarint(b, int64(r.port))
	b = codec.AppendStr(b, r.key)
	b = binary.AppendUvarint(b, uint64(len(r.users)))
	for _, u := range r.users {
		b = codec.AppendStr(b, u)
	}
	b = binary.AppendVarint(b, r.createdAt)
	b = binary.AppendVarint(b, r.updatedAt)
	b = binary.AppendVarint(b, r.revision)
	b = codec.AppendStr(b, r.serverType)
	return codec.AppendStr(b, r.serverSpec)
}

func decodeRoom(b []byte) (roomRec, error) {
	r := codec.NewReader(b, recordVersion)
	rec := roomRec{ns: r.Str(), name: r.Str(), attempt: r.Str(), status: int(r.Varint()), failure: r.Str(),
		ip: r.Str(), port: int(r.Varint()), key: r.Str()}
	n := r.Uvarint()
	if n > MaxNotificationUserIDs {
		return roomRec{}, fmt.Errorf("%w: room: %d users", codec.ErrCorrupt, n)
	}
	if n > 0 {
		rec.users = make([]string, 0, n)
		for range n {
			rec.users = append(rec.users, r.Str())
		}
	}
	rec.createdAt, rec.updatedAt, rec.revision = r.Varint(), r.Varint(), r.Varint()
	rec.serverType, rec.serverSpec = r.Str(), r.Str()
	return rec, r.Done("room")
}

func statusName(code int) string {
	switch code {
	case codeReady:
		return StatusReady
	case codeFailed:
		return StatusFailed
	default:
		return StatusProvisioning
	}
}

// room returns the public model; grn is the room's GRN.
func (r *roomRec) room(grn string) Room {
	return Room{
		RoomID:              grn,
		Name:                r.name,
		IPAddress:           r.ip,
		Port:                r.port,
		EncryptionKey:       r.key,
		NotificationUserIDs: append([]string(nil), r.users...),
		Status:              statusName(r.status),
		FailureReason:       r.failure,
		CreatedAt:           r.createdAt,
		UpdatedAt:           r.updatedAt,
		Revision:            r.revision,
	}
}
