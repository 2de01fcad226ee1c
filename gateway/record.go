package gateway

import (
	"encoding/binary"
	"fmt"

	"github.com/hearth-go/hearth/internal/codec"
)

// Stored forms: a version byte, then varints and length-prefixed strings
// in a fixed order. The user, namespace and connection ID of a record are
// in its key.
const recordVersion byte = 1

// errCorrupt matches every record that does not decode.
var errCorrupt = codec.ErrCorrupt

// sessionRec is a session as stored.
type sessionRec struct {
	sessionID string
	nodeID    string
	createdAt int64
	updatedAt int64
	revision  int64
}

func (r sessionRec) appendTo(b []byte) []byte {
	b = append(b, recordVersion)
	b = codec.AppendStr(b, r.sessionID)
	b = codec.AppendStr(b, r.nodeID)
	b = binary.AppendVarint(b, r.createdAt)
	b = binary.AppendVarint(b, r.updatedAt)
	return binary.AppendVarint(b, r.revision)
}

func decodeSession(b []byte) (sessionRec, error) {
	r := codec.NewReader(b, recordVersion)
	s := sessionRec{sessionID: r.Str(), nodeID: r.Str(), createdAt: r.Varint(), updatedAt: r.Varint(), revision: r.Varint()}
	return s, r.Done("session")
}

// tokenRec is a Firebase device token as stored.
type tokenRec struct {
	token     string
	createdAt int64
	updatedAt int64
	revision  int64
}

func (r tokenRec) appendTo(b []byte) []byte {
	b = append(b, recordVersion)
	b = codec.AppendStr(b, r.token)
	b = binary.AppendVarint(b, r.createdAt)
	b = binary.AppendVarint(b, r.updatedAt)
	return binary.AppendVarint(b, r.revision)
}

func decodeToken(b []byte) (tokenRec, error) {
	r := codec.NewReader(b, recordVersion)
	t := tokenRec{token: r.Str(), createdAt: r.Varint(), updatedAt: r.Varint(), revision: r.Varint()}
	return t, r.Done("firebase token")
}

// The user's guard holds the number of the user's sessions.
func encodeGuard(n uint64) []byte { return binary.AppendUvarint(nil, n) }

func decodeGuard(b []byte) (uint64, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || k != len(b) {
		return 0, fmt.Errorf("%w: user guard", errCorrupt)
	}
	return n, nil
}
