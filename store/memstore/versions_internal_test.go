package memstore

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store"
)

func set(t *testing.T, s *Store, k, v string) {
	t.Helper()
	require.NoError(t, s.Update(context.Background(), func(tx store.Txn) error {
		return tx.Set([]byte(k), []byte(v))
	}))
}

func chainLen(s *Store, k string) int {
	s.treeMu.Lock()
	defer s.treeMu.Unlock()
	e, ok := s.tree.Get(&entry{key: k})
	if !ok {
		return 0
	}
	return len(e.versions)
}

// Old versions are kept exactly as long as an open transaction may read
// them, and pruned afterwards, so a hot key does not grow without bound.
func TestVersionsArePrunedOnceUnreadable(t *testing.T) {
	t.Parallel()
	s := New(nil)
	defer s.Close()
	set(t, s, "k", "v0")

	inView, release, done := make(chan struct{}), make(chan struct{}), make(chan string)
	go func() {
		_ = s.View(context.Background(), func(tx store.Txn) error {
			close(inView)
			<-release
			v, err := tx.Get([]byte("k"))
			require.NoError(t, err)
			done <- string(v)
			return nil
		})
	}()
	<-inView
	for i := 1; i <= 1000; i++ {
		set(t, s, "k", fmt.Sprint("v", i))
	}
	require.Greater(t, chainLen(s, "k"), 1000, "the open View's version must be kept")
	close(release)
	require.Equal(t, "v0", <-done, "the View reads its snapshot")

	set(t, s, "k", "last")
	require.Equal(t, 1, chainLen(s, "k"), "with no reader left only the newest version stays")
	s.mu.Lock()
	require.Empty(t, s.committed, "no commit record is kept when no Update is open")
	require.True(t, s.active.empty())
	s.mu.Unlock()
}

// A deleted key disappears from the tree once no reader can see it.
func TestDeletedKeysLeaveTheTree(t *testing.T) {
	t.Parallel()
	s := New(nil)
	defer s.Close()
	for i := range 50 {
		set(t, s, fmt.Sprint("k", i), "v")
	}
	require.NoError(t, s.Update(context.Background(), func(tx store.Txn) error {
		for i := range 50 {
			if err := tx.Delete([]byte(fmt.Sprint("k", i))); err != nil {
				return err
			}
		}
		return nil
	}))
	s.treeMu.Lock()
	n := s.tree.Len()
	s.treeMu.Unlock()
	require.Zero(t, n)
}

// Scan reads the tree in batches; the seams between batches must neither
// lose nor repeat keys, forwards or backwards, with the transaction's own
// writes interleaved and commits landing between batches (invisible to the
// scan, which reads its snapshot).
func TestScanAcrossBatches(t *testing.T) {
	t.Parallel()
	for _, rev := range []bool{false, true} {
		t.Run(fmt.Sprint("reverse=", rev), func(t *testing.T) {
			t.Parallel()
			testScanAcrossBatches(t, rev)
		})
	}
}

func testScanAcrossBatches(t *testing.T, rev bool) {
	s := New(nil)
	defer s.Close()
	const n = 3*scanBatch + 7
	require.NoError(t, s.Update(context.Background(), func(tx store.Txn) error {
		for i := range n {
			if err := tx.Set(fmt.Appendf(nil, "p/%04d", 2*i), []byte("old")); err != nil {
				return err
			}
		}
		return nil
	}))
	var got []string
	err := s.Update(context.Background(), func(tx store.Txn) error {
		// Own writes: odd keys between the committed even ones, one
		// overwrite and one delete.
		for i := range n {
			require.NoError(t, tx.Set(fmt.Appendf(nil, "p/%04d", 2*i+1), []byte("own")))
		}
		require.NoError(t, tx.Set([]byte("p/0000"), []byte("over")))
		require.NoError(t, tx.Delete([]byte("p/0002")))
		return tx.Scan([]byte("p/"), store.ScanOptions{Reverse: rev}, func(k, v []byte) bool {
			got = append(got, string(k)+"="+string(v))
			// A commit of a new key between batches. Committing from
			// inside the callback also proves Scan calls it with the
			// tree lock released (else this would deadlock).
			if len(got)%scanBatch == 0 {
				set(t, s, fmt.Sprintf("p/%04dx", len(got)), "concurrent")
			}
			return true
		})
	})
	require.NoError(t, err, "the concurrent commits wrote keys the scan never read")

	var want []string
	for i := range 2 * n {
		switch {
		case i == 0:
			want = append(want, "p/0000=over")
		case i == 2:
		case i%2 == 1:
			want = append(want, fmt.Sprintf("p/%04d=own", i))
		default:
			want = append(want, fmt.Sprintf("p/%04d=old", i))
		}
	}
	if rev {
		slices.Reverse(want)
	}
	require.Equal(t, want, got)
}
