// Package lock is Hearth's GS2-Lock: re-entrant mutexes with TTLs on a
// user's properties, plus what users of Redisson's RLock and etcd's
// concurrency.Mutex rely on and GS2 lacks — blocking acquisition, fencing
// tokens and lease handles that report their loss.
//
//	svc, _ := lock.New(st, &lock.Config{Clock: clk})
//	svc.CreateNamespace(ctx, lock.CreateNamespaceInput{Name: "game"})
//	m, err := svc.Lock(ctx, "game", userID, "wallet", txID, 30*time.Second) // TryLock
//	...
//	svc.Unlock(ctx, "game", userID, "wallet", txID)
//
// # GS2 methods
//
// Namespaces: CreateNamespace, GetNamespace, GetNamespaceStatus,
// UpdateNamespace, DeleteNamespace (deletes its mutexes in the same
// transaction), DescribeNamespaces. Mutexes: Lock, Unlock, GetMutex,
// DeleteMutex (GS2's deleteMutexByUserId, an admin force-delete) and
// DescribeMutexes (a user's mutexes, paged, from the older edition). GS2's
// access-token and ByUserId variants are one method each: Hearth takes the
// user ID, which the embedding server has authenticated. GetServiceVersion
// returns the module's version.
//
// Re-entrancy follows SEMANTICS.md: Lock by the holding transaction adds a
// reference and extends ttlAt to max(ttlAt, now + ttl); Lock by another
// transaction fails with ErrConflict; Unlock by the holder removes a
// reference and deletes the mutex at 0; Unlock by another transaction is
// ErrConflict; Unlock of a missing or expired mutex is ErrNotFound. The
// [Mutex] model adds ReferenceCount and FencingToken to GS2's fields.
//
// # Beyond GS2
//
// [Service.Acquire] waits for the mutex (fairly, in arrival order among the
// waiters of this process, woken by releases in this process or by the
// holder's ttlAt on the service clock — no polling) and returns a [Lease]:
// Unlock, Refresh, a Done channel closed when the lease is lost (expired,
// force-deleted, namespace deleted, unlocked, service stopped) and optional
// automatic renewal ([WithAutoRenew], Redisson's watchdog).
//
// Every free-to-held transition of a mutex gets a fencing token, strictly
// greater than all earlier ones for that namespace, user and property, also
// across expiry and restarts (the counter is its own key, kept when the
// mutex goes). Deleting the namespace or cleaning the user's data deletes
// the counters: tokens then start again from 1.
//
// # User data
//
// Dump, Clean and Import handle one user's mutexes synchronously with the
// versioned JSON envelope shared by the services (GS2 does this
// asynchronously through zip files; prepareImport and the check* methods
// have no counterpart). Import may restore under another user ID.
//
// # Errors
//
// Errors match [ErrInvalidArgument] (validation: the message names the
// field and the rule, e.g. "transactionId: longer than 256 characters"),
// [ErrNotFound], [ErrAlreadyExists] or [ErrConflict] with errors.Is, and are
// prefixed with the operation ("lock: unlock: ..."). A failed call changes
// nothing. Acquire returns ctx.Err() when its context ends and
// [ErrStopped] after Stop.
//
// # Time
//
// Timestamps are Unix milliseconds from Config.Clock. Every call takes
// "now" once, shifted by clock.WithOffset in its context (GS2's
// timeOffsetToken). A mutex with ttlAt <= now is absent for every read and
// write; the background sweep (Start/Stop, every Config.GCInterval) only
// reclaims its space. Waits in Acquire, lease expiry and renewal run on
// timers of the service clock, so a mock clock drives them in tests.
//
// # Concurrency
//
// A Service is safe for concurrent use, and so is a Lease. Each call is one
// store transaction, retried on conflict; each Lock and Unlock also reads
// the namespace record, so it conflicts with a concurrent namespace
// deletion instead of leaving orphans. Side effects (waking waiters,
// closing Done channels) happen after the commit. Several processes may
// share one store only if the store is shared (Badger is not); waiters are
// woken only by releases made through this Service.
package lock
