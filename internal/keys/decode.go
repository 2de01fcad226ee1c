package keys

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrMalformed is wrapped by every error a [Decoder] returns.
var ErrMalformed = errors.New("keys: malformed key")

// Kind is the type of a segment, as returned by [Decoder.Next].
type Kind byte

// The kinds of segment, valued as their type codes.
const (
	KindEnd   Kind = 0 // no segment left
	KindBytes Kind = Kind(codeBytes)
	KindStr   Kind = Kind(codeStr)
	KindUint  Kind = Kind(codeUint)
	KindInt   Kind = Kind(codeInt)
)

// Decoder reads the segments of a key in order. Create one with
// [NewDecoder]; it is for one goroutine.
type Decoder struct {
	b []byte
}

// NewDecoder returns a Decoder over b. It does not copy b: b must not change
// while the Decoder is used.
func NewDecoder(b []byte) *Decoder {
	return &Decoder{b: b}
}

// Done reports whether every segment has been read.
func (d *Decoder) Done() bool {
	return len(d.b) == 0
}

// Next returns the kind of the next segment without reading it: KindEnd when
// none is left, or the raw type code (which may be none of the kinds above
// if the key is malformed).
func (d *Decoder) Next() Kind {
	if len(d.b) == 0 {
		return KindEnd
	}
	return Kind(d.b[0])
}

// Str reads a string segment.
func (d *Decoder) Str() (string, error) {
	b, err := d.escaped(codeStr, "string")
	return string(b), err
}

// Bytes reads a bytes segment into a new slice that the caller owns.
func (d *Decoder) Bytes() ([]byte, error) {
	return d.escaped(codeBytes, "bytes")
}

// Uint reads an unsigned integer segment.
func (d *Decoder) Uint() (uint64, error) {
	return d.fixed(codeUint, "uint")
}

// Int reads a signed integer segment.
func (d *Decoder) Int() (int64, error) {
	u, err := d.fixed(codeInt, "int")
	return int64(u ^ signBit), err
}

// fixed reads the 8-byte payload of an integer segment of type code.
func (d *Decoder) fixed(code byte, name string) (uint64, error) {
	if err := d.expect(code, name); err != nil {
		return 0, err
	}
	if len(d.b) < intSize {
		return 0, fmt.Errorf("%w: truncated %s segment", ErrMalformed, name)
	}
	u := binary.BigEndian.Uint64(d.b[1:intSize])
	d.b = d.b[intSize:]
	return u, nil
}

// escaped reads and unescapes the payload of a string or bytes segment.
func (d *Decoder) escaped(code byte, name string) ([]byte, error) {
	if err := d.expect(code, name); err != nil {
		return nil, err
	}
	rest := d.b[1:]
	out := make([]byte, 0, len(rest))
	for {
		i := bytes.IndexByte(rest, 0)
		if i < 0 {
			return nil, fmt.Errorf("%w: unterminated %s segment", ErrMalformed, name)
		}
		out = append(out, rest[:i]...)
		if i+1 == len(rest) {
			return nil, fmt.Errorf("%w: unterminated %s segment", ErrMalformed, name)
		}
		switch rest[i+1] {
		case escape:
			out = append(out, 0)
			rest = rest[i+2:]
		case endMark:
			d.b = rest[i+2:]
			return out, nil
		default:
			return nil, fmt.Errorf("%w: bad escape 0x00 %#02x in %s segment", ErrMalformed, rest[i+1], name)
		}
	}
}

// expect checks that the next segment has type code.
func (d *Decoder) expect(code byte, name string) error {
	switch {
	case len(d.b) == 0:
		return fmt.Errorf("%w: want a %s segment, found the end", ErrMalformed, name)
	case d.b[0] != code:
		return fmt.Errorf("%w: want a %s segment, found type code %#02x", ErrMalformed, name, d.b[0])
	}
	return nil
}
