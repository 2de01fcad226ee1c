package page

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/store"
)

const (
	version  byte = 1
	sumSize       = 8
	overhead      = 1 + sumSize
	field         = "pageToken"
)

var (
	encoding = base64.RawURLEncoding.Strict()
	// maxTokenLen bounds what Decode reads: no key is longer than MaxKeySize.
	maxTokenLen = encoding.EncodedLen(store.MaxKeySize + overhead)
)

// Encode returns the token that resumes a listing over prefix at key next.
// next must start with prefix (Collect guarantees it); Encode panics
// otherwise, as that is a bug in the caller.
func Encode(prefix, next []byte) string {
	suffix, ok := bytes.CutPrefix(next, prefix)
	if !ok {
		panic("page: Encode: next key is outside the prefix")
	}
	raw := make([]byte, 0, overhead+len(suffix))
	raw = append(raw, version)
	raw = append(raw, suffix...)
	raw = append(raw, checksum(prefix, suffix)...)
	return encoding.EncodeToString(raw)
}

// Decode returns the start key of the listing over prefix that token
// resumes: nil for the empty token (the first page), otherwise a new slice
// that starts with prefix. A token that is malformed, tampered with or made
// for another prefix is an *errs.FieldError for "pageToken". Decode never
// panics.
func Decode(prefix []byte, token string) ([]byte, error) {
	if token == "" {
		return nil, nil
	}
	// The decoder skips CR and LF even when strict: refuse them, so that
	// each start key has exactly one token.
	if len(token) > maxTokenLen || strings.ContainsAny(token, "\r\n") {
		return nil, errs.Invalid(field, "malformed")
	}
	raw, err := encoding.DecodeString(token)
	if err != nil || len(raw) < overhead || raw[0] != version {
		return nil, errs.Invalid(field, "malformed")
	}
	suffix, sum := raw[1:len(raw)-sumSize], raw[len(raw)-sumSize:]
	if !bytes.Equal(sum, checksum(prefix, suffix)) {
		return nil, errs.Invalid(field, "not valid for this listing")
	}
	start := make([]byte, 0, len(prefix)+len(suffix))
	return append(append(start, prefix...), suffix...), nil
}

// checksum is the first sumSize bytes of SHA-256(prefix || suffix).
func checksum(prefix, suffix []byte) []byte {
	h := sha256.New()
	h.Write(prefix)
	h.Write(suffix)
	return h.Sum(nil)[:sumSize]
}
