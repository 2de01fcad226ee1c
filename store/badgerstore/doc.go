// Package badgerstore is the [store.Store] backed by Badger
// (github.com/dgraph-io/badger/v4), the default for real deployments. It
// passes the conformance suite in storetest, on disk and in memory.
//
// Open a directory, or an in-memory store for tests:
//
//	s, err := badgerstore.Open("/var/lib/game/store", nil)
//	s, err := badgerstore.Open("", &badgerstore.Options{InMemory: true, Light: true})
//
// Transactions are Badger's: Update is serializable per key read, because
// Badger records every key a transaction reads (by Get, found or not, and
// every key Scan visits) and refuses the commit if another transaction
// committed a write to one of them since this one began.
//
// # Durability
//
// [Crash], the default, runs Badger with SyncWrites off: a commit is
// written to Badger's memory-mapped write-ahead and value logs, so it is in
// the operating system's page cache when Update returns. A successful
// Update survives the crash or kill -9 of the process, but not a crash of
// the machine or a power loss, which can lose the last few seconds of
// commits (the kernel writes dirty pages back on its own schedule).
//
// [Sync] makes a successful Update survive a power loss too. It is
// implemented as group commit: Update commits without syncing, then waits
// for a sync of Badger's logs (db.Sync) that started after its commit. One
// goroutine runs the syncs; every Update that commits while a sync is
// running joins the next one, and before starting a sync the syncer waits
// (at most a millisecond) for the Updates already running to commit and
// join, so under concurrency one fsync serves many transactions. With 16
// writers this gives four to five times the throughput of Badger's own
// SyncWrites, with the same guarantee; a lone writer pays one sync per
// Update, as with SyncWrites.
//
// With Sync, a commit is visible to other transactions before it is
// durable (its Update has not returned yet). An Update that read it and
// wrote something waits for a later sync, which covers both; a View, or an
// Update that writes nothing, does not wait, so what it saw may be lost
// if the machine fails before that writer's sync completes. If the sync
// fails, Update returns an error even though the commit happened: the
// write is visible, and it may or may not survive a power loss. Such an
// error means the disk is failing; retrying the Update does not help.
//
// In-memory stores keep nothing after Close; Durability does not apply.
//
// # Errors
//
// Badger's errors are translated into the store's sentinels, matched with
// errors.Is: a missing key is [store.ErrNotFound], a conflicting commit
// [store.ErrConflict], a transaction over Badger's size limit (15% of the
// memtable size, roughly 9.6 MB with the default tuning and 1.2 MB on disk
// with the light preset, where values of 32 kB or more count only as a
// pointer) or a value larger than a value-log file [store.ErrTooLarge],
// Set or Delete in View [store.ErrReadOnly], and every call after Close
// [store.ErrClosed]. Once a Set or Delete failed with ErrTooLarge, the
// transaction cannot commit: Update returns that error even if its function
// returns nil. Errors with no sentinel are wrapped with the prefix
// "badgerstore:".
//
// # Keys and values
//
// Each key is stored in Badger behind a one-byte namespace prefix, so any
// binary key is allowed and none can collide with Badger's internal
// "!badger!" keys. Values of up to 5 MB and more are stored: on disk, large
// values go to Badger's value log; in memory, where Badger refuses values
// of 1 MB or more, the store splits them into chunks stored under keys of
// their own, written and deleted with the value in the same transaction.
//
// # Time
//
// The store reads no clock for its data: Badger's TTLs are never used, as
// expiry is domain logic. The value-log garbage collector runs every
// [Options.GCInterval] of wall-clock time (5 minutes by default) and
// rewrites value-log files that are at least half garbage.
//
// # Concurrency
//
// A Store is safe for concurrent use. Transactions run concurrently;
// conflicts are detected at commit. Close waits for the transactions in
// flight; a transaction may start another (a View inside an Update) and,
// if Close began meanwhile, the inner one gets ErrClosed instead of
// blocking.
//
// # Light preset
//
// [Options.Light] selects small memory footprints for tests and for
// processes holding dozens of stores: an 8 MB memtable (48 MB in memory,
// about the smallest whose transaction limit takes a 5 MB value), two
// memtables, no block or index cache, no compression, 1 MB tables, 16 MB
// value-log files, two compactors and few goroutines. Thirty light stores
// open at once use a few tens of MB of resident memory while nearly empty.
// [Options.Tune] adjusts anything else.
//
// # Close
//
// Close refuses new calls (they return ErrClosed), waits for the
// transactions in flight (and, with Sync, for their syncs), stops the
// value-log garbage collector and the group-commit syncer, and closes
// Badger, which flushes its memtables and releases the directory lock.
// A second Close returns ErrClosed. [Store.DB] gives access to the
// underlying Badger database for tools and benchmarks; using it bypasses
// all of the above.
package badgerstore
