package badgerstore

import (
	"context"
	"fmt"
	"sync/atomic"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/hearth-go/hearth/store"
)

// Store is a store.Store backed by Badger. Create it with Open; it is safe
// for concurrent use.
type Store struct {
	db    *badger.DB
	gate  *gate
	hooks hooks

	syncer *syncer // nil unless Sync durability on disk
	gc     *gcLoop // nil when disabled or in memory

	chunkSize int         // > 0 in memory: values larger are chunked
	maxValue  int64       // largest value Set accepts unchunked
	chunked   atomic.Bool // a chunked value was written
}

var _ store.Store = (*Store)(nil)

// Open opens (creating it if needed) the Badger database in dir, or an
// in-memory one when opts.InMemory is set (dir is then ignored and may be
// empty). A nil opts means the defaults: on disk, Crash durability.
//
// Only one Store may have a directory open at a time; Badger locks it.
func Open(dir string, opts *Options) (*Store, error) {
	o := opts.withDefaults()
	if err := o.validate(dir); err != nil {
		return nil, err
	}
	bo := o.badgerOptions(dir)
	db, err := badger.Open(bo)
	if err != nil {
		return nil, fmt.Errorf("badgerstore: open %q: %w", dir, err)
	}
	s := &Store{
		db:        db,
		gate:      newGate(),
		hooks:     o.hooks,
		chunkSize: chunkSizeFor(bo),
		maxValue:  maxValueSize(bo),
	}
	if o.Durability == Sync && !bo.InMemory {
		sync := db.Sync
		if o.hooks.sync != nil {
			sync = o.hooks.sync
		}
		s.syncer = newSyncer(sync, o.hooks.joined)
	}
	if o.GCInterval > 0 && !bo.InMemory {
		s.gc = startGC(db, o.GCInterval, o.hooks.gcPass)
	}
	return s, nil
}

// DB returns the underlying Badger database, for tools and benchmarks.
// Reading or writing it directly bypasses the store: keys are not
// namespaced, Close does not wait for such calls, and writes made through
// it get none of the store's durability (group commit) or validation.
// Never close it.
func (s *Store) DB() *badger.DB { return s.db }

// View implements store.Store.
func (s *Store) View(ctx context.Context, fn func(store.Txn) error) error {
	if !s.gate.enter() {
		return store.ErrClosed
	}
	defer s.gate.leave()
	if err := ctx.Err(); err != nil {
		return err
	}
	bt := s.db.NewTransaction(false)
	defer bt.Discard()
	t := &txn{s: s, bt: bt}
	defer func() { t.done = true }()
	return fn(t)
}

// Update implements store.Store. With Sync durability it returns after a
// sync that started after the commit; if that sync fails it returns an
// error although the commit happened (see the package documentation).
func (s *Store) Update(ctx context.Context, fn func(store.Txn) error) error {
	if !s.gate.enter() {
		return store.ErrClosed
	}
	defer s.gate.leave()
	if s.syncer == nil {
		_, err := s.update(ctx, fn)
		return err
	}
	// Announce the Update to the syncer, so that a sync starting while it
	// runs waits (briefly) for it to join; see groupcommit.go.
	s.syncer.begin()
	settled := false
	defer func() {
		if !settled { // fn panicked
			s.syncer.abort()
		}
	}()
	committed, err := s.update(ctx, fn)
	settled = true
	if !committed {
		s.syncer.abort()
		return err
	}
	return s.syncer.wait()
}

// update runs fn in a read-write transaction and commits it. committed
// reports whether something was written (and a sync is needed).
func (s *Store) update(ctx context.Context, fn func(store.Txn) error) (committed bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	bt := s.db.NewTransaction(true)
	defer bt.Discard()
	t := &txn{s: s, bt: bt, update: true}
	err = fn(t)
	t.done = true
	switch {
	case err != nil:
		return false, err
	case t.err != nil:
		return false, t.err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if !t.wrote {
		return false, nil // nothing to commit or make durable
	}
	if err := bt.Commit(); err != nil {
		return false, interpretError(err)
	}
	if s.hooks.afterCommit != nil {
		s.hooks.afterCommit(ctx)
	}
	return true, nil
}

// Close implements store.Store: it refuses new calls, waits for the
// transactions in flight, stops the value-log garbage collector and the
// group-commit syncer, and closes Badger, which flushes its memtables.
// It returns ErrClosed if the store is already closed (or closing).
func (s *Store) Close() error {
	if !s.gate.close() {
		return store.ErrClosed
	}
	if s.gc != nil {
		s.gc.stop()
	}
	if s.syncer != nil {
		s.syncer.close()
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("badgerstore: close: %w", err)
	}
	return nil
}
