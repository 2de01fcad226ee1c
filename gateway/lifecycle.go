package gateway

import (
	"context"
	"errors"

	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/store"
)

// Start removes the sessions recorded under this Service's node ID — left
// by a process with the same Config.NodeID that ended without Stop — and
// then accepts connections. It must precede Connect. Start after Start is
// an error; Start after Stop returns ErrStopped.
func (s *Service) Start(ctx context.Context) error {
	s.live.startMu.Lock()
	defer s.live.startMu.Unlock()
	s.live.mu.RLock()
	state := s.live.state
	s.live.mu.RUnlock()
	switch state {
	case stateStopped:
		return ErrStopped
	case stateStarted:
		return errors.New("gateway: already started")
	}
	n, err := s.removeNodeSessions(ctx)
	if err != nil {
		return wrap("start", err)
	}
	if n > 0 {
		s.log.Warn("gateway: removed the sessions a previous process left", "node", s.nodeID, "sessions", n)
	}
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	if s.live.state == stateStopped {
		return ErrStopped
	}
	s.live.state = stateStarted
	return nil
}

// Stop refuses new connections (Connect returns ErrStopped), closes every
// connection of this node with CloseGoingAway, waits for the operations in
// flight on them, and removes this node's sessions from the store. Stop
// after Stop does nothing. The other methods keep working on the store
// (SendNotification then finds no session on this node).
func (s *Service) Stop(ctx context.Context) error {
	s.live.mu.Lock()
	if s.live.state == stateStopped {
		s.live.mu.Unlock()
		return nil
	}
	started := s.live.state == stateStarted
	s.live.state = stateStopped
	conns := make([]*liveConn, 0, len(s.live.conns))
	for _, lc := range s.live.conns {
		conns = append(conns, lc)
	}
	s.live.mu.Unlock()

	for _, lc := range conns {
		s.closeConn(lc, CloseGoingAway, "server stopping")
	}
	for _, lc := range conns {
		// Wait for the operation in flight; after this nothing binds lc.
		lc.mu.Lock()
		lc.closed = true
		lc.mu.Unlock()
	}
	var err error
	if started {
		_, err = s.removeNodeSessions(ctx)
	}

	s.live.mu.Lock()
	clear(s.live.conns)
	clear(s.live.users)
	s.live.drained = true
	s.live.mu.Unlock()
	s.live.bg.Wait()
	if err != nil {
		return wrap("stop", err)
	}
	return nil
}

// nodeSweepBatch is the number of sessions removeNodeSessions deletes per
// transaction.
const nodeSweepBatch = 256

// removeNodeSessions deletes every session recorded under this node's ID
// and returns how many.
func (s *Service) removeNodeSessions(ctx context.Context) (int, error) {
	prefix := nodePrefix(s.nodeID)
	total := 0
	for {
		var n int
		err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
			var err error
			n, err = s.deleteNodeBatch(txn, prefix)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < nodeSweepBatch {
			return total, nil
		}
	}
}

// deleteNodeBatch deletes up to nodeSweepBatch sessions of the node index
// under prefix.
func (s *Service) deleteNodeBatch(txn store.Txn, prefix []byte) (int, error) {
	type entry struct {
		u      userRef
		connID string
	}
	var batch []entry
	var derr error
	err := txn.Scan(prefix, store.ScanOptions{}, func(k, v []byte) bool {
		d := keys.NewDecoder(k[len(prefix):])
		var e entry
		if e.u.ns, derr = d.Str(); derr != nil {
			return false
		}
		if e.connID, derr = d.Str(); derr != nil {
			return false
		}
		e.u.user = string(v)
		batch = append(batch, e)
		return len(batch) < nodeSweepBatch
	})
	if err == nil {
		err = derr
	}
	if err != nil {
		return 0, err
	}
	for _, e := range batch {
		rec, found, err := getSession(txn, e.u, e.connID)
		if err != nil {
			return 0, err
		}
		// The index entry goes in every case; the session and its guard
		// count only if the session is still there and this node's.
		if err := txn.Delete(nodeKey(s.nodeID, e.u.ns, e.connID)); err != nil {
			return 0, err
		}
		if !found || rec.nodeID != s.nodeID {
			continue
		}
		n, err := getGuard(txn, e.u)
		if err != nil {
			return 0, err
		}
		if err := deleteSessionKeys(txn, e.u, e.connID, s.nodeID); err != nil {
			return 0, err
		}
		if err := putGuard(txn, e.u, n-min(n, 1)); err != nil {
			return 0, err
		}
	}
	return len(batch), nil
}
