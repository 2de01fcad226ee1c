package page_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/page"
)

// FuzzDecode: Decode never panics; it accepts only the empty token (nil
// start) or tokens whose start key lies inside the prefix, and rejects the
// rest as invalid arguments.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(listing), "")
	f.Add([]byte(listing), page.Encode(listing, listing.Uint(3)))
	f.Add([]byte(listing), page.Encode(keys.New("items"), keys.New("items", "user-2")))
	f.Add([]byte{}, page.Encode(nil, []byte("anything")))
	f.Add([]byte("p"), "AQ")
	f.Add([]byte("p"), "AQAAAAAAAAAAAA")
	f.Add([]byte("p"), "=")
	f.Fuzz(func(t *testing.T, prefix []byte, token string) {
		start, err := page.Decode(prefix, token)
		switch {
		case err != nil:
			require.ErrorIs(t, err, errs.ErrInvalidArgument)
			require.Nil(t, start)
		case token == "":
			require.Nil(t, start)
		default:
			require.True(t, bytes.HasPrefix(start, prefix), "start %q outside prefix %q", start, prefix)
			require.Equal(t, token, page.Encode(prefix, start), "tokens are canonical")
		}
	})
}

// FuzzRoundTrip: a token decodes to its key under its own prefix and is
// rejected under any other prefix.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte(listing), []byte{0x15, 0, 0, 0, 0, 0, 0, 0, 3}, []byte(keys.New("items")))
	f.Add([]byte{}, []byte{}, []byte{0})
	f.Add([]byte("ab"), []byte("c"), []byte("a"))
	f.Fuzz(func(t *testing.T, prefix, suffix, other []byte) {
		next := append(bytes.Clone(prefix), suffix...)
		tok := page.Encode(prefix, next)
		got, err := page.Decode(prefix, tok)
		require.NoError(t, err)
		require.Equal(t, next, got)
		if !bytes.Equal(other, prefix) {
			_, err := page.Decode(other, tok)
			require.ErrorIs(t, err, errs.ErrInvalidArgument)
		}
	})
}
