// Package jobqueue is Hearth's GS2-JobQueue: a per-user FIFO queue of jobs
// run by registered Go handlers, with every attempt on record, retries up
// to maxTryCount, dead letters, and optional background execution
// (auto-run) that survives crashes.
//
// # Model
//
// A job is pushed to a user's queue in a namespace and names a script,
// registered with Register. Jobs of one user run strictly in push order,
// one at a time; jobs of different users run in parallel. Each attempt
// records a JobResult (try numbers from 0). A 2xx status is success and
// removes the job; a 5xx, 408 or 429 is retried — the job stays at the
// head with CurrentRetryCount + 1 — until maxTryCount attempts were made;
// any other failure, or the last try, moves the job to the user's dead
// letters with every result, from where it can be re-queued.
//
// Run (GS2's runByUserId) runs the head job in the caller's goroutine. A
// namespace with EnableAutoRun instead runs its jobs on the service's
// workers, started by Start: pushes wake them (no polling), a failed job
// may wait a backoff (Config.Backoff) without holding a worker, and Run
// returns no job there.
//
// # At least once
//
// A job runs at least once, not exactly once. Each transition is one store
// transaction: marking the attempt running, then recording its result and
// the retry decision. If the process dies in between, Start finds the
// attempt running and records it as interrupted (status 500, a try), and
// the job runs again by the usual rules — even if its handler had
// finished. Handlers that change the world should be idempotent: Job
// carries the job's GRN and name and its try number (CurrentRetryCount).
// One Service runs the jobs of a store: Start treats every running attempt
// it finds as interrupted.
//
// # Dead letters and user data
//
// A dead letter keeps the job's script, args, maxTryCount and every
// attempt's result. DescribeDeadLetterJobs, GetDeadLetterJob and
// DeleteDeadLetterJob manage them; RequeueDeadLetterJob removes one and
// pushes a new job with the same script and args at the tail of the
// queue, in one transaction. Dump, Clean and Import handle one user's
// jobs, results and dead letters synchronously (GS2 does it through zip
// files; prepareImport and the check* methods have no counterpart).
// Results are kept for Config.ResultRetention and deleted by the sweep
// Start runs.
//
// # Notifications and events
//
// After a push to a namespace without auto-run, the user is notified with
// Gs2JobQueue:Push, and after every attempt with
// Gs2JobQueue:RunNotification (payloads as in SEMANTICS.md), through
// Config.Notifier — *gateway.Service satisfies it. Notifications are sent
// after the commit; a failure is logged and changes nothing. Subscribe
// streams the same transitions as Events for metrics and tests.
//
// # Errors
//
// Errors caused by the request match one of ErrInvalidArgument (naming the
// field), ErrNotFound, ErrAlreadyExists or ErrConflict (a Run while a job
// of the user runs). A failed call changes nothing.
//
// # Time
//
// Timestamps come from Config.Clock shifted by clock.WithOffset in the
// call's context. Backoff and result retention run on the same clock, so
// tests drive them with clock.NewMock.
//
// # Concurrency
//
// A Service is safe for concurrent use. Transitions of one user's queue
// serialize on its queue head record; concurrent calls for different users
// share store transactions when the store batches (see internal/batch).
package jobqueue
