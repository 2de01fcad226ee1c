// Package memstore is an in-memory [store.Store]: the store for tests,
// examples and servers that need no durability.
//
// It is not a map under a lock. Like the Badger backend it gives every
// transaction a consistent snapshot (a copy-on-write B-tree published after
// each commit, so readers never block writers or each other) and detects
// conflicts per key read: an Update whose read keys were written by a commit
// made after it began fails with [store.ErrConflict] and writes nothing.
// The conformance suite in package storetest proves both.
//
// # Errors
//
// Only the store sentinels are returned: [store.ErrNotFound],
// [store.ErrConflict], [store.ErrClosed], [store.ErrTooLarge] (an Update
// writing more than Options.MaxTxnBytes), [store.ErrReadOnly] and
// [store.ErrInvalidKey].
//
// # Durability
//
// None: the data lives as long as the Store value. Close releases it.
//
// # Concurrency
//
// A Store is safe for concurrent use. Commits are serialized by one mutex
// held only for the conflict check and the tree update; transactions run
// their functions concurrently.
package memstore
