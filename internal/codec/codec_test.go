package codec_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/codec"
)

func encode() []byte {
	b := []byte{7}
	b = binary.AppendUvarint(b, 300)
	b = binary.AppendVarint(b, -5)
	return codec.AppendStr(b, "héllo")
}

func TestRoundTrip(t *testing.T) {
	r := codec.NewReader(encode(), 7)
	require.Equal(t, uint64(300), r.Uvarint())
	require.Equal(t, int64(-5), r.Varint())
	require.Equal(t, "héllo", r.Str())
	require.NoError(t, r.Done("x"))
}

func TestCorrupt(t *testing.T) {
	good := encode()
	for name, b := range map[string][]byte{
		"empty":         nil,
		"wrong version": append([]byte{8}, good[1:]...),
		"truncated":     good[:len(good)-1],
		"trailing":      append(append([]byte(nil), good...), 0),
		"long string":   append(good[:len(good)-6], 0x7f, 'a'),
	} {
		t.Run(name, func(t *testing.T) {
			r := codec.NewReader(b, 7)
			r.Uvarint()
			r.Varint()
			_ = r.Str()
			require.ErrorIs(t, r.Done("rec"), codec.ErrCorrupt)
		})
	}
}
