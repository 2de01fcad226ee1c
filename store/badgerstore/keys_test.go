package badgerstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store/badgerstore"
)

// TestSuccessor: the smallest key after every key with a prefix, used to
// start reverse scans at the end of a prefix.
func TestSuccessor(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"a", "b"},
		{"a\x00", "a\x01"},
		{"a\xff", "b"},
		{"a\xfe\xff\xff", "a\xff"},
		{"\x01\xff\xff", "\x02"},
		{"\xff\xff", ""},
		{"", ""},
	}
	for _, c := range cases {
		got := badgerstore.Successor([]byte(c.in))
		if c.want == "" {
			require.Nil(t, got, "successor(%q)", c.in)
			continue
		}
		require.Equal(t, c.want, string(got), "successor(%q)", c.in)
	}
}
