package token_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway/token"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func newHMAC(t *testing.T, key []byte) (*token.HMAC, *clock.Mock) {
	t.Helper()
	clk := clock.NewMock()
	h, err := token.NewHMAC(key, clk)
	require.NoError(t, err)
	return h, clk
}

var b64 = base64.RawURLEncoding

// forge signs body with key as the package does.
func forge(key []byte, body string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(body))
	return body + "." + b64.EncodeToString(m.Sum(nil))
}

func TestIssueVerify(t *testing.T) {
	t.Parallel()
	h, _ := newHMAC(t, secret)
	ctx := context.Background()
	for _, user := range []string{"u", "player-1", "ユーザー", strings.Repeat("x", token.MaxUserIDLen), "a.b:c/d\x00e"} {
		tok, err := h.Issue(ctx, user, time.Minute)
		require.NoError(t, err)
		require.Equal(t, 1, strings.Count(tok, "."))
		got, err := h.Verify(ctx, tok)
		require.NoError(t, err, user)
		require.Equal(t, user, got)
	}
}

func TestTokenShape(t *testing.T) {
	t.Parallel()
	h, _ := newHMAC(t, secret)
	tok, err := h.Issue(context.Background(), "u1", 90*time.Second)
	require.NoError(t, err)
	body, sig, _ := strings.Cut(tok, ".")
	payload, err := b64.DecodeString(body)
	require.NoError(t, err)
	require.JSONEq(t, `{"sub":"u1","exp":`+itoa(clock.Epoch.Add(90*time.Second).UnixMilli())+`}`, string(payload))
	require.Equal(t, forge(secret, body), tok, "signature is HMAC-SHA256 of the first part")
	require.NotContains(t, sig, "=", "no padding")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestExpiryOnTheClock(t *testing.T) {
	t.Parallel()
	h, clk := newHMAC(t, secret)
	ctx := context.Background()
	tok, err := h.Issue(ctx, "u", time.Minute)
	require.NoError(t, err)

	clk.Add(time.Minute - time.Millisecond)
	got, err := h.Verify(ctx, tok)
	require.NoError(t, err, "valid until exp")
	require.Equal(t, "u", got)

	clk.Add(time.Millisecond)
	_, err = h.Verify(ctx, tok)
	require.ErrorIs(t, err, token.ErrExpired, "refused at exp")
	require.NotErrorIs(t, err, token.ErrInvalid)

	clk.Add(time.Hour)
	_, err = h.Verify(ctx, tok)
	require.ErrorIs(t, err, token.ErrExpired)
}

func TestWithOffset(t *testing.T) {
	t.Parallel()
	h, _ := newHMAC(t, secret)
	ctx := context.Background()
	tok, err := h.Issue(ctx, "u", time.Minute)
	require.NoError(t, err)
	_, err = h.Verify(clock.WithOffset(ctx, time.Minute), tok)
	require.ErrorIs(t, err, token.ErrExpired, "the offset moves now forward")
	_, err = h.Verify(clock.WithOffset(ctx, time.Minute-time.Millisecond), tok)
	require.NoError(t, err)

	// Issue honours the offset too: a token issued an hour ahead is valid
	// only in that future.
	ahead := clock.WithOffset(ctx, time.Hour)
	tok, err = h.Issue(ahead, "u", time.Minute)
	require.NoError(t, err)
	_, err = h.Verify(ahead, tok)
	require.NoError(t, err)
	_, err = h.Verify(clock.WithOffset(ctx, time.Hour+time.Minute), tok)
	require.ErrorIs(t, err, token.ErrExpired)
	_, err = h.Verify(ctx, tok)
	require.NoError(t, err, "still valid before its expiry")
}

func TestTamperedRefused(t *testing.T) {
	t.Parallel()
	h, _ := newHMAC(t, secret)
	ctx := context.Background()
	tok, err := h.Issue(ctx, "alice", time.Minute)
	require.NoError(t, err)
	body, sig, _ := strings.Cut(tok, ".")

	// Another payload with the original signature.
	evil := b64.EncodeToString([]byte(`{"sub":"mallory","exp":` + itoa(clock.Epoch.Add(time.Hour).UnixMilli()) + `}`))
	_, err = h.Verify(ctx, evil+"."+sig)
	require.ErrorIs(t, err, token.ErrInvalid)

	// Every single-character change of the payload or the signature.
	for i := range tok {
		if tok[i] == '.' {
			continue
		}
		b := []byte(tok)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		_, err := h.Verify(ctx, string(b))
		require.ErrorIs(t, err, token.ErrInvalid, "position %d", i)
	}
	// A truncated signature, an extended one.
	_, err = h.Verify(ctx, body+"."+sig[:len(sig)-1])
	require.ErrorIs(t, err, token.ErrInvalid)
	_, err = h.Verify(ctx, body+"."+sig+"A")
	require.ErrorIs(t, err, token.ErrInvalid)
}

func TestWrongSecretRefused(t *testing.T) {
	t.Parallel()
	h, _ := newHMAC(t, secret)
	other, _ := newHMAC(t, []byte("another secret, also long enough"))
	ctx := context.Background()
	tok, err := other.Issue(ctx, "u", time.Minute)
	require.NoError(t, err)
	_, err = h.Verify(ctx, tok)
	require.ErrorIs(t, err, token.ErrInvalid)
	_, err = other.Verify(ctx, tok)
	require.NoError(t, err)
}

func TestMalformedRefused(t *testing.T) {
	t.Parallel()
	h, _ := newHMAC(t, secret)
	ctx := context.Background()
	exp := itoa(clock.Epoch.Add(time.Hour).UnixMilli())
	signed := func(payload string) string { return forge(secret, b64.EncodeToString([]byte(payload))) }
	good := signed(`{"sub":"u","exp":` + exp + `}`)
	_, err := h.Verify(ctx, good)
	require.NoError(t, err, "the base case is valid")

	for name, tok := range map[string]string{
		"empty":              "",
		"no dot":             "abc",
		"three parts":        good + ".x",
		"empty payload":      "." + strings.SplitN(good, ".", 2)[1],
		"empty signature":    strings.SplitN(good, ".", 2)[0] + ".",
		"padded signature":   good + "=",
		"newline":            good[:5] + "\n" + good[5:],
		"standard base64":    strings.ReplaceAll(strings.ReplaceAll(good, "-", "+"), "_", "/") + "+",
		"too long":           good + strings.Repeat("A", token.MaxTokenLen),
		"payload not base64": forge(secret, "!!!"),
		"payload not json":   signed(`hello`),
		"payload array":      signed(`[]`),
		"no sub":             signed(`{"exp":` + exp + `}`),
		"empty sub":          signed(`{"sub":"","exp":` + exp + `}`),
		"no exp":             signed(`{"sub":"u"}`),
		"exp string":         signed(`{"sub":"u","exp":"` + exp + `"}`),
		"unknown field":      signed(`{"sub":"u","exp":` + exp + `,"admin":true}`),
		"trailing data":      signed(`{"sub":"u","exp":` + exp + `} {}`),
	} {
		_, err := h.Verify(ctx, tok)
		require.ErrorIs(t, err, token.ErrInvalid, name)
	}
}

func TestBadArguments(t *testing.T) {
	t.Parallel()
	_, err := token.NewHMAC(secret[:token.MinSecretLen-1], nil)
	require.ErrorIs(t, err, token.ErrInvalid)
	h, err := token.NewHMAC(secret[:token.MinSecretLen], nil)
	require.NoError(t, err, "a nil clock means the real one")
	ctx := context.Background()
	tok, err := h.Issue(ctx, "u", time.Hour)
	require.NoError(t, err)
	_, err = h.Verify(ctx, tok)
	require.NoError(t, err)

	for name, call := range map[string]func() error{
		"empty user": func() error { _, err := h.Issue(ctx, "", time.Minute); return err },
		"long user": func() error {
			_, err := h.Issue(ctx, strings.Repeat("x", token.MaxUserIDLen+1), time.Minute)
			return err
		},
		"invalid utf8": func() error { _, err := h.Issue(ctx, "\xff", time.Minute); return err },
		"zero ttl":     func() error { _, err := h.Issue(ctx, "u", 0); return err },
		"sub-ms ttl":   func() error { _, err := h.Issue(ctx, "u", time.Microsecond); return err },
		"negative ttl": func() error { _, err := h.Issue(ctx, "u", -time.Minute); return err },
	} {
		require.ErrorIs(t, call(), token.ErrInvalid, name)
	}
}

func TestSecretIsCopied(t *testing.T) {
	t.Parallel()
	key := []byte(string(secret))
	h, _ := newHMAC(t, key)
	ctx := context.Background()
	tok, err := h.Issue(ctx, "u", time.Minute)
	require.NoError(t, err)
	key[0] ^= 0xFF
	_, err = h.Verify(ctx, tok)
	require.NoError(t, err, "changing the caller's slice must not change the HMAC's secret")
}
