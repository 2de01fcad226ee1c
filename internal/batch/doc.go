// Package batch runs many small read-modify-write operations of a service
// in shared store transactions: group commit at the service level.
//
// A store transaction has a fixed cost that dwarfs the work of a typical
// service call — opening it at a read timestamp, the commit's conflict
// check, the Badger writer goroutine and, with Sync durability, an fsync.
// A Batcher queues the operations that arrive while a transaction is in
// flight and runs them, in arrival order, inside the next one, so that
// sixteen concurrent Lock calls cost one commit instead of sixteen. An
// operation that arrives when nothing is in flight runs at once, alone:
// batching adds no latency to an idle service.
//
// # Operations
//
// An operation is a func(store.Txn) error, like the function given to
// store.Store.Update, with two extra rules that let several of them share a
// transaction:
//
//   - It may run more than once (a conflicting batch is retried), and must
//     reset whatever it records about its outcome each time it starts.
//   - It reads, decides, then writes. An error it returns before its first
//     Set or Delete is its own outcome: it wrote nothing, so the other
//     operations of the batch go on and commit without it. An error after a
//     write would leave part of it in the shared transaction, so the batch
//     is abandoned and every operation in it runs again in a transaction of
//     its own, where the error rolls back only that operation.
//
// Operations of one batch see each other's writes, exactly as if they had
// run one after the other: the batch is serializable because each of its
// operations is.
//
// # Errors and cancellation
//
// Do returns the operation's error, or the commit's: every operation of a
// batch that failed to commit gets that error, after the batch has been
// retried on store.ErrConflict like store.UpdateRetry does. A context that
// ends while its operation waits in the queue returns ctx.Err() without
// running it; once the operation's batch has started, Do waits for the
// outcome, so a caller never gives up on a write that then commits.
package batch
