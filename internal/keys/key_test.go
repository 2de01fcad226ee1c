package keys_test

import (
	"bytes"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/keys"
)

func TestEncodingBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		key  keys.Key
		want []byte
	}{
		{"empty tuple", keys.New(), []byte{}},
		{"string", keys.New("ab"), []byte{0x02, 'a', 'b', 0x00, 0x01}},
		{"empty string", keys.New(""), []byte{0x02, 0x00, 0x01}},
		{"string with zero", keys.New("a\x00b"), []byte{0x02, 'a', 0x00, 0xFF, 'b', 0x00, 0x01}},
		{"string with 0xFF", keys.New("\xff"), []byte{0x02, 0xFF, 0x00, 0x01}},
		{"bytes", keys.Key(nil).Bytes([]byte{0, 1}), []byte{0x01, 0x00, 0xFF, 0x01, 0x00, 0x01}},
		{"uint", keys.Key(nil).Uint(0x0102), []byte{0x15, 0, 0, 0, 0, 0, 0, 0x01, 0x02}},
		{"int -1", keys.Key(nil).Int(-1), []byte{0x16, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
		{"int 0", keys.Key(nil).Int(0), []byte{0x16, 0x80, 0, 0, 0, 0, 0, 0, 0}},
		{"two strings", keys.New("a", "b"), []byte{0x02, 'a', 0x00, 0x01, 0x02, 'b', 0x00, 0x01}},
		{"str prefix", keys.New("a").StrPrefix("b\x00"), []byte{0x02, 'a', 0x00, 0x01, 0x02, 'b', 0x00, 0xFF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, []byte(tt.key))
		})
	}
}

func TestAppendMatchesMethods(t *testing.T) {
	t.Parallel()
	var b []byte
	b = keys.AppendStr(b, "x\x00")
	b = keys.AppendBytes(b, []byte{0, 0xFF})
	b = keys.AppendUint(b, 7)
	b = keys.AppendInt(b, -7)
	want := keys.New("x\x00").Bytes([]byte{0, 0xFF}).Uint(7).Int(-7)
	require.Equal(t, []byte(want), b)
}

// TestOrder lists tuples in ascending order, with the cases that break naive
// encodings: zero bytes, 0xFF bytes, prefixes, integer extremes and types.
func TestOrder(t *testing.T) {
	t.Parallel()
	ordered := []keys.Key{
		keys.New(),
		keys.Key(nil).Bytes(nil),
		keys.Key(nil).Bytes([]byte{0}),
		keys.Key(nil).Bytes([]byte{0xFF}),
		keys.New(""),
		keys.New("", ""),
		keys.New("", "a"),
		keys.New("\x00"),
		keys.New("\x00", ""),
		keys.New("\x00\x00"),
		keys.New("\x00\xff"),
		keys.New("\x01"),
		keys.New("a"),
		keys.New("a").Bytes(nil),
		keys.New("a", ""),
		keys.New("a", "b"),
		keys.New("a").Uint(0),
		keys.New("a").Uint(math.MaxUint64),
		keys.New("a").Int(math.MinInt64),
		keys.New("a").Int(-1),
		keys.New("a").Int(0),
		keys.New("a").Int(math.MaxInt64),
		keys.New("a\x00"),
		keys.New("a\x00", "z"),
		keys.New("a\x00\x00"),
		keys.New("a\x00b"),
		keys.New("a\x01"),
		keys.New("ab"),
		keys.New("b"),
		keys.New("\xff"),
		keys.New("\xff\xff"),
		keys.Key(nil).Uint(0),
		keys.Key(nil).Uint(1),
		keys.Key(nil).Uint(1 << 8),
		keys.Key(nil).Uint(1 << 8).Uint(0),
		keys.Key(nil).Uint(math.MaxUint64),
		keys.Key(nil).Int(math.MinInt64),
		keys.Key(nil).Int(-256),
		keys.Key(nil).Int(-1),
		keys.Key(nil).Int(0),
		keys.Key(nil).Int(1),
		keys.Key(nil).Int(math.MaxInt64),
	}
	for i := 1; i < len(ordered); i++ {
		require.Negative(t, bytes.Compare(ordered[i-1], ordered[i]), "%v !< %v", ordered[i-1], ordered[i])
	}
	shuffled := slices.Clone(ordered)
	slices.Reverse(shuffled)
	slices.SortFunc(shuffled, func(a, b keys.Key) int { return bytes.Compare(a, b) })
	require.Equal(t, ordered, shuffled)
}

