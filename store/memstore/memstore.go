package memstore

import (
	"context"
	"hash/maphash"
	"slices"
	"sync"

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
//
// Every key holds a short chain of versions stamped with the commit
// timestamp that wrote them; a transaction reads, for each key, the newest
// version no later than its read timestamp. Versions that no open
// transaction can read any more are pruned as commits go by.
type Store struct {
	maxTxnBytes int64
	seed        maphash.Seed // for key fingerprints in conflict checks
	pool        sync.Pool    // of *txn

	// closeMu is held shared by every transaction and exclusively by
	// Close, so Close waits for transactions in flight.
	closeMu sync.RWMutex
	closed  bool

	// treeMu guards the tree and the version chains in it. It is held for
	// one map lookup per Get and for a commit's writes, so briefly that a
	// plain mutex beats a read-write one: with sixteen goroutines on two
	// cores, readers parked behind each waiting commit and the lock
	// service's lock+unlock pairs ran 48% slower with sync.RWMutex.
	treeMu sync.Mutex
	tree   *btree.BTreeG[*entry] // for ordered scans
	index  map[string]*entry     // the same entries, for point lookups

	// mu is the oracle: it serializes commits and guards the timestamps.
	mu        sync.Mutex
	ts        uint64         // timestamp of the latest commit: new transactions read at it
	active    readers        // read timestamps of open transactions
	committed []commitRecord // commits that open Updates may conflict with
	garbage   []garbage      // entries holding versions that may become unreadable
}

var _ store.Store = (*Store)(nil)

// entry is one key and its versions, oldest first.
type entry struct {
	key      string
	versions []version
}

// version is a value (or a deletion) committed at ts. Its bytes are never
// modified once committed.
type version struct {
	ts  uint64
	val []byte
	del bool
}

// at returns the version of e visible at readTs.
func (e *entry) at(readTs uint64) (version, bool) {
	for i := len(e.versions) - 1; i >= 0; i-- {
		if v := e.versions[i]; v.ts <= readTs {
			return v, !v.del
		}
	}
	return version{}, false
}

func lessEntry(a, b *entry) bool { return a.key < b.key }

// commitRecord remembers which keys a commit wrote, as sorted 64-bit
// fingerprints, for conflict checks. A fingerprint collision can only
// cause a spurious conflict (a retry), never a missed one. A commit of a
// single key keeps its fingerprint inline.
type commitRecord struct {
	ts  uint64
	one uint64
	fps []uint64 // nil when the commit wrote exactly one key (one)
}

func (c *commitRecord) wrote(fp uint64) bool {
	if c.fps == nil {
		return c.one == fp
	}
	_, found := slices.BinarySearch(c.fps, fp)
	return found
}

// garbage notes that e got a new version at ts: once no open transaction
// reads below ts, e's older versions can go.
type garbage struct {
	ts uint64
	e  *entry
}

// New returns an empty Store. A nil opts means the defaults.
func New(opts *Options) *Store {
	s := &Store{
		maxTxnBytes: DefaultMaxTxnBytes,
		seed:        maphash.MakeSeed(),
		// The tree's own lock is replaced by treeMu, which also covers
		// the version chains.
		tree:  btree.NewBTreeGOptions(lessEntry, btree.Options{NoLocks: true}),
		index: make(map[string]*entry),
	}
	if opts != nil && opts.MaxTxnBytes > 0 {
		s.maxTxnBytes = opts.MaxTxnBytes
	}
	s.pool.New = func() any { return &txn{s: s} }
	return s
}

// View runs fn in a read-only transaction over the latest committed state.
func (s *Store) View(ctx context.Context, fn func(store.Txn) error) error {
	return s.run(ctx, false, fn)
}

// Update runs fn in a read-write transaction and commits it if fn returns
// nil; see store.Store.
func (s *Store) Update(ctx context.Context, fn func(store.Txn) error) error {
	return s.run(ctx, true, fn)
}

func (s *Store) run(ctx context.Context, update bool, fn func(store.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	t := s.begin(update)
	defer s.end(t)
	if err := fn(t); err != nil {
		return err
	}
	if !update {
		return nil
	}
	if t.tooLarge {
		return store.ErrTooLarge
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.commit(t)
}

// begin opens a transaction at the latest commit and registers its read
// timestamp, so that the versions it reads are kept and, for an Update, the
// commits made after it are kept for its conflict check.
func (s *Store) begin(update bool) *txn {
	t := s.pool.Get().(*txn)
	t.update = update
	s.mu.Lock()
	t.readTs = s.ts
	s.active.add(t.readTs)
	s.mu.Unlock()
	return t
}

// end unregisters t (unless its commit did) and recycles it.
func (s *Store) end(t *txn) {
	if !t.done {
		s.mu.Lock()
		s.releaseLocked(t.readTs)
		s.mu.Unlock()
	}
	t.reset()
	s.pool.Put(t)
}

// releaseLocked unregisters a read timestamp. s.mu held.
func (s *Store) releaseLocked(readTs uint64) {
	s.active.remove(readTs)
}

// commit checks t's reads against the commits made since t began and, if
// none wrote a key t read, applies t's writes as versions at a new
// timestamp, then makes that timestamp visible to new transactions.
func (s *Store) commit(t *txn) error {
	if len(t.writes) == 0 {
		return nil // nothing to write: a read-only Update always commits
	}
	rec := commitRecord{}
	if len(t.writes) == 1 {
		rec.one = maphash.String(s.seed, t.writes[0].key)
	} else {
		rec.fps = make([]uint64, len(t.writes))
		for i, w := range t.writes {
			rec.fps[i] = maphash.String(s.seed, w.key)
		}
		slices.Sort(rec.fps)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.releaseLocked(t.readTs)
	t.done = true
	for i := len(s.committed) - 1; i >= 0 && s.committed[i].ts > t.readTs; i-- {
		for _, fp := range t.reads {
			if s.committed[i].wrote(fp) {
				return store.ErrConflict
			}
		}
	}

	ts := s.ts + 1
	// The horizon is the oldest timestamp anyone will read at from now on:
	// the oldest open transaction's, or this commit's if none is open.
	horizon := ts
	if !s.active.empty() {
		horizon = s.active.oldest()
	}
	s.treeMu.Lock()
	for _, w := range t.writes {
		e, ok := s.index[w.key]
		if !ok {
			if w.del {
				continue // deleting a key that has no versions at all
			}
			e = &entry{key: w.key}
			s.tree.Set(e)
			s.index[w.key] = e
		}
		e.versions = append(e.versions, version{ts: ts, val: w.val, del: w.del})
		s.garbage = append(s.garbage, garbage{ts: ts, e: e})
	}
	if len(s.garbage) >= collectEvery || s.active.empty() {
		s.collectLocked(horizon)
	}
	s.treeMu.Unlock()

	s.ts = ts // from here on, new transactions see the commit
	rec.ts = ts
	s.committed = append(s.committed, rec)
	s.pruneCommitsLocked(horizon)
	return nil
}

// collectEvery is how much garbage waits, while transactions are open,
// before a commit collects it: collecting in batches keeps the commit's
// critical section short under concurrency. With no transaction open a
// commit collects at once.
const collectEvery = 64

// collectLocked drops the versions no transaction can read any more: for
// each entry noted as garbage at or before oldest, every version older than
// the newest one at or before oldest; an entry left with only a deletion is
// removed. s.mu and s.treeMu held.
func (s *Store) collectLocked(oldest uint64) {
	n := 0
	for ; n < len(s.garbage) && s.garbage[n].ts <= oldest; n++ {
		e := s.garbage[n].e
		keep := 0
		for i, v := range e.versions {
			if v.ts <= oldest {
				keep = i
			}
		}
		if keep > 0 {
			e.versions = append(e.versions[:0], e.versions[keep:]...)
			clear(e.versions[len(e.versions):cap(e.versions)][:keep])
		}
		if len(e.versions) == 1 && e.versions[0].del && e.versions[0].ts <= oldest {
			if cur, ok := s.index[e.key]; ok && cur == e {
				s.tree.Delete(e)
				delete(s.index, e.key)
			}
			e.versions = nil
		}
	}
	s.garbage = dropFront(s.garbage, n)
}

// pruneCommitsLocked drops commit records that no open Update can conflict
// with: those at or before the oldest open read timestamp. s.mu held.
func (s *Store) pruneCommitsLocked(oldest uint64) {
	n := 0
	for n < len(s.committed) && s.committed[n].ts <= oldest {
		n++
	}
	s.committed = dropFront(s.committed, n)
}

// dropFront removes the first n elements of a queue. A short remainder is
// moved to the front, so that a queue that keeps draining reuses its array
// instead of reallocating on every append.
func dropFront[T any](q []T, n int) []T {
	if n == 0 {
		return q
	}
	if rest := len(q) - n; rest <= 64 {
		copy(q, q[n:])
		clear(q[rest:])
		return q[:rest]
	}
	clear(q[:n])
	return q[n:]
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
	s.treeMu.Lock()
	s.tree.Clear()
	clear(s.index)
	s.committed, s.garbage = nil, nil
	s.treeMu.Unlock()
	s.mu.Unlock()
	return nil
}

// BatchUpdates implements store.Batching: a memstore commit costs about as
// much as handing an operation to another goroutine, so services run each
// update on its own.
func (s *Store) BatchUpdates() bool { return false }
