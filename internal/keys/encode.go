package keys

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// Type codes of the segments, as in FoundationDB's tuple layer. Their order
// is the order of segments of different types.
const (
	codeBytes byte = 0x01
	codeStr   byte = 0x02
	codeUint  byte = 0x15
	codeInt   byte = 0x16

	escape  byte = 0xFF // follows a 0x00 that belongs to the content
	endMark byte = 0x01 // follows the 0x00 that ends a bytes or string segment
	intSize      = 1 + 8
	signBit      = uint64(1) << 63
)

// AppendStr appends the encoding of the string segment s to dst and returns
// the extended slice, like append.
func AppendStr(dst []byte, s string) []byte {
	dst = appendEscaped(append(dst, codeStr), s)
	return append(dst, 0, endMark)
}

// AppendBytes appends the encoding of the bytes segment b to dst and returns
// the extended slice, like append.
func AppendBytes(dst, b []byte) []byte {
	dst = append(dst, codeBytes)
	for {
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			dst = append(dst, b...)
			return append(dst, 0, endMark)
		}
		dst = append(dst, b[:i+1]...)
		dst = append(dst, escape)
		b = b[i+1:]
	}
}

// AppendUint appends the encoding of the unsigned integer segment u to dst
// and returns the extended slice, like append.
func AppendUint(dst []byte, u uint64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, codeUint), u)
}

// AppendInt appends the encoding of the signed integer segment i to dst and
// returns the extended slice, like append.
func AppendInt(dst []byte, i int64) []byte {
	return binary.BigEndian.AppendUint64(append(dst, codeInt), uint64(i)^signBit)
}

// appendEscaped appends s with each 0x00 written as 0x00 0xFF.
func appendEscaped(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i+1]...)
		dst = append(dst, escape)
		s = s[i+1:]
	}
}

// escapedLen is the encoded length of s without type code and terminator.
func escapedLen(s string) int {
	return len(s) + strings.Count(s, "\x00")
}

// strLen is the encoded length of the string segment s.
func strLen(s string) int {
	return 3 + escapedLen(s)
}

// bytesLen is the encoded length of the bytes segment b.
func bytesLen(b []byte) int {
	return 3 + len(b) + bytes.Count(b, []byte{0})
}
