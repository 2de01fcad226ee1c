package lock

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// recordVersion is the first byte of every stored mutex record.
const recordVersion byte = 1

// record is the stored form of a held mutex. The namespace, user and
// property are in its key.
type record struct {
	tx        string
	refs      int64
	createdAt int64 // Unix ms
	ttlAt     int64 // Unix ms
	revision  int64
	token     uint64
}

// live reports whether the record exists at nowMs: a mutex whose ttlAt <= now
// is absent for every read and write.
func (r record) live(nowMs int64) bool { return r.ttlAt > nowMs }

// encode returns the compact binary form of r in a new slice (see
// appendTo).
func (r record) encode() []byte {
	return r.appendTo(make([]byte, 0, 1+5*binary.MaxVarintLen64+len(r.tx)))
}

// appendTo appends the compact binary form of r to b: a version byte,
// varints for the numbers, then the transaction ID. It costs no reflection;
// the hot path (Lock/Unlock) encodes into a reused buffer, since stores copy
// what Set is given.
func (r record) appendTo(b []byte) []byte {
	b = append(b, recordVersion)
	b = binary.AppendUvarint(b, uint64(r.refs))
	b = binary.AppendVarint(b, r.createdAt)
	b = binary.AppendVarint(b, r.ttlAt)
	b = binary.AppendUvarint(b, uint64(r.revision))
	b = binary.AppendUvarint(b, r.token)
	return append(b, r.tx...)
}

var errCorrupt = errors.New("lock: corrupt mutex record")

// decodeRecord parses what encode wrote. The transaction ID is copied.
func decodeRecord(b []byte) (record, error) { return decodeRecordOf(b, "") }

// decodeRecordOf is decodeRecord for a caller that expects the holder tx:
// when the stored transaction ID equals tx, the record shares the string
// tx instead of allocating a copy (an Unlock, a re-entrant Lock and a
// Refresh find their own transaction there).
func decodeRecordOf(b []byte, tx string) (record, error) {
	if len(b) == 0 || b[0] != recordVersion {
		return record{}, errCorrupt
	}
	b = b[1:]
	var r record
	var u [5]uint64
	for i := range u {
		var n int
		if i == 1 || i == 2 {
			var v int64
			v, n = binary.Varint(b)
			u[i] = uint64(v)
		} else {
			u[i], n = binary.Uvarint(b)
		}
		if n <= 0 {
			return record{}, fmt.Errorf("%w: truncated", errCorrupt)
		}
		b = b[n:]
	}
	r.refs, r.createdAt, r.ttlAt, r.revision, r.token = int64(u[0]), int64(u[1]), int64(u[2]), int64(u[3]), u[4]
	if string(b) == tx { // compared without a conversion
		r.tx = tx
	} else {
		r.tx = string(b)
	}
	return r, nil
}

// encodeToken and decodeToken are the stored form of a fencing counter: the
// last token issued, 8 bytes big-endian.
func encodeToken(t uint64) []byte { return appendToken(nil, t) }

func appendToken(b []byte, t uint64) []byte { return binary.BigEndian.AppendUint64(b, t) }

func decodeToken(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, errors.New("lock: corrupt fencing counter")
	}
	return binary.BigEndian.Uint64(b), nil
}
