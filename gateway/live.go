package gateway

import (
	"sync"
	"sync/atomic"
)

// liveConn is one connection this node holds.
type liveConn struct {
	id   string
	ns   string
	conn Conn

	// mu serializes the operations on this connection (SetUserID, and the
	// drop that ends it), each from its store transaction to the memory
	// change that follows the commit, so that memory never lags the store
	// for this connection while its mutex is free.
	mu sync.Mutex
	// closed (under mu) says the connection was dropped: nothing may bind
	// it any more.
	closed bool
	// closing is set once the connection is closed or being closed (by the
	// service or the transport): sends skip it, and Close is called at
	// most once by the service.
	closing atomic.Bool

	// user is the user the connection is bound to in memory, "" when none.
	// Guarded by live.mu.
	user string
}

// Lifecycle states of a Service.
const (
	stateNew = iota
	stateStarted
	stateStopped
)

// live is this node's connections, in memory: by connection ID, and the
// bound ones by user. Memory changes only after the store commit that
// justifies it.
type live struct {
	startMu sync.Mutex // serializes Start

	mu      sync.RWMutex
	state   int
	drained bool // Stop has closed every connection and waits for bg
	conns   map[string]*liveConn
	users   map[userRef][]*liveConn

	// bg counts the background drops of slow consumers; Stop waits for
	// them.
	bg sync.WaitGroup
}

func (l *live) init() {
	l.conns = make(map[string]*liveConn)
	l.users = make(map[userRef][]*liveConn)
}

// add registers lc, unless the service is not started or stopped.
func (l *live) add(lc *liveConn) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch l.state {
	case stateNew:
		return ErrNotStarted
	case stateStopped:
		return ErrStopped
	}
	l.conns[lc.id] = lc
	return nil
}

// get returns the connection connID, or nil.
func (l *live) get(connID string) *liveConn {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.conns[connID]
}

// bind records lc as bound to u, after a commit that bound it. A
// connection already removed stays removed.
func (l *live) bind(lc *liveConn, u userRef) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conns[lc.id] != lc {
		return
	}
	if lc.user == u.user {
		return
	}
	l.unlinkLocked(lc)
	lc.user = u.user
	l.users[u] = append(l.users[u], lc)
}

// unbindIf records that lc is no longer bound to u, after a commit that
// deleted its session, if memory still has it bound to u.
func (l *live) unbindIf(lc *liveConn, u userRef) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if lc.ns == u.ns && lc.user == u.user {
		l.unlinkLocked(lc)
	}
}

// remove forgets lc.
func (l *live) remove(lc *liveConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unlinkLocked(lc)
	if l.conns[lc.id] == lc {
		delete(l.conns, lc.id)
	}
}

// unlinkLocked removes lc from its user's connections; l.mu is held.
func (l *live) unlinkLocked(lc *liveConn) {
	if lc.user == "" {
		return
	}
	u := userRef{ns: lc.ns, user: lc.user}
	list := l.users[u]
	for i, c := range list {
		if c == lc {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(l.users, u)
	} else {
		l.users[u] = list
	}
	lc.user = ""
}

// sessions appends the connections bound to u that are not closing to dst.
func (l *live) sessions(u userRef, dst []*liveConn) []*liveConn {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, lc := range l.users[u] {
		if !lc.closing.Load() {
			dst = append(dst, lc)
		}
	}
	return dst
}

// inNamespace returns the connections of namespace ns.
func (l *live) inNamespace(ns string) []*liveConn {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out []*liveConn
	for _, lc := range l.conns {
		if lc.ns == ns {
			out = append(out, lc)
		}
	}
	return out
}

// boundTo returns the connections of namespace ns bound to user in
// memory, in no particular order. For tests and introspection.
func (l *live) boundTo(u userRef) []string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	ids := make([]string, 0, len(l.users[u]))
	for _, lc := range l.users[u] {
		ids = append(ids, lc.id)
	}
	return ids
}

// goBackground runs f on a goroutine that Stop waits for, unless Stop has
// already drained the connections (then f has nothing left to do).
func (l *live) goBackground(f func()) {
	l.mu.RLock()
	drained := l.drained
	if !drained {
		l.bg.Add(1)
	}
	l.mu.RUnlock()
	if drained {
		return
	}
	go func() {
		defer l.bg.Done()
		f()
	}()
}
