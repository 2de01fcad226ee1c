package keys_test

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"

	"github.com/hearth-go/hearth/internal/keys"
)

// seg is one segment of a model tuple: the tests compare tuples in this
// model and check that their encodings agree.
type seg struct {
	kind keys.Kind
	s    string // KindStr and KindBytes
	u    uint64 // KindUint
	i    int64  // KindInt
}

type tuple []seg

func (t tuple) String() string { return fmt.Sprintf("%+v", []seg(t)) }

// encode builds the key of t with the Key methods.
func (t tuple) encode() keys.Key {
	var k keys.Key
	for _, s := range t {
		switch s.kind {
		case keys.KindStr:
			k = k.Str(s.s)
		case keys.KindBytes:
			k = k.Bytes([]byte(s.s))
		case keys.KindUint:
			k = k.Uint(s.u)
		case keys.KindInt:
			k = k.Int(s.i)
		}
	}
	return k
}

// decode reads a whole key back into a tuple.
func decode(k []byte) (tuple, error) {
	var t tuple
	d := keys.NewDecoder(k)
	for !d.Done() {
		s := seg{kind: d.Next()}
		var err error
		switch s.kind {
		case keys.KindStr:
			s.s, err = d.Str()
		case keys.KindBytes:
			var b []byte
			b, err = d.Bytes()
			s.s = string(b)
		case keys.KindUint:
			s.u, err = d.Uint()
		case keys.KindInt:
			s.i, err = d.Int()
		default:
			_, err = d.Str() // an unknown type code: Str reports it
		}
		if err != nil {
			return t, err
		}
		t = append(t, s)
	}
	return t, nil
}

// compareSeg orders segments by type code, then by value.
func compareSeg(a, b seg) int {
	if c := cmp.Compare(a.kind, b.kind); c != 0 {
		return c
	}
	switch a.kind {
	case keys.KindUint:
		return cmp.Compare(a.u, b.u)
	case keys.KindInt:
		return cmp.Compare(a.i, b.i)
	default:
		return cmp.Compare(a.s, b.s)
	}
}

// compareTuple orders tuples segment-wise, a prefix before its extensions.
func compareTuple(a, b tuple) int {
	for i := range min(len(a), len(b)) {
		if c := compareSeg(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// tupleFrom turns fuzz input into a tuple: parts separated by 0xFE, each
// part's first byte choosing the kind (mod 4) and the rest its value
// (integers from the last 8 bytes, big-endian).
func tupleFrom(b []byte) tuple {
	if len(b) == 0 {
		return nil
	}
	var t tuple
	for part := range bytes.SplitSeq(b, []byte{0xFE}) {
		if len(part) == 0 {
			t = append(t, seg{kind: keys.KindStr})
			continue
		}
		v := part[1:]
		var n [8]byte
		copy(n[8-min(8, len(v)):], v[max(0, len(v)-8):])
		switch part[0] % 4 {
		case 0:
			t = append(t, seg{kind: keys.KindStr, s: string(v)})
		case 1:
			t = append(t, seg{kind: keys.KindBytes, s: string(v)})
		case 2:
			t = append(t, seg{kind: keys.KindUint, u: binary.BigEndian.Uint64(n[:])})
		case 3:
			t = append(t, seg{kind: keys.KindInt, i: int64(binary.BigEndian.Uint64(n[:]))})
		}
	}
	return t
}

// fuzzSeeds are inputs for tupleFrom that reach the edge cases: empty and
// zero-byte strings, 0xFF bytes, integer extremes, prefixes of each other.
var fuzzSeeds = [][]byte{
	nil,
	{},
	{0x00},
	{0x00, 'a'},
	{0x00, 'a', 0x00},
	{0x00, 'a', 0x00, 0xFF},
	{0x00, 'a', 0xFF},
	{0x00, 'a', 0xFE, 0x00, 'b'},
	{0x00, 'a', 0x00, 0xFE, 0x00, 'b'},
	{0x01, 'a'},
	{0x01, 0x00, 0x00},
	{0x02},
	{0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
	{0x02, 0x01},
	{0x03},
	{0x03, 0x80, 0, 0, 0, 0, 0, 0, 0},
	{0x03, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
	{0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
	{0x00, 'u', 's', 'e', 'r', 0xFE, 0x02, 0x05, 0xFE, 0x03, 0x09},
}
