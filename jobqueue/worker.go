package jobqueue

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/store"
)

// The auto-run scheduler. Users with work are queued in memory, in the
// order they were woken; each worker takes the next user, runs the head
// job of that user's queue (begin, handler, finish), then puts the user
// back at the tail if jobs remain, so users take turns and one user's jobs
// run strictly one after another. Pushes wake users through wake (no
// polling); a user whose head job is in backoff waits on a clock timer and
// does not hold a worker.

// userState is the scheduler's view of one user.
type userState uint8

const (
	stateQueued  userState = iota + 1 // in ready, waiting for a worker
	stateRunning                      // a worker has it
	stateDirty                        // a worker has it, and it was woken meanwhile
	stateWaiting                      // its head job is in backoff; a timer will wake it
)

type scheduler struct {
	s       *Service
	workers int

	mu       sync.Mutex
	cond     *sync.Cond
	ready    []userKey
	state    map[userKey]userState
	timers   map[userKey]*clock.Timer
	inflight map[userKey]*attempt
	started  bool
	stopped  bool

	ctx    context.Context // handlers' context; cancelled when Stop gives up
	cancel context.CancelFunc
	wg     sync.WaitGroup // workers
}

func newScheduler(s *Service, workers int) *scheduler {
	sc := &scheduler{
		s: s, workers: workers,
		state:    make(map[userKey]userState),
		timers:   make(map[userKey]*clock.Timer),
		inflight: make(map[userKey]*attempt),
	}
	sc.cond = sync.NewCond(&sc.mu)
	return sc
}

// wake tells the scheduler that u may have a job to run.
func (sc *scheduler) wake(u userKey) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.wakeLocked(u)
}

func (sc *scheduler) wakeLocked(u userKey) {
	if sc.stopped {
		return
	}
	switch sc.state[u] {
	case stateQueued, stateDirty:
	case stateRunning:
		sc.state[u] = stateDirty
	case stateWaiting:
		if t := sc.timers[u]; t != nil {
			t.Stop()
			delete(sc.timers, u)
		}
		sc.enqueueLocked(u)
	default:
		sc.enqueueLocked(u)
	}
}

func (sc *scheduler) enqueueLocked(u userKey) {
	sc.state[u] = stateQueued
	sc.ready = append(sc.ready, u)
	sc.cond.Signal()
}

// start launches the workers; it reports false, launching none, once
// Stop has been called.
func (sc *scheduler) start(ctx context.Context) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.stopped {
		return false
	}
	sc.ctx, sc.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for range sc.workers {
		sc.wg.Add(1)
		go sc.work()
	}
	return true
}

// cancelHandlers cancels the context of the handlers running, if the
// workers were started.
func (sc *scheduler) cancelHandlers() {
	sc.mu.Lock()
	cancel := sc.cancel
	sc.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// next blocks until a user is ready, and returns it in stateRunning; ok is
// false once stopped.
func (sc *scheduler) next() (u userKey, ok bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for len(sc.ready) == 0 && !sc.stopped {
		sc.cond.Wait()
	}
	if sc.stopped {
		return userKey{}, false
	}
	u = sc.ready[0]
	sc.ready[0] = userKey{}
	sc.ready = sc.ready[1:]
	sc.state[u] = stateRunning
	return u, true
}

func (sc *scheduler) work() {
	defer sc.wg.Done()
	for {
		u, ok := sc.next()
		if !ok {
			return
		}
		more, waitUntil := sc.s.runNext(sc.ctx, sc, u)
		sc.done(u, more, waitUntil)
	}
}

// done returns u after a worker's turn: back to the tail if it has more
// work (or was woken meanwhile), to a backoff timer, or out.
func (sc *scheduler) done(u userKey, more bool, waitUntil int64) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	dirty := sc.state[u] == stateDirty
	delete(sc.state, u)
	if sc.stopped {
		return
	}
	switch {
	case waitUntil > 0:
		sc.state[u] = stateWaiting
		d := time.Duration(waitUntil-clock.Millis(sc.s.clock.Now())) * time.Millisecond
		sc.timers[u] = sc.s.clock.AfterFunc(max(d, 0), func() {
			sc.mu.Lock()
			defer sc.mu.Unlock()
			if sc.state[u] == stateWaiting {
				delete(sc.timers, u)
				sc.enqueueLocked(u)
			}
		})
	case more || dirty:
		sc.enqueueLocked(u)
	}
}

