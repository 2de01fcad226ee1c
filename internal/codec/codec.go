package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrCorrupt is the error of a record that does not decode.
var ErrCorrupt = errors.New("corrupt record")

// AppendStr appends s with its length in front.
func AppendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Reader decodes a record. The first failure sticks: later reads return
// zero values, and Done reports it.
type Reader struct {
	b   []byte
	bad bool
}

// NewReader starts reading b, which must begin with the version byte.
func NewReader(b []byte, version byte) *Reader {
	r := &Reader{b: b}
	if len(b) == 0 || b[0] != version {
		r.bad = true
		return r
	}
	r.b = b[1:]
	return r
}

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint() uint64 {
	if r.bad {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Varint reads a signed varint.
func (r *Reader) Varint() int64 {
	if r.bad {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Str reads a string written by AppendStr (copied).
func (r *Reader) Str() string {
	n := r.Uvarint()
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// Done reports whether the record decoded cleanly and completely; what
// names the record in the error, which matches ErrCorrupt.
func (r *Reader) Done(what string) error {
	if r.bad || len(r.b) != 0 {
		return fmt.Errorf("%w: %s", ErrCorrupt, what)
	}
	return nil
}
