// Package store is the storage contract every Hearth service is written
// against: a transactional, ordered key-value [Store] with serializable
// read-write transactions. It holds the contract only; the backends are
// memstore (in memory) and badgerstore (Badger, on disk), and the
// conformance suite in storetest is what makes a backend a backend.
//
// Like database/sql's driver split, the services see only this small
// interface; capabilities beyond it belong in optional interfaces a backend
// may also implement, never in changes to Store.
//
// # Transactions
//
// [Store.View] runs a function over a consistent snapshot. [Store.Update]
// runs a function that reads and writes, and commits its writes only if no
// other transaction committed a write to a key it read since it began
// (otherwise [ErrConflict]); so each service call that changes state is
// exactly one Update, and it happens entirely or not at all. [Retry] and
// [UpdateRetry] repeat a conflicting transaction with jittered backoff.
//
// # Keys and values
//
// Keys are arbitrary non-empty byte strings up to [MaxKeySize], ordered
// bytewise; [Txn.Scan] lists the keys under a prefix in order, from a start
// key, forwards or backwards, which is how services page through records.
// Services build keys with an order-preserving tuple encoding so that user
// input can never make two keys collide.
//
// Ownership: Get returns a copy the caller owns; Set copies what it is
// given; the slices Scan passes to its callback are borrowed until the
// callback returns.
//
// # Errors
//
// Backends return errors that match the sentinels of this package with
// errors.Is ([ErrNotFound], [ErrConflict], [ErrClosed], [ErrTooLarge],
// [ErrReadOnly], [ErrInvalidKey]) and translate their own errors into them.
// An error returned by the function given to View or Update is returned
// unchanged, and Update then writes nothing.
//
// # Time
//
// Stores know nothing of time: there is no TTL. Expiry is domain logic in
// the services, on their injected clock. Retry's backoff waits on the wall
// clock, because it is about contention, not about domain time.
//
// # Concurrency
//
// A Store is safe for concurrent use; a Txn belongs to the goroutine that
// runs the transaction's function.
package store
