package jobqueue

import (
	"context"
	"errors"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/store"
)

// Run runs the job at the head of userID's queue once, in the caller's
// goroutine, and returns it with the attempt's result (GS2's
// runByUserId). The attempt follows the retry rules: success removes the
// job; a retryable failure with tries left keeps it at the head with
// currentRetryCount + 1 (Config.Backoff does not delay a manual Run); any
// other failure moves it to the dead letters. The run notification is sent
// after the attempt commits.
//
// An empty queue, or a namespace whose jobs run automatically, returns no
// job and IsLastJob true. If a job of the user is already running (another
// Run in flight), Run returns an error matching ErrConflict.
//
// The handler gets ctx. If ctx ends while the handler runs, the attempt
// still records whatever the handler returns.
func (s *Service) Run(ctx context.Context, namespaceName, userID string) (*RunResult, error) {
	const op = "run"
	u := userKey{ns: namespaceName, user: userID}
	if err := checkUserKey(u); err != nil {
		return nil, wrap(op, err)
	}
	a := &attempt{u: u}
	nowMs := clock.Millis(clock.Now(ctx, s.clock))
	err := s.batch.Do(ctx, func(txn store.Txn) error {
		return s.beginTxn(txn, a, nowMs, false, nil)
	})
	switch {
	case errors.Is(err, errEmpty), errors.Is(err, errAutoRun):
		return &RunResult{IsLastJob: true}, nil
	case errors.Is(err, errBusy):
		return nil, wrap(op, errs.Conflict("a job of user %q is running", u.user))
	case err != nil:
		return nil, wrap(op, err)
	}
	s.events.emit(Event{Kind: EventStarted, Namespace: u.ns, UserID: u.user, JobName: a.name, TryNumber: a.try, At: nowMs})

	s.execute(ctx, a)
	// The attempt's outcome is recorded even if ctx has ended: the handler
	// ran, and its result must not be lost.
	fctx := context.WithoutCancel(ctx)
	if err := s.batch.Do(fctx, func(txn store.Txn) error { return s.finishTxn(txn, a) }); err != nil {
		return nil, wrap(op, err)
	}
	if a.outcome == outcomeStale {
		// Someone closed the attempt while the handler ran (a Service
		// starting on the same store recorded it as interrupted, or Clean
		// or DeleteNamespace removed the queue): the result was not kept.
		return nil, wrap(op, errs.Conflict("the attempt of job %q (try %d) was closed while it ran; its result was not recorded", a.name, a.try))
	}
	s.afterFinish(fctx, a)
	job := s.toJob(u, a.job)
	return &RunResult{
		Job:       &job,
		Result:    &JobResultBody{TryNumber: a.try, StatusCode: a.status, Result: a.result, TryAt: a.tryAt},
		IsLastJob: a.isLast,
	}, nil
}
