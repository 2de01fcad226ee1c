// Package storetest is the conformance suite every [store.Store] backend
// passes, and the benchmarks they share. A backend proves the contract
// written in package store by running [Run] from its tests; it should need
// no other tests for the core semantics (backend-specific options,
// durability and error translation are its own business).
//
// # Using it
//
// In the backend's test package:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(tb testing.TB) store.Store {
//			s, err := mybackend.Open(tb.TempDir(), nil)
//			require.NoError(tb, err)
//			tb.Cleanup(func() { _ = s.Close() })
//			return s
//		})
//	}
//
//	func BenchmarkStore(b *testing.B) {
//		storetest.RunBenchmarks(b, func(tb testing.TB) store.Store { ... })
//	}
//
// The constructor must return a fresh, empty store every time it is called
// and register a tb.Cleanup that closes it, ignoring the error (some cases
// close the store themselves, so the second Close returns
// store.ErrClosed). It is called from many parallel subtests at once, each
// with its own store, so it must be safe for concurrent use and the stores
// should be light. Cases are named "<Group>/<Case>", so one group can be
// selected with go test -run 'TestConformance/Conflict/'.
//
// # What it checks
//
//   - CRUD: set, get, overwrite and delete round trips; Get of a missing key
//     is store.ErrNotFound; deleting a missing key is not an error; a nil
//     value is stored as an empty one; an Update reads its own pending sets
//     and deletes through Get and Scan.
//   - Keys: empty and too long keys are store.ErrInvalidKey for Get, Set and
//     Delete, without spoiling the transaction; a key of store.MaxKeySize
//     works; keys holding 0x00 and 0xff round-trip and sort bytewise.
//   - Ownership: the slice Get returns is the caller's; Set and Delete copy
//     their buffers, within the transaction and after commit.
//   - ReadOnly: Set and Delete in View are store.ErrReadOnly; View returns
//     its function's error.
//   - Scan: ascending and descending order; exact prefix bounds, with keys
//     just outside both ends and prefixes ending in 0xff; the empty prefix;
//     an inclusive Start in both directions, between keys and outside the
//     prefix range; paging 7 keys at a time forward (resuming at the last
//     key + 0x00) and backward; stopping early; merging pending writes.
//   - Limits: a 5 MB value round-trips; a transaction growing past the
//     backend's limit (up to 256 MiB of 1 KiB values) fails with
//     store.ErrTooLarge and writes nothing.
//   - Isolation: a View (read or not yet) holds the snapshot of its
//     beginning against a concurrent commit, for Get and Scan; so does an
//     Update, which then conflicts.
//   - Conflict: two read-modify-writes of one key, ordered or racing:
//     exactly one commits, the other gets store.ErrConflict; a key read as
//     missing, a key read then deleted, and keys visited by a forward or
//     reverse Scan all conflict; disjoint keys and blind writes do not.
//   - Rollback: fn's error discards the transaction and is returned.
//   - Context: a context done before or during Update commits nothing and
//     Update returns its error; a cancelled View returns context.Canceled.
//   - Close: later calls return store.ErrClosed, a second Close too; Close
//     waits for an Update in flight, which still commits.
//   - Concurrency: 16 goroutines × 1,000 store.UpdateRetry increments of one
//     key end at 16,000; a randomized bank (bbolt concurrent_test style) of
//     read-two-write-two transfers, audited by concurrent Views, conserves
//     its total in every snapshot and ends at the balances replayed from
//     the log of transfers whose Update returned nil.
//
// The suite's own tests run it on deliberately broken wrappers around
// memstore (one swallowing store.ErrConflict, one whose View reads without a
// snapshot) and check that the cases above fail there.
//
// # Errors
//
// Every error is matched with errors.Is against the store sentinels and
// the context errors; the suite never looks at error strings or backend
// error types.
//
// # Time
//
// Nothing depends on wall-clock time. Interleavings are forced with
// channels: a case pauses a transaction, commits another, then resumes
// the first. The only timed waits are store.Retry's backoffs inside
// store.UpdateRetry.
//
// # Concurrency
//
// Cases call t.Parallel and run concurrently, each on its own store; the
// concurrency cases run 16 goroutines on one store. Run them under -race.
// Those cases yield the processor (runtime.Gosched, never a sleep) between
// the reads and writes of some transactions, so that conflicts really
// happen even with GOMAXPROCS=1, and they log how many attempts
// store.UpdateRetry needed: at most DefaultRetryPolicy.MaxAttempts, or the
// case fails.
// Inside transactions and goroutines the suite uses testify's assert,
// never require, so a failure never abandons a transaction (which would
// make the cleanup's Close wait forever).
package storetest
