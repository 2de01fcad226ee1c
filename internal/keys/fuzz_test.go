package keys_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/keys"
)

func addPairs(f *testing.F) {
	for _, a := range fuzzSeeds {
		for _, b := range fuzzSeeds {
			f.Add(a, b)
		}
	}
}

// FuzzDistinct: two tuples encode equal exactly when they are equal, and each
// decodes back to itself.
func FuzzDistinct(f *testing.F) {
	addPairs(f)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ta, tb := tupleFrom(a), tupleFrom(b)
		ka, kb := ta.encode(), tb.encode()
		require.Equal(t, compareTuple(ta, tb) == 0, bytes.Equal(ka, kb), "%v vs %v", ta, tb)
		for _, c := range []struct {
			t tuple
			k keys.Key
		}{{ta, ka}, {tb, kb}} {
			got, err := decode(c.k)
			require.NoError(t, err)
			require.Zero(t, compareTuple(c.t, got), "decode(encode(%v)) = %v", c.t, got)
			require.Len(t, got, len(c.t))
		}
	})
}

// FuzzOrder: the order of two tuples is the bytewise order of their keys.
func FuzzOrder(f *testing.F) {
	addPairs(f)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ta, tb := tupleFrom(a), tupleFrom(b)
		require.Equal(t, compareTuple(ta, tb), bytes.Compare(ta.encode(), tb.encode()), "%v vs %v", ta, tb)
	})
}

// FuzzDecoder: decoding arbitrary bytes never panics, and whatever decodes
// completely re-encodes to the same bytes (the encoding is canonical).
func FuzzDecoder(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(tupleFrom(s).encode()))
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decode(b)
		if err != nil {
			require.ErrorIs(t, err, keys.ErrMalformed)
			return
		}
		require.Equal(t, string(b), string(got.encode()), "%v", got)
		if len(b) == 0 {
			require.Empty(t, got)
		}
	})
}

// FuzzPrefix: the key of a is a prefix of the key of b exactly when b extends
// a; and when a ends in a string segment s, a's key with s as a StrPrefix is
// a prefix of b's key exactly when b extends a without s and continues with a
// string segment that starts with s.
func FuzzPrefix(f *testing.F) {
	addPairs(f)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ta, tb := tupleFrom(a), tupleFrom(b)
		ka, kb := ta.encode(), tb.encode()
		extends := len(tb) >= len(ta) && compareTuple(ta, tb[:len(ta)]) == 0
		require.Equal(t, extends, bytes.HasPrefix(kb, ka), "%v vs %v", ta, tb)

		if len(ta) == 0 || ta[len(ta)-1].kind != keys.KindStr {
			return
		}
		head, s := ta[:len(ta)-1], ta[len(ta)-1].s
		p := head.encode().StrPrefix(s)
		want := len(tb) > len(head) && compareTuple(head, tb[:len(head)]) == 0 &&
			tb[len(head)].kind == keys.KindStr && strings.HasPrefix(tb[len(head)].s, s)
		require.Equal(t, want, bytes.HasPrefix(kb, p), "StrPrefix(%q) of %v vs %v", s, head, tb)
	})
}
