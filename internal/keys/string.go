package keys

import (
	"strconv"
	"strings"
)

// String renders k as a tuple for logs and test failures, e.g.
// ("lock", "ns", 42, -1, +7, b"\x00"): ints always carry a sign, uints
// never do. A malformed tail is shown as
// !malformed(...) with its raw bytes quoted.
func (k Key) String() string {
	var sb strings.Builder
	sb.WriteByte('(')
	d := NewDecoder(k)
	for i := 0; !d.Done(); i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		if !writeSegment(&sb, d) {
			sb.WriteString("!malformed(" + strconv.Quote(string(d.b)) + ")")
			break
		}
	}
	sb.WriteByte(')')
	return sb.String()
}

// writeSegment renders the next segment of d, reporting false (and reading
// nothing) if it is malformed.
func writeSegment(sb *strings.Builder, d *Decoder) bool {
	switch d.Next() {
	case KindStr:
		if s, err := d.Str(); err == nil {
			sb.WriteString(strconv.Quote(s))
			return true
		}
	case KindBytes:
		if b, err := d.Bytes(); err == nil {
			sb.WriteString("b" + strconv.Quote(string(b)))
			return true
		}
	case KindUint:
		if u, err := d.Uint(); err == nil {
			sb.WriteString(strconv.FormatUint(u, 10))
			return true
		}
	case KindInt:
		if i, err := d.Int(); err == nil {
			if i >= 0 {
				sb.WriteByte('+') // tells an int from a uint
			}
			sb.WriteString(strconv.FormatInt(i, 10))
			return true
		}
	}
	return false
}
