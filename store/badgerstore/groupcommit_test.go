package badgerstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
)

// seqKey is the context key of the slot where the AfterCommit hook writes
// an Update's commit sequence number.
type seqKey struct{}

// TestGroupCommitWaitsForLaterSync is the group-commit promise: no Update
// returns before a sync that started after its commit has completed.
//
// Each commit gets a sequence number (AfterCommit hook). The sync records
// the highest sequence committed when it started and publishes it as
// durable when it ends. When Update returns, its sequence must be durable.
// A syncer that let an Update join a sync already in flight would fail
// this, because that sync started before the commit.
func TestGroupCommitWaitsForLaterSync(t *testing.T) {
	t.Parallel()
	var committed, durable, syncs atomic.Int64
	var db atomic.Pointer[badger.DB]
	opts := badgerstore.Options{Light: true, Durability: badgerstore.Sync}
	badgerstore.SetHooks(&opts, badgerstore.Hooks{
		AfterCommit: func(ctx context.Context) {
			*ctx.Value(seqKey{}).(*int64) = committed.Add(1)
		},
		Sync: func() error {
			started := committed.Load()
			syncs.Add(1)
			if err := db.Load().Sync(); err != nil { // a real sync, so commits land meanwhile
				return err
			}
			durable.Store(started) // syncs run one at a time, started grows
			return nil
		},
	})
	s := openStore(t, opts)
	db.Store(s.DB())

	const workers, updates = 16, 60
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range updates {
				var seq int64
				ctx := context.WithValue(t.Context(), seqKey{}, &seq)
				err := s.Update(ctx, func(tx store.Txn) error {
					return tx.Set(fmt.Appendf(nil, "w%d/%d", w, i), []byte("v"))
				})
				if !assert.NoError(t, err) {
					return
				}
				if d := durable.Load(); seq > d {
					assert.Failf(t, "Update returned before its commit was synced",
						"commit %d, durable up to %d", seq, d)
					return
				}
			}
		})
	}
	wg.Wait()
	require.Equal(t, int64(workers*updates), committed.Load())
	t.Logf("%d updates, %d syncs", committed.Load(), syncs.Load())
}

// TestGroupCommitSharesSyncs: Updates that commit while a sync runs share
// the next one. The first sync blocks until fifteen more Updates have
// committed and joined the next round; then exactly one more sync serves
// all of them.
func TestGroupCommitSharesSyncs(t *testing.T) {
	t.Parallel()
	const later = 15
	var syncs atomic.Int64
	firstStarted := make(chan struct{})
	release := make(chan struct{})
	joined := make(chan struct{}, later+1)
	opts := badgerstore.Options{Light: true, Durability: badgerstore.Sync}
	badgerstore.SetHooks(&opts, badgerstore.Hooks{
		Joined: func() { joined <- struct{}{} },
		Sync: func() error {
			if syncs.Add(1) == 1 {
				close(firstStarted)
				<-release
			}
			return nil
		},
	})
	s := openStore(t, opts)
	update := func(key string) error {
		return s.Update(t.Context(), func(tx store.Txn) error { return tx.Set([]byte(key), []byte("v")) })
	}

	results := make(chan error, later+1)
	go func() { results <- update("first") }()
	<-firstStarted
	<-joined // the first Update's join
	for i := range later {
		go func() { results <- update(fmt.Sprint("later/", i)) }()
	}
	for range later {
		<-joined
	}
	close(release)
	for range later + 1 {
		require.NoError(t, <-results)
	}
	require.Equal(t, int64(2), syncs.Load(), "one sync for the first Update, one shared by the %d others", later)
}

// TestGroupCommitSyncFailure: when the sync fails, Update returns an error
// wrapping it (the commit happened but may not be durable), and later
// Updates succeed once syncs do.
func TestGroupCommitSyncFailure(t *testing.T) {
	t.Parallel()
	errDisk := errors.New("injected: disk on fire")
	var failing atomic.Bool
	opts := badgerstore.Options{Light: true, Durability: badgerstore.Sync}
	badgerstore.SetHooks(&opts, badgerstore.Hooks{
		Sync: func() error {
			if failing.Load() {
				return errDisk
			}
			return nil
		},
	})
	s := openStore(t, opts)

	failing.Store(true)
	err := s.Update(t.Context(), func(tx store.Txn) error { return tx.Set([]byte("k"), []byte("1")) })
	require.ErrorIs(t, err, errDisk)
	require.ErrorContains(t, err, "may or may not")
	v, err := get(t, s, "k")
	require.NoError(t, err, "the commit itself happened")
	require.Equal(t, "1", string(v))

	failing.Store(false)
	set(t, s, "k", []byte("2"))
}

// TestCloseWaitsForSyncingUpdate: Close while an Update waits for its sync
// lets the sync finish and the Update succeed, then stops the syncer
// (goleak in TestMain checks it is gone).
func TestCloseWaitsForSyncingUpdate(t *testing.T) {
	t.Parallel()
	syncing := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	opts := badgerstore.Options{Light: true, Durability: badgerstore.Sync}
	badgerstore.SetHooks(&opts, badgerstore.Hooks{
		Sync: func() error {
			once.Do(func() { close(syncing); <-release })
			return nil
		},
	})
	s, err := badgerstore.Open(t.TempDir(), &opts)
	require.NoError(t, err)
	updated := make(chan error, 1)
	go func() {
		updated <- s.Update(t.Context(), func(tx store.Txn) error { return tx.Set([]byte("k"), []byte("v")) })
	}()
	<-syncing
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		require.Failf(t, "Close returned while an Update waited for its sync", "Close: %v", err)
	case err := <-updated:
		require.Failf(t, "Update returned before its sync finished", "Update: %v", err)
	default:
	}
	close(release)
	require.NoError(t, <-updated)
	require.NoError(t, <-closed)
}
