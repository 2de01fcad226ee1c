package badgerstore

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// errSyncerStopped answers a wait that arrives after the syncer stopped;
// Close stops it only once no Update is in flight, so this is a safety net.
var errSyncerStopped = errors.New("badgerstore: syncer stopped")

// maxGather bounds how long the syncer waits for commits in flight to
// join a round before it starts the sync anyway.
const maxGather = time.Millisecond

// syncer implements group commit for Sync durability. Badger commits with
// SyncWrites off, so a commit only reaches the OS page cache; an Update
// then waits for a db.Sync that started after its commit. One goroutine
// runs the syncs, and all the Updates that committed while a sync was
// running share the next one, so the cost of an fsync is spread over every
// transaction that committed meanwhile.
//
// Rounds: next is the round not yet started; waiters join it (creating it
// if there is none, and kicking the syncer). The syncer takes next, so that
// later arrivals make a new round, runs the sync, records its error and
// closes done. A waiter therefore always waits for a sync that starts after
// it joined, which is after its commit.
//
// Gathering: db.Sync holds a Badger lock that its write path also takes,
// so commits stall while a sync runs and complete in a burst right after
// it, and the Updates released by a sync all commit shortly after it.
// Starting the next sync as soon as the first of them joins would split
// the writers into cohorts that alternate, each sync catching a fraction
// of them. So Updates announce themselves (begin) when they start, and the
// syncer, before taking a round, waits until every announced Update has
// joined or given up, for at most maxGather. This changes only when a
// sync starts, never which sync a waiter waits for.
type syncer struct {
	sync   func() error
	joined func() // test hook, may be nil

	// committing counts the Updates between begin and wait (or abort).
	committing atomic.Int64
	// quiet gets a token when committing drops to zero.
	quiet chan struct{}

	mu      sync.Mutex
	next    *round
	stopped bool

	kick chan struct{} // capacity 1: "next is pending"
	stop chan struct{}
	done chan struct{}
}

// round is one sync shared by the waiters that joined it.
type round struct {
	done chan struct{} // closed when err is set
	err  error
}

// newSyncer starts a syncer calling sync.
func newSyncer(sync func() error, joined func()) *syncer {
	s := &syncer{
		sync:   sync,
		joined: joined,
		quiet:  make(chan struct{}, 1),
		kick:   make(chan struct{}, 1),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	go s.run()
	return s
}

// begin announces an Update that will call wait once it committed, or
// abort if it commits nothing.
func (s *syncer) begin() { s.committing.Add(1) }

// abort withdraws an announcement: the Update committed nothing.
func (s *syncer) abort() { s.settle() }

// settle ends an announcement and wakes the syncer if it was the last.
func (s *syncer) settle() {
	if s.committing.Add(-1) == 0 {
		select {
		case s.quiet <- struct{}{}:
		default:
		}
	}
}

// wait ends the caller's announcement (see begin) and blocks until a sync
// that started after the call completes, returning its error. It does not
// watch a context: the caller's commit is done, and its answer must say
// whether it is durable.
func (s *syncer) wait() error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		s.settle()
		return errSyncerStopped
	}
	r := s.next
	if r == nil {
		r = &round{done: make(chan struct{})}
		s.next = r
		select {
		case s.kick <- struct{}{}:
		default: // already kicked
		}
	}
	s.mu.Unlock()
	s.settle()
	if s.joined != nil {
		s.joined()
	}
	<-r.done
	if r.err != nil {
		return fmt.Errorf("badgerstore: the transaction committed but the sync that makes it durable failed; "+
			"it may or may not survive a power loss: %w", r.err)
	}
	return nil
}

// run is the syncer goroutine.
func (s *syncer) run() {
	defer close(s.done)
	gather := time.NewTimer(maxGather)
	gather.Stop()
	defer gather.Stop()
	for {
		select {
		case <-s.kick:
			s.gather(gather)
			s.syncNext()
		case <-s.stop:
			// Answer anyone who joined before stopping; later callers get
			// errSyncerStopped from wait.
			s.mu.Lock()
			s.stopped = true
			s.mu.Unlock()
			s.syncNext()
			return
		}
	}
}

// gather waits, for at most maxGather, until no announced Update is
// still on its way to join.
func (s *syncer) gather(t *time.Timer) {
	// Let the goroutines the last sync released, if runnable, start
	// their next Update (and announce it) before looking.
	runtime.Gosched()
	if s.committing.Load() == 0 {
		return
	}
	t.Reset(maxGather)
	defer t.Stop()
	for s.committing.Load() > 0 {
		select {
		case <-s.quiet: // may be stale: the loop checks again
		case <-t.C:
			return
		case <-s.stop:
			return
		}
	}
}

// syncNext takes the pending round, if any, and completes it.
func (s *syncer) syncNext() {
	s.mu.Lock()
	r := s.next
	s.next = nil
	s.mu.Unlock()
	if r == nil {
		return
	}
	r.err = s.sync()
	close(r.done)
}

// close stops the syncer after answering every waiter, and waits for it.
func (s *syncer) close() {
	close(s.stop)
	<-s.done
}
