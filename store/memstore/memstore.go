package memstore

import (
	"context"
	"hash/maphash"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/tidwall/btree"

	"github.com/hearth-go/hearth/store"
)

// DefaultMaxTxnBytes is the default limit on the keys and values one
// transaction may write.
const DefaultMaxTxnBytes = 64 << 20

// Options tune a Store. The zero value is valid.
type Options struct {
	// MaxTxnBytes limits the total size of the keys and values a single
	// Update may write; beyond it Set returns store.ErrTooLarge. Zero means
	// DefaultMaxTxnBytes.
	MaxTxnBytes int64
}

// Store is an in-memory store.Store with snapshot isolation and per-key
// conflict detection, the semantics of the Badger backend.
type Store struct {
	maxTxnBytes int64
	seed        maphash.Seed // for key fingerprints in conflict checks

	// closeMu is held shared by every transaction and exclusively by
	// Close, so Close waits for transactions in flight.
	closeMu sync.RWMutex
	closed  bool

	// snap is the latest committed state, published after every commit.
	// Its tree is never modified again.
	snap atomic.Pointer[snapshot]

	mu        sync.Mutex          // serializes commits; guards the fields below
	master    *btree.BTreeG[item] // the writable tree; only commits touch it
	ts        uint64              // commit timestamp of the latest commit
	committed []commitRecord      // recent commits that open transactions may conflict with
	active    map[uint64]int      // read timestamps of open Update transactions
}

var _ store.Store = (*Store)(nil)

// item is one key and its committed value; committed values are never
// modified.
type item struct {
	key string
	val []byte
}

func lessItem(a, b item) bool { return a.key < b.key }

// snapshot is an immutable view of the store at commit timestamp ts.
type snapshot struct {
	tree *btree.BTreeG[item]
	ts   uint64
}

// commitRecord remembers which keys a commit wrote, as sorted 64-bit
// fingerprints, for conflict checks. A fingerprint collision can only
// cause a spurious conflict (a retry), never a missed one.
type commitRecord struct {
	ts  uint64
	fps []uint64
}

// New returns an empty Store. A nil opts means the defaults.
func New(opts *Options) *Store {
	s := &Store{
		maxTxnBytes: DefaultMaxTxnBytes,
		// The tree is only touched under mu or read-only through
		// snapshots, so its own lock is not needed. A modest degree keeps
		// the copy-on-write clone of a node cheap on every commit.
		master: btree.NewBTreeGOptions(lessItem, btree.Options{NoLocks: true, Degree: 16}),
		active: make(map[uint64]int),
		seed:   maphash.MakeSeed(),
	}
	if opts != nil && opts.MaxTxnBytes > 0 {
		s.maxTxnBytes = opts.MaxTxnBytes
	}
	s.snap.Store(&snapshot{tree: s.master.Copy()})
	return s
}

// View runs fn in a read-only transaction over the latest committed state.
func (s *Store) View(ctx context.Context, fn func(store.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	t := &txn{s: s, snap: s.snap.Load()}
	defer t.finish()
	return fn(t)
}

// Update runs fn in a read-write transaction and commits it if fn returns
// nil; see store.Store.
func (s *Store) Update(ctx context.Context, fn func(store.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	t := s.begin()
	defer t.finish()
	if err := fn(t); err != nil {
		return err
	}
	if t.tooLarge {
		return store.ErrTooLarge
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.commit(t)
}

// begin opens an Update transaction on the latest snapshot and registers
// its read timestamp, so that commits made after it are kept for its
// conflict check.
func (s *Store) begin() *txn {
	s.mu.Lock()
	snap := s.snap.Load()
	s.active[snap.ts]++
	s.mu.Unlock()
	t := &txn{s: s, snap: snap, update: true}
	t.reads = t.readsBuf[:0]
	t.writes = t.writesBuf[:0]
	return t
}

// release unregisters an Update transaction's read timestamp. s.mu held.
func (s *Store) releaseLocked(readTs uint64) {
	if s.active[readTs]--; s.active[readTs] <= 0 {
		delete(s.active, readTs)
	}
	s.pruneLocked()
}

// pruneLocked drops commit records that no open transaction can conflict
// with: those at or before the oldest open read timestamp. s.mu held.
func (s *Store) pruneLocked() {
	if len(s.committed) == 0 {
		return
	}
	oldest := s.ts
	for readTs := range s.active {
		oldest = min(oldest, readTs)
	}
	n := 0
	for n < len(s.committed) && s.committed[n].ts <= oldest {
		n++
	}
	if n > 0 {
		clear(s.committed[:n])
		s.committed = s.committed[n:]
	}
}

// commit checks t's reads against the commits made since t began and, if
// none wrote a key t read, applies t's writes and publishes a new snapshot.
func (s *Store) commit(t *txn) error {
	if len(t.writes) == 0 {
		return nil // nothing to write: a read-only Update always commits
	}
	// The fingerprints live in the txn's own storage when they fit; the
	// commit record then keeps the txn alive, which is cheaper than a
	// second allocation.
	fps := t.fpsBuf[:0]
	for _, w := range t.writes {
		fps = append(fps, maphash.String(s.seed, w.key))
	}
	slices.Sort(fps)
	s.mu.Lock()
	defer s.mu.Unlock()
	defer t.finishLocked()
	for i := len(s.committed) - 1; i >= 0 && s.committed[i].ts > t.snap.ts; i-- {
		written := s.committed[i].fps
		for _, fp := range t.reads {
			if _, found := slices.BinarySearch(written, fp); found {
				return store.ErrConflict
			}
		}
	}
	for _, w := range t.writes {
		if w.del {
			s.master.Delete(item{key: w.key})
		} else {
			s.master.Set(item{key: w.key, val: w.val})
		}
	}
	s.ts++
	s.committed = append(s.committed, commitRecord{ts: s.ts, fps: fps})
	s.snap.Store(&snapshot{tree: s.master.Copy(), ts: s.ts})
	return nil
}

// Close releases the store's memory. It waits for transactions in flight.
func (s *Store) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return store.ErrClosed
	}
	s.closed = true
	s.mu.Lock()
	s.master = nil
	s.committed = nil
	s.snap.Store(&snapshot{})
	s.mu.Unlock()
	return nil
}
