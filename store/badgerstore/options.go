package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// Durability says what a successful Update survives. See the package
// documentation for the details of each level.
type Durability int

const (
	// Crash (the default) makes a successful Update survive a crash of the
	// process, but not a crash of the machine or a power loss.
	Crash Durability = iota
	// Sync makes a successful Update survive a power loss: Update returns
	// only after a sync to stable storage that began after its commit.
	// Concurrent Updates share syncs (group commit).
	Sync
)

// String returns the name of the level.
func (d Durability) String() string {
	switch d {
	case Crash:
		return "Crash"
	case Sync:
		return "Sync"
	}
	return fmt.Sprintf("Durability(%d)", int(d))
}

// DefaultGCInterval is how often the value-log garbage collector runs when
// Options.GCInterval is zero.
const DefaultGCInterval = 5 * time.Minute

// Options configure Open. The zero value (or a nil *Options) is an on-disk
// store with Crash durability, Badger's default tuning and no logging.
type Options struct {
	// InMemory keeps everything in memory; nothing is written to disk and
	// the directory given to Open is ignored. Durability is then
	// irrelevant: the data lives until Close.
	InMemory bool

	// Durability is what a successful Update survives; Crash by default.
	Durability Durability

	// Logger receives Badger's own log lines (errors, warnings, progress at
	// open and close, compactions), at the matching slog level with the
	// attribute component=badger. Nil discards them.
	Logger *slog.Logger

	// Light selects small buffers and caches (an 8 MB memtable on disk,
	// no block cache, small value-log files, few goroutines), so that
	// dozens of stores fit in one test process. It still stores 5 MB
	// values. Throughput is lower than with the default tuning.
	Light bool

	// GCInterval is the period of the value-log garbage collector;
	// DefaultGCInterval when zero, disabled when negative. In-memory stores
	// have no value log and never run it.
	GCInterval time.Duration

	// Tune, if set, is applied last to the Badger options Open derived
	// from the fields above, to adjust anything else. Changing Dir,
	// InMemory, DetectConflicts, NumVersionsToKeep or the logger breaks
	// the store's guarantees.
	Tune func(badger.Options) badger.Options

	// hooks are test-only instrumentation points, set by export_test.go.
	hooks hooks
}

// hooks let tests observe and replace internal steps. All nil in
// production.
type hooks struct {
	// sync replaces db.Sync in the group-commit syncer.
	sync func() error
	// afterCommit runs in Update after the Badger commit succeeded and
	// before the Update waits for its sync; it gets Update's context.
	afterCommit func(ctx context.Context)
	// joined runs after an Update joined a sync round.
	joined func()
	// gcPass runs after each pass of the value-log garbage collector with
	// the error that ended it.
	gcPass func(err error)
}

// Light-preset sizes. The on-disk memtable is small because values of
// ValueThreshold bytes or more go to the value log and count only as a
// pointer toward the transaction size limit (15% of MemTableSize). In
// memory every value stays in the LSM tree, so the memtable must be large
// enough for a 5 MB value in one transaction: 48 MB gives a 7.2 MB limit.
const (
	lightMemTableSize      = 8 << 20
	lightValueThreshold    = 32 << 10
	lightValueLogFileSize  = 16 << 20
	lightInMemTableSize    = 48 << 20
	defaultInMemTableSize  = 64 << 20
	inMemoryValueThreshold = 1 << 20
)

// withDefaults returns a copy of o with zero fields replaced by defaults.
func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.GCInterval == 0 {
		r.GCInterval = DefaultGCInterval
	}
	return r
}

// validate checks the options Open was given.
func (o *Options) validate(dir string) error {
	switch o.Durability {
	case Crash, Sync:
	default:
		return fmt.Errorf("badgerstore: unknown durability %v", o.Durability)
	}
	if !o.InMemory && dir == "" {
		return errors.New("badgerstore: a directory is required unless InMemory is set")
	}
	return nil
}

// badgerOptions derives Badger's options from o.
func (o *Options) badgerOptions(dir string) badger.Options {
	var bo badger.Options
	if o.InMemory {
		bo = badger.DefaultOptions("").WithInMemory(true)
		// In memory Badger keeps every value in the LSM tree and refuses
		// values of ValueThreshold bytes or more; the store splits larger
		// values into chunks below it (see chunk.go).
		bo.ValueThreshold = inMemoryValueThreshold
		bo.MemTableSize = defaultInMemTableSize
	} else {
		bo = badger.DefaultOptions(dir)
	}
	bo.SyncWrites = false // Sync durability is group commit, see groupcommit.go
	bo.DetectConflicts = true
	bo.NumVersionsToKeep = 1
	bo.Logger = nil
	if o.Logger != nil {
		bo.Logger = newLogAdapter(o.Logger)
	}
	if o.Light {
		bo = lightOptions(bo)
	}
	if o.Tune != nil {
		bo = o.Tune(bo)
	}
	return bo
}

// lightOptions shrinks bo for many small stores in one process.
func lightOptions(bo badger.Options) badger.Options {
	bo.NumMemtables = 2
	bo.BlockCacheSize = 0
	bo.IndexCacheSize = 0
	bo.Compression = options.None // Badger requires a block cache for compression
	bo.BaseTableSize = 1 << 20
	bo.BaseLevelSize = 4 << 20
	bo.NumLevelZeroTables = 2
	bo.NumCompactors = 2
	bo.NumGoroutines = 2
	bo.MetricsEnabled = false
	if bo.InMemory {
		bo.MemTableSize = lightInMemTableSize
	} else {
		bo.MemTableSize = lightMemTableSize
		bo.ValueThreshold = lightValueThreshold
		bo.ValueLogFileSize = lightValueLogFileSize
	}
	return bo
}
