package lock

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store/memstore"
)

// hotPathIDs name mutexes whose segments need escaping or are long.
var hotPathIDs = []lockID{
	{ns: "ns", user: "u1", prop: "wallet"},
	{ns: "game-1.x", user: "a\x00b", prop: "\x00\x00é"},
	{ns: "n", user: string(make([]byte, 300)), prop: "p\xff"},
}

// TestTxnKeysMatchKeyBuilders: the keys the hot path builds into one reused
// buffer are the keys the rest of the package (and the namespace registry)
// builds, whatever the buffer held before and even when it must grow.
func TestTxnKeysMatchKeyBuilders(t *testing.T) {
	t.Parallel()
	s, err := New(memstore.New(nil), nil)
	require.NoError(t, err)
	for _, buf := range [][]byte{nil, make([]byte, 3, 5), make([]byte, 0, 4096)} {
		for _, id := range hotPathIDs {
			for i := range buf[:cap(buf)] {
				buf[:cap(buf)][i] = 0xAB
			}
			var k txnKeys
			buf, k = appendTxnKeys(buf, id, true)
			require.Equal(t, []byte(s.reg.Key(id.ns)), k.ns)
			require.Equal(t, []byte(id.mutexKey()), k.mutex)
			require.Equal(t, []byte(id.fenceKey()), k.fence)

			_, k = appendTxnKeys(buf, id, false)
			require.Equal(t, []byte(s.reg.Key(id.ns)), k.ns)
			require.Equal(t, []byte(id.mutexKey()), k.mutex)
			require.Nil(t, k.fence)
		}
	}
}

// TestMutexGRNMatchesBuilder: the precomputed GRN prefix gives the GRN the
// grn.Builder makes, for the default and a configured region and owner.
func TestMutexGRNMatchesBuilder(t *testing.T) {
	t.Parallel()
	for _, cfg := range []*Config{nil, {Region: "ap-northeast-1", Owner: "studio"}} {
		s, err := New(memstore.New(nil), cfg)
		require.NoError(t, err)
		for _, id := range hotPathIDs {
			require.Equal(t, s.grn.Make(service, id.ns, "user", id.user, "property", id.prop), s.mutexGRN(id))
		}
	}
}

// TestDecodeRecordOf: a record decodes to the same value whether or not the
// caller's expected holder matches, and an encoding into a reused buffer
// equals a fresh one.
func TestDecodeRecordOf(t *testing.T) {
	t.Parallel()
	rec := record{tx: "tx-1", refs: 2, createdAt: -5, ttlAt: 1 << 40, revision: 3, token: 7}
	b := rec.encode()
	require.Equal(t, b, rec.appendTo([]byte("stale bytes")[:0]))
	for _, tx := range []string{"", "tx-1", "tx-2", "tx-10"} {
		got, err := decodeRecordOf(b, tx)
		require.NoError(t, err)
		require.Equal(t, rec, got)
	}
}
