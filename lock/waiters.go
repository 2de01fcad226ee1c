package lock

// entry is the in-process state of one mutex: the Acquire calls waiting for
// it, in arrival order, and the live Lease handles on it. Entries live in
// Service.locks, guarded by Service.mu, and are removed when empty.
type entry struct {
	waiters []*waiter
	leases  map[*Lease]struct{}
}

// waiter is one Acquire call in the queue of a mutex.
type waiter struct {
	// wake receives a signal when the waiter should try the lock: it became
	// the head of the queue, or the mutex was released. Buffered (1), so a
	// signal sent while the waiter is busy is not lost.
	wake chan struct{}
}

func (w *waiter) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// entryLocked returns the entry of id, creating it. Call with s.mu held.
func (s *Service) entryLocked(id lockID) *entry {
	e := s.locks[id]
	if e == nil {
		e = &entry{}
		s.locks[id] = e
		s.nlocks.Add(1)
	}
	return e
}

// dropLocked removes the entry of id if it is empty. Call with s.mu held.
func (s *Service) dropLocked(id lockID, e *entry) {
	if len(e.waiters) == 0 && len(e.leases) == 0 {
		delete(s.locks, id)
		s.nlocks.Add(-1)
	}
}

// enqueue appends w to the queue of id and signals it if it is the head.
func (s *Service) enqueue(id lockID, w *waiter, tx string) error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return ErrStopped
	}
	e := s.entryLocked(id)
	e.waiters = append(e.waiters, w)
	if len(e.waiters) == 1 {
		w.signal()
	}
	s.mu.Unlock()
	if s.hooks.queued != nil {
		s.hooks.queued(id.ns, id.user, id.prop, tx)
	}
	return nil
}

// dequeue removes w from the queue of id and, if w was the head, signals
// the next waiter, which now tries the lock. If l is not nil, it is
// registered as a live lease on id in the same critical section; dequeue
// then reports false, registering nothing, if the service has stopped.
func (s *Service) dequeue(id lockID, w *waiter, l *Lease) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entryLocked(id)
	for i, x := range e.waiters {
		if x != w {
			continue
		}
		e.waiters = append(e.waiters[:i], e.waiters[i+1:]...)
		if i == 0 && len(e.waiters) > 0 {
			e.waiters[0].signal()
		}
		break
	}
	ok := l == nil || !s.stopped
	if l != nil && ok {
		if e.leases == nil {
			e.leases = make(map[*Lease]struct{})
		}
		e.leases[l] = struct{}{}
	}
	s.dropLocked(id, e)
	return ok
}

// released runs after a commit that freed the mutex id whose holder had the
// fencing token: leases with that token are lost and the head waiter is
// woken.
func (s *Service) released(id lockID, token uint64) {
	// Most releases have no waiter or lease in this process to tell; skip
	// the service-wide lock for them. An Acquire or a lease registers its
	// entry before it reads the mutex, so one that found this mutex held
	// has made nlocks non-zero before this release committed.
	if s.nlocks.Load() == 0 {
		return
	}
	s.mu.Lock()
	e := s.locks[id]
	if e == nil {
		s.mu.Unlock()
		return
	}
	var lost []*Lease
	for l := range e.leases {
		if l.token == token {
			lost = append(lost, l)
		}
	}
	if len(e.waiters) > 0 {
		e.waiters[0].signal()
	}
	s.mu.Unlock()
	for _, l := range lost {
		s.endLease(l)
	}
}

// namespaceDeleted runs after the namespace ns was deleted: every lease in
// it is lost and every queue's head is woken (it then fails with
// ErrNotFound, and wakes the next).
func (s *Service) namespaceDeleted(ns string) {
	s.mu.Lock()
	var lost []*Lease
	for id, e := range s.locks {
		if id.ns != ns {
			continue
		}
		for l := range e.leases {
			lost = append(lost, l)
		}
		if len(e.waiters) > 0 {
			e.waiters[0].signal()
		}
	}
	s.mu.Unlock()
	for _, l := range lost {
		s.endLease(l)
	}
}

// endLease removes l from the registry and ends it: its timers stop and its
// Done channel closes. The lease no longer holds the mutex (it was unlocked
// or lost), so its Unlock and Refresh fail from now on. It is idempotent.
func (s *Service) endLease(l *Lease) {
	l.mu.Lock()
	l.gone = true
	l.mu.Unlock()
	s.retireLease(l)
}

// retireLease removes l from the registry and ends it without marking it
// gone: Stop uses it, since the hold itself is still in the store and the
// caller may still unlock it.
func (s *Service) retireLease(l *Lease) {
	s.mu.Lock()
	if e := s.locks[l.id]; e != nil {
		delete(e.leases, l)
		s.dropLocked(l.id, e)
	}
	s.mu.Unlock()
	l.end()
}

// Waiters returns how many Acquire calls of this process wait for the
// mutex on propertyID of userID.
func (s *Service) Waiters(namespaceName, userID, propertyID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.locks[lockID{namespaceName, userID, propertyID}]; e != nil {
		return len(e.waiters)
	}
	return 0
}
