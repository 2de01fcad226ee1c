// Package memstore is an in-memory [store.Store]: the store for tests,
// examples and servers that need no durability.
//
// It is not a map under a lock. Like the Badger backend it is a
// multi-version store: every commit stamps the versions it writes with a new
// timestamp, every transaction reads the newest versions no later than the
// timestamp it began at — a consistent snapshot, however many commits land
// meanwhile — and an Update fails with [store.ErrConflict], writing nothing,
// when a key it read was written by a commit made after it began. The
// conformance suite in package storetest proves both. Versions no open
// transaction can read are pruned as commits go by, so memory follows the
// live data, not the history.
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
// held only for the conflict check and applying the writes; reads take the
// tree's lock for one lookup per Get, or per batch of a Scan (the callback
// runs without it), so transactions run their functions concurrently.
package memstore
