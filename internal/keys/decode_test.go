package keys_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/keys"
)

func TestDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	k := keys.New("q", "a\x00\xff").Bytes([]byte{0, 1, 0xFF}).Uint(42).Int(-42)
	d := keys.NewDecoder(k)
	require.Equal(t, keys.KindStr, d.Next())
	s, err := d.Str()
	require.NoError(t, err)
	require.Equal(t, "q", s)
	s, err = d.Str()
	require.NoError(t, err)
	require.Equal(t, "a\x00\xff", s)
	require.Equal(t, keys.KindBytes, d.Next())
	b, err := d.Bytes()
	require.NoError(t, err)
	require.Equal(t, []byte{0, 1, 0xFF}, b)
	require.Equal(t, keys.KindUint, d.Next())
	u, err := d.Uint()
	require.NoError(t, err)
	require.Equal(t, uint64(42), u)
	require.Equal(t, keys.KindInt, d.Next())
	i, err := d.Int()
	require.NoError(t, err)
	require.Equal(t, int64(-42), i)
	require.True(t, d.Done())
	require.Equal(t, keys.KindEnd, d.Next())
}

func TestDecodeBytesIsACopy(t *testing.T) {
	t.Parallel()
	k := keys.Key(nil).Bytes([]byte("abc"))
	b, err := keys.NewDecoder(k).Bytes()
	require.NoError(t, err)
	b[0] = 'z'
	require.Equal(t, keys.Key(nil).Bytes([]byte("abc")), k)
}

// TestDecodeErrors: each malformed input is an ErrMalformed, the decoder does
// not move past the failed segment, and nothing panics.
func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	read := map[string]func(*keys.Decoder) error{
		"Str":   func(d *keys.Decoder) error { _, err := d.Str(); return err },
		"Bytes": func(d *keys.Decoder) error { _, err := d.Bytes(); return err },
		"Uint":  func(d *keys.Decoder) error { _, err := d.Uint(); return err },
		"Int":   func(d *keys.Decoder) error { _, err := d.Int(); return err },
	}
	tests := []struct {
		name, op string
		in       []byte
	}{
		{"str at end", "Str", nil},
		{"str on uint", "Str", keys.Key(nil).Uint(1)},
		{"str on bytes", "Str", keys.Key(nil).Bytes([]byte("a"))},
		{"str unterminated", "Str", []byte{0x02, 'a'}},
		{"str half terminator", "Str", []byte{0x02, 'a', 0x00}},
		{"str bad escape", "Str", []byte{0x02, 'a', 0x00, 0x02}},
		{"str unknown code", "Str", []byte{0x7F, 0x00, 0x01}},
		{"bytes on str", "Bytes", keys.New("a")},
		{"bytes unterminated", "Bytes", []byte{0x01, 0x00, 0xFF}},
		{"uint at end", "Uint", nil},
		{"uint on int", "Uint", keys.Key(nil).Int(1)},
		{"uint truncated", "Uint", keys.Key(nil).Uint(1)[:8]},
		{"int on uint", "Int", keys.Key(nil).Uint(1)},
		{"int truncated", "Int", keys.Key(nil).Int(1)[:1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := keys.NewDecoder(tt.in)
			require.ErrorIs(t, read[tt.op](d), keys.ErrMalformed)
			require.Equal(t, len(tt.in) == 0, d.Done())
			if len(tt.in) > 0 {
				require.Equal(t, keys.Kind(tt.in[0]), d.Next(), "the decoder stays on the failed segment")
			}
		})
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	k := keys.New("lock", "a\x00").Uint(42).Int(-1).Int(7).Bytes([]byte{0xFF})
	require.Equal(t, `("lock", "a\x00", 42, -1, +7, b"\xff")`, k.String())
	require.Equal(t, `()`, keys.New().String())
	bad := append(keys.New("ok"), 0x15, 1)
	require.Equal(t, `("ok", !malformed("\x15\x01"))`, keys.Key(bad).String())
}
