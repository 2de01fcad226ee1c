package gateway

import (
	"unicode/utf8"
)

// appendFrame appends GS2's notification frame,
// {"type":"notification","body":{"issuer":…,"subject":…,"payload":…}},
// with exactly this field order, to dst.
func appendFrame(dst []byte, issuer, subject, payload string) []byte {
	dst = append(dst, `{"type":"notification","body":{"issuer":`...)
	dst = appendJSONString(dst, issuer)
	dst = append(dst, `,"subject":`...)
	dst = appendJSONString(dst, subject)
	dst = append(dst, `,"payload":`...)
	dst = appendJSONString(dst, payload)
	return append(dst, `}}`...)
}

// frameLen estimates the length of the frame of these strings: exact, plus
// room for a few escapes, so that appendFrame usually allocates once and
// the frame, which every connection's queue may hold, wastes little.
func frameLen(issuer, subject, payload string) int {
	return len(`{"type":"notification","body":{"issuer":,"subject":,"payload":}}`) + 6 + 16 +
		len(issuer) + len(subject) + len(payload)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, as encoding/json writes it
// without HTML escaping: '"', '\\' and control characters escaped, invalid
// UTF-8 replaced by U+FFFD, U+2028 and U+2029 escaped (for JavaScript
// clients that eval).
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
