package badgerstore

import "context"

// Hooks are the test-only instrumentation points of a Store (see hooks).
type Hooks struct {
	// Sync replaces db.Sync in the group-commit syncer.
	Sync func() error
	// AfterCommit runs in Update after a successful Badger commit, before
	// the sync wait, with Update's context.
	AfterCommit func(ctx context.Context)
	// Joined runs after an Update joined a sync round.
	Joined func()
	// GCPass runs after each value-log GC pass with the error ending it.
	GCPass func(err error)
}

// SetHooks installs h in opts; Open passes them to the Store.
func SetHooks(opts *Options, h Hooks) {
	opts.hooks = hooks{sync: h.Sync, afterCommit: h.AfterCommit, joined: h.Joined, gcPass: h.GCPass}
}

// InterpretError exposes interpretError.
var InterpretError = interpretError

// Successor exposes successor.
var Successor = successor

// ChunkSize returns the size of the chunks s splits large values into (0:
// no chunking).
func ChunkSize(s *Store) int { return s.chunkSize }

// NewLogAdapter exposes newLogAdapter.
var NewLogAdapter = newLogAdapter
