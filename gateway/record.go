package gateway

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Stored forms: a version byte, then varints and length-prefixed strings
// in a fixed order. The user, namespace and connection ID of a record are
// in its key.
const recordVersion byte = 1

var errCorrupt = errors.New("gateway: corrupt record")

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
	b = appendStr(b, r.sessionID)
	b = appendStr(b, r.nodeID)
	b = binary.AppendVarint(b, r.createdAt)
	b = binary.AppendVarint(b, r.updatedAt)
	return binary.AppendVarint(b, r.revision)
}

func decodeSession(b []byte) (sessionRec, error) {
	r := reader{b: b}
	r.version()
	s := sessionRec{sessionID: r.str(), nodeID: r.str(), createdAt: r.varint(), updatedAt: r.varint(), revision: r.varint()}
	return s, r.done("session")
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
	b = appendStr(b, r.token)
	b = binary.AppendVarint(b, r.createdAt)
	b = binary.AppendVarint(b, r.updatedAt)
	return binary.AppendVarint(b, r.revision)
}

func decodeToken(b []byte) (tokenRec, error) {
	r := reader{b: b}
	r.version()
	t := tokenRec{token: r.str(), createdAt: r.varint(), updatedAt: r.varint(), revision: r.varint()}
	return t, r.done("firebase token")
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

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// reader decodes a record; the first failure sticks and is reported by
// done.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) version() {
	if len(r.b) == 0 || r.b[0] != recordVersion {
		r.bad = true
		return
	}
	r.b = r.b[1:]
}

func (r *reader) str() string {
	if r.bad {
		return ""
	}
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(len(r.b)-k) {
		r.bad = true
		return ""
	}
	s := string(r.b[k : k+int(n)])
	r.b = r.b[k+int(n):]
	return s
}

func (r *reader) varint() int64 {
	if r.bad {
		return 0
	}
	v, k := binary.Varint(r.b)
	if k <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[k:]
	return v
}

func (r *reader) done(what string) error {
	if r.bad || len(r.b) != 0 {
		return fmt.Errorf("%w: %s", errCorrupt, what)
	}
	return nil
}