// TestPrefixIsListing: scanning a tuple's key as a prefix finds exactly the
// tuples that extend it, not a user whose ID extends the ID in the prefix.
func TestPrefixIsListing(t *testing.T) {
	t.Parallel()
	prefix := keys.New("lock", "ns", "u")
	in := []keys.Key{prefix, prefix.Str("p1"), prefix.Str(""), prefix.Uint(0), prefix.Str("x").Int(-1)}
	out := []keys.Key{
		keys.New("lock", "ns", "u\x00"),
		keys.New("lock", "ns", "u\x00", "p1"),
		keys.New("lock", "ns", "u\xff"),
		keys.New("lock", "ns", "ua", "p1"),
		keys.New("lock", "ns\x00", "u"),
		keys.New("lock", "ns"),
	}
	for _, k := range in {
		require.True(t, bytes.HasPrefix(k, prefix), "%v", k)
	}
	for _, k := range out {
		require.False(t, bytes.HasPrefix(k, prefix), "%v", k)
	}
}

func TestStrPrefix(t *testing.T) {
	t.Parallel()
	base := keys.New("ns")
	p := base.StrPrefix("ab")
	for _, name := range []string{"ab", "abc", "ab\x00", "ab\xff", "ab.x"} {
		require.True(t, bytes.HasPrefix(base.Str(name).Uint(3), p), "%q", name)
	}
	for _, name := range []string{"a", "a\x00b", "ac", "b", ""} {
		require.False(t, bytes.HasPrefix(base.Str(name), p), "%q", name)
	}
	require.False(t, bytes.HasPrefix(base.Bytes([]byte("abc")), p), "a bytes segment is not a string segment")
	// StrPrefix("") matches every string segment and nothing else.
	require.True(t, bytes.HasPrefix(base.Str(""), base.StrPrefix("")))
	require.False(t, bytes.HasPrefix(base.Uint(1), base.StrPrefix("")))
}

// TestNoAliasing: extending a key never writes into memory the receiver or
// another extension shares, even when the receiver has spare capacity.
func TestNoAliasing(t *testing.T) {
	t.Parallel()
	base := make(keys.Key, 0, 256)
	base = append(base, keys.New("ns")...)
	a := base.Str("a")
	b := base.Str("b")
	c := base.Uint(1)
	d := base.Int(1)
	e := base.Bytes([]byte("e"))
	f := base.StrPrefix("f")
	require.Equal(t, keys.New("ns", "a"), a)
	require.Equal(t, keys.New("ns", "b"), b)
	require.Equal(t, keys.New("ns").Uint(1), c)
	require.Equal(t, keys.New("ns").Int(1), d)
	require.Equal(t, keys.New("ns").Bytes([]byte("e")), e)
	require.Equal(t, keys.New("ns").StrPrefix("f"), f)
	require.Equal(t, keys.New("ns"), base)
}

func TestExactSize(t *testing.T) { // not parallel: AllocsPerRun
	k := keys.New("lock", "name\x00space", "user", "property")
	require.Equal(t, len(k), cap(k))
	allocs := testing.AllocsPerRun(100, func() { sink = keys.New("lock", "ns", "user", "property") })
	require.Equal(t, 1.0, allocs)
	for _, ext := range []keys.Key{k.Str("a\x00"), k.Bytes([]byte{0, 0}), k.Uint(1), k.Int(1), k.StrPrefix("x\x00")} {
		require.Equal(t, len(ext), cap(ext))
	}
}