// track records the attempt in flight for u (nil when it ends), for Stop.
func (sc *scheduler) track(u userKey, a *attempt) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if a == nil {
		delete(sc.inflight, u)
	} else {
		sc.inflight[u] = a
	}
}

// runNext is one worker turn on u: run its head job if it can. more
// reports jobs left; waitUntil > 0 that the head is in backoff until then.
func (s *Service) runNext(ctx context.Context, sc *scheduler, u userKey) (more bool, waitUntil int64) {
	a := &attempt{u: u}
	nowMs := clock.Millis(s.clock.Now())
	err := s.batch.Do(ctx, func(txn store.Txn) error {
		return s.beginTxn(txn, a, nowMs, true, &waitUntil)
	})
	switch {
	case errors.Is(err, errWaiting):
		return false, waitUntil
	case noStart(err), errors.Is(err, context.Canceled):
		// Nothing to do: whoever runs the user's job wakes it when done.
		return false, 0
	case err != nil:
		s.log.Error("jobqueue: auto-run: starting a job", "namespace", u.ns, "user", u.user, "err", err)
		return false, 0
	}
	fctx := context.WithoutCancel(ctx)
	for streak := 1; ; streak++ {
		sc.track(u, a)
		if ctx.Err() != nil {
			// Stop gave up waiting before this attempt was tracked, and may
			// not have seen it: close it as interrupted here (closing it
			// twice is harmless: the second finds it closed).
			sc.track(u, nil)
			if err := s.interrupt(fctx, a); err != nil {
				s.log.Error("jobqueue: auto-run: recording an interrupted attempt", "namespace", u.ns,
					"user", u.user, "job", a.name, "try", a.try, "err", err)
			}
			return false, 0
		}
		s.events.emit(Event{Kind: EventStarted, Namespace: u.ns, UserID: u.user, JobName: a.name, TryNumber: a.try, At: a.startAt})
		s.execute(ctx, a)
		// Record the result and, while the user has jobs and its turn
		// lasts, begin the next one in the same transaction: one commit
		// per job instead of two while a backlog drains.
		var next *attempt
		chain := streak < maxStreak && ctx.Err() == nil
		err = s.batch.Do(fctx, func(txn store.Txn) error {
			next, waitUntil = nil, 0
			if err := s.finishTxn(txn, a); err != nil {
				return err
			}
			if !chain || a.outcome == outcomeStale || a.isLast {
				return nil
			}
			n := &attempt{u: u}
			err := s.beginTxn(txn, n, clock.Millis(s.clock.Now()), true, &waitUntil)
			switch {
			case err == nil:
				next = n
			case noStart(err) || errors.Is(err, errWaiting):
				return nil // the finish stands; nothing begins
			}
			return err
		})
		sc.track(u, nil)
		switch {
		case errors.Is(err, errs.ErrNotFound):
			return false, 0 // the namespace was deleted
		case err != nil:
			s.log.Error("jobqueue: auto-run: recording a result", "namespace", u.ns, "user", u.user,
				"job", a.name, "try", a.try, "err", err)
			return false, 0
		}
		s.afterFinish(fctx, a)
		if next == nil {
			return !a.isLast && a.outcome != outcomeStale && waitUntil == 0, waitUntil
		}
		a = next
	}
}

// maxStreak is how many jobs of one user a worker runs in a row before the
// user goes back to the tail of the ready queue, so that users take turns.
const maxStreak = 8

// noStart reports the answers of beginTxn that start nothing and need no
// action: an empty queue, a job already running, a namespace without
// auto-run or gone.
func noStart(err error) bool {
	return errors.Is(err, errEmpty) || errors.Is(err, errBusy) || errors.Is(err, errNoAuto) ||
		errors.Is(err, errs.ErrNotFound)
}

// wakeNamespace wakes every user of ns with queued jobs (auto-run turned on).
func (sc *scheduler) wakeNamespace(ctx context.Context, ns string) {
	users, err := sc.s.queuedUsers(ctx, metaPrefix(ns))
	if err != nil {
		sc.s.log.Error("jobqueue: waking the queues of a namespace", "namespace", ns, "err", err)
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, u := range users {
		sc.wakeLocked(u)
	}
}
