package page_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/page"
	"github.com/hearth-go/hearth/store"
)

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// requireBadToken asserts err is the pageToken FieldError.
func requireBadToken(t *testing.T, err error, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, errs.ErrInvalidArgument, msgAndArgs...)
	var fe *errs.FieldError
	require.True(t, errors.As(err, &fe), msgAndArgs...)
	require.Equal(t, "pageToken", fe.Field, msgAndArgs...)
}

func TestEncodeDecode(t *testing.T) {
	t.Parallel()
	start, err := page.Decode(listing, "")
	require.NoError(t, err)
	require.Nil(t, start)

	for _, next := range []keys.Key{listing, listing.Uint(0), listing.Uint(1 << 60).Str("x\x00\xff")} {
		tok := page.Encode(listing, next)
		require.Equal(t, -1, strings.IndexFunc(tok, func(r rune) bool { return !strings.ContainsRune(alphabet, r) }), "URL-safe: %q", tok)
		got, err := page.Decode(listing, tok)
		require.NoError(t, err)
		require.Equal(t, []byte(next), got)
	}
	// An empty prefix is a listing of everything.
	got, err := page.Decode(nil, page.Encode(nil, []byte("k")))
	require.NoError(t, err)
	require.Equal(t, []byte("k"), got)
}

func TestEncodePanicsOutsidePrefix(t *testing.T) {
	t.Parallel()
	require.Panics(t, func() { page.Encode(listing, keys.New("items", "user-2")) })
}

// TestBadTokens: every corruption of a token, and every token of another
// listing, is rejected; none yields a page.
func TestBadTokens(t *testing.T) {
	t.Parallel()
	good := page.Encode(listing, listing.Uint(10))

	var bad []string
	// Every character replaced by every other character of the alphabet.
	for i := range len(good) {
		for _, c := range []byte(alphabet + "=+/ .\x00\r\n") {
			if c != good[i] {
				bad = append(bad, good[:i]+string(c)+good[i+1:])
			}
		}
	}
	// Every truncation and extension.
	for i := 1; i < len(good); i++ {
		bad = append(bad, good[:i], good[i:])
	}
	bad = append(bad, good+"A", good+good, "A"+good, good[:3]+"\n"+good[3:], good+"\r\n")
	// Garbage.
	bad = append(bad, "x", "!!!!", "AAAAAAAAAAAA", strings.Repeat("A", 1<<20), "\xff\xfe", "null")
	// Another version byte.
	raw, err := base64.RawURLEncoding.DecodeString(good)
	require.NoError(t, err)
	for v := range 256 {
		if byte(v) != raw[0] {
			bad = append(bad, base64.RawURLEncoding.EncodeToString(append([]byte{byte(v)}, raw[1:]...)))
		}
	}
	// Tokens of other listings: a sibling, the parent, a child, another user
	// whose ID extends this one's.
	for _, other := range []keys.Key{keys.New("items", "user-2"), keys.New("items"), listing.Uint(10), keys.New("items", "user-1\x00")} {
		bad = append(bad, page.Encode(other, other.Uint(10)))
	}
	// A token whose checksum covers a key outside the prefix: its suffix is
	// that whole key, with a valid checksum for it alone.
	outside := keys.New("items", "user-2").Uint(0)
	sum := sha256.Sum256(outside)
	bad = append(bad, base64.RawURLEncoding.EncodeToString(bytes.Join([][]byte{{1}, outside, sum[:8]}, nil)))

	st := fill(t, 30)
	for _, tok := range bad {
		start, err := page.Decode(listing, tok)
		requireBadToken(t, err, "%q", tok)
		require.Nil(t, start)
	}
	require.NoError(t, st.View(context.Background(), func(txn store.Txn) error {
		for _, tok := range bad {
			items, next, err := page.Collect(txn, listing, tok, 10, number(all))
			requireBadToken(t, err, "%q", tok)
			require.Nil(t, items)
			require.Empty(t, next)
		}
		return nil
	}))
}
