package jobqueue

import (
	"context"
	"errors"
	"fmt"

	"github.com/hearth-go/hearth/store"
)

// Start recovers from a previous process and starts the background work:
//
//   - Every attempt found running (its process died mid-job) is recorded
//     as interrupted — a JobResult with status 500 and result
//     "interrupted", counted as a try — and the retry rules apply.
//   - The auto-run workers start, and every user with queued jobs in an
//     auto-run namespace is woken.
//   - The retention sweep deletes expired results every GCInterval.
//
// Only one Service may run jobs on a store at a time: Start treats every
// attempt it finds running as interrupted. Start returns once recovery is
// done; Start after Start, or after Stop, returns an error.
func (s *Service) Start(ctx context.Context) error {
	sc := s.sched
	sc.mu.Lock()
	switch {
	case sc.stopped:
		sc.mu.Unlock()
		return ErrStopped
	case sc.started:
		sc.mu.Unlock()
		return errors.New("jobqueue: already started")
	}
	// Claim the start now, so that a concurrent Start fails; a failed
	// recovery gives the claim back.
	sc.started = true
	sc.mu.Unlock()

	users, err := s.recoverAndList(ctx)
	if err != nil {
		sc.mu.Lock()
		sc.started = false
		sc.mu.Unlock()
		return wrap("start", err)
	}
	if !sc.start(ctx) {
		return ErrStopped // Stop ran during recovery
	}
	for _, u := range users {
		sc.wake(u) // a user of a manual namespace is dropped by its worker
	}
	s.startSweep(ctx)
	return nil
}

// recoverAndList runs recovery and lists the users with queued jobs.
func (s *Service) recoverAndList(ctx context.Context) ([]userKey, error) {
	if err := s.recover(ctx); err != nil {
		return nil, err
	}
	return s.queuedUsers(ctx, allMetaPrefix)
}

// Stop stops the workers: none takes a new job, and Stop waits for the
// attempts in flight to finish and record their results. If ctx ends
// first, the handlers' context is cancelled, their attempts are recorded as
// interrupted (a failed try, as after a crash; a result the handler
// returns later is dropped), and Stop returns ctx's error. Run and the
// other methods keep working after Stop.
func (s *Service) Stop(ctx context.Context) error {
	sc := s.sched
	sc.mu.Lock()
	if sc.stopped {
		sc.mu.Unlock()
		return nil
	}
	sc.stopped = true
	started := sc.started
	for u, t := range sc.timers {
		t.Stop()
		delete(sc.timers, u)
	}
	sc.cond.Broadcast()
	sc.mu.Unlock()
	s.stopSweep()
	if !started {
		return nil
	}

	finished := make(chan struct{})
	go func() {
		sc.wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		sc.cancelHandlers()
		return nil
	case <-ctx.Done():
	}
	// Cancel the handlers first: a worker that registers its attempt after
	// this closes it itself (runNext), so none is left running.
	sc.cancelHandlers()
	sc.mu.Lock()
	var left []*attempt
	for _, a := range sc.inflight {
		left = append(left, a)
	}
	sc.mu.Unlock()
	ictx := context.WithoutCancel(ctx)
	var errs []error
	for _, a := range left {
		if err := s.interrupt(ictx, &attempt{u: a.u, name: a.name, try: a.try, scriptID: a.scriptID, args: a.args}); err != nil {
			errs = append(errs, err)
		}
	}
	return fmt.Errorf("jobqueue: stop: %w", errors.Join(append([]error{ctx.Err()}, errs...)...))
}

// recover closes every attempt left running by a previous process as
// interrupted.
func (s *Service) recover(ctx context.Context) error {
	var left []*attempt
	err := s.st.View(ctx, func(txn store.Txn) error {
		left = left[:0]
		return scanMetas(txn, allMetaPrefix, func(u userKey, m meta) {
			if m.running != "" {
				left = append(left, &attempt{u: u, name: m.running, try: m.runTry})
			}
		})
	})
	if err != nil {
		return err
	}
	for _, a := range left {
		if err := s.interrupt(ctx, a); err != nil {
			return fmt.Errorf("recovering job %q of user %q: %w", a.name, a.u.user, err)
		}
		s.log.Warn("jobqueue: recorded an attempt interrupted by a crash", "namespace", a.u.ns,
			"user", a.u.user, "job", a.name, "try", a.try)
	}
	return nil
}

// queuedUsers returns the users under prefix (a metaPrefix) with jobs.
func (s *Service) queuedUsers(ctx context.Context, prefix []byte) ([]userKey, error) {
	var users []userKey
	err := s.st.View(ctx, func(txn store.Txn) error {
		users = users[:0]
		return scanMetas(txn, prefix, func(u userKey, m meta) {
			if m.n > 0 {
				users = append(users, u)
			}
		})
	})
	return users, err
}

// scanMetas calls fn for every queue head under prefix.
func scanMetas(txn store.Txn, prefix []byte, fn func(userKey, meta)) error {
	var derr error
	err := txn.Scan(prefix, store.ScanOptions{}, func(k, v []byte) bool {
		u, err := parseUserKey(k)
		if err != nil {
			derr = err
			return false
		}
		m, err := decodeMeta(v)
		if err != nil {
			derr = err
			return false
		}
		fn(u, m)
		return true
	})
	if err == nil {
		err = derr
	}
	return err
}
