package token

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth-go/hearth/clock"
)

// Errors of Verify (and of bad arguments to NewHMAC and Issue).
var (
	// ErrInvalid reports a token that is malformed, forged or signed with
	// another secret.
	ErrInvalid = errors.New("token: invalid")
	// ErrExpired reports a well-signed token whose expiry has passed.
	ErrExpired = errors.New("token: expired")
)

// Verifier resolves an access token to the user ID it was issued for.
type Verifier interface {
	// Verify returns the token's user ID, or an error: one matching
	// ErrInvalid or ErrExpired for a token that is refused.
	Verify(ctx context.Context, token string) (userID string, err error)
}

// Limits.
const (
	// MinSecretLen is the shortest secret NewHMAC accepts, in bytes. Use 32
	// random bytes.
	MinSecretLen = 16
	// MaxUserIDLen is the longest user ID Issue accepts, in bytes.
	MaxUserIDLen = 1024
	// MaxTokenLen is the longest token Verify reads, in bytes; a longer one
	// is invalid.
	MaxTokenLen = 4096
)

var enc = base64.RawURLEncoding.Strict()

// HMAC issues and verifies HMAC-SHA256 signed tokens.
type HMAC struct {
	secret []byte
	clk    clock.Clock
}

var _ Verifier = (*HMAC)(nil)

// NewHMAC returns an HMAC signing with secret (at least MinSecretLen
// bytes; it is copied) and checking expiry on clk (nil means clock.New()).
func NewHMAC(secret []byte, clk clock.Clock) (*HMAC, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("%w: secret shorter than %d bytes", ErrInvalid, MinSecretLen)
	}
	if clk == nil {
		clk = clock.New()
	}
	return &HMAC{secret: bytes.Clone(secret), clk: clk}, nil
}

// claims is the token's payload.
type claims struct {
	Sub string `json:"sub"`
	Exp *int64 `json:"exp"`
}

// Issue returns a token for userID (non-empty, valid UTF-8, at most
// MaxUserIDLen bytes) that expires ttl (at least a millisecond) after now
// on the HMAC's clock, shifted by any clock.WithOffset in ctx.
func (h *HMAC) Issue(ctx context.Context, userID string, ttl time.Duration) (string, error) {
	switch {
	case userID == "":
		return "", fmt.Errorf("%w: userID is empty", ErrInvalid)
	case len(userID) > MaxUserIDLen:
		return "", fmt.Errorf("%w: userID longer than %d bytes", ErrInvalid, MaxUserIDLen)
	case !utf8.ValidString(userID):
		return "", fmt.Errorf("%w: userID is not valid UTF-8", ErrInvalid)
	case ttl < time.Millisecond:
		return "", fmt.Errorf("%w: ttl shorter than a millisecond", ErrInvalid)
	}
	exp := clock.Now(ctx, h.clk).Add(ttl).UnixMilli()
	payload, err := json.Marshal(claims{Sub: userID, Exp: &exp})
	if err != nil {
		return "", fmt.Errorf("token: encoding claims: %w", err)
	}
	body := enc.EncodeToString(payload)
	return body + "." + enc.EncodeToString(h.sign(body)), nil
}

// Verify returns the user ID of token if its signature is the HMAC's and
// it has not expired (now < exp on the HMAC's clock, shifted by any
// clock.WithOffset in ctx).
func (h *HMAC) Verify(ctx context.Context, token string) (string, error) {
	if len(token) > MaxTokenLen {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalid, MaxTokenLen)
	}
	body, sig, ok := strings.Cut(token, ".")
	if !ok || body == "" || strings.Contains(sig, ".") {
		return "", fmt.Errorf("%w: not two dot-separated parts", ErrInvalid)
	}
	// The decoder skips CR and LF even when strict: refuse them, so that a
	// signature has one encoding.
	if strings.ContainsAny(token, "\r\n") {
		return "", fmt.Errorf("%w: malformed", ErrInvalid)
	}
	got, err := enc.DecodeString(sig)
	if err != nil {
		return "", fmt.Errorf("%w: malformed signature", ErrInvalid)
	}
	if !hmac.Equal(got, h.sign(body)) {
		return "", fmt.Errorf("%w: bad signature", ErrInvalid)
	}
	payload, err := enc.DecodeString(body)
	if err != nil {
		return "", fmt.Errorf("%w: malformed payload", ErrInvalid)
	}
	var c claims
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || dec.More() {
		return "", fmt.Errorf("%w: malformed claims", ErrInvalid)
	}
	if c.Sub == "" || c.Exp == nil {
		return "", fmt.Errorf("%w: missing sub or exp", ErrInvalid)
	}
	if now := clock.Now(ctx, h.clk).UnixMilli(); now >= *c.Exp {
		return "", fmt.Errorf("%w: at %d (now %d)", ErrExpired, *c.Exp, now)
	}
	return c.Sub, nil
}

// sign returns HMAC-SHA256(secret, body).
func (h *HMAC) sign(body string) []byte {
	m := hmac.New(sha256.New, h.secret)
	m.Write([]byte(body))
	return m.Sum(nil)
}
