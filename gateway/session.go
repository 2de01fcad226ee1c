package gateway

import (
	"context"

	"github.com/google/uuid"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/page"
	"github.com/hearth-go/hearth/store"
)

// SetUserIDInput is a setUserIdByUserId request.
type SetUserIDInput struct {
	// NamespaceName is the connection's namespace.
	NamespaceName string
	// ConnectionID is the ID Connect returned, at most 128 characters.
	ConnectionID string
	// UserID is the user to bind, at most 128 characters.
	UserID string
	// AllowConcurrentAccess lets the user keep its other sessions; nil
	// means true (GS2's default).
	AllowConcurrentAccess *bool
	// SessionID, at most 128 characters, is stored on the session. With
	// AllowConcurrentAccess false, a non-empty SessionID equal to that of
	// the user's other sessions makes this bind a reconnect that replaces
	// them.
	SessionID string
	// Force, with AllowConcurrentAccess false, closes the user's other
	// sessions instead of failing.
	Force bool
}

// Connect registers a new connection of namespace namespaceName, which
// must exist, and returns its connection ID (a UUID). The transport calls
// it when a client connects and must call Disconnected when the connection
// ends. The connection lives in this node's memory only until SetUserID
// binds it to a user. Connect fails with ErrNotStarted before Start and
// ErrStopped after Stop.
func (s *Service) Connect(ctx context.Context, namespaceName string, c Conn) (connectionID string, err error) {
	const op = "connect"
	if err := namespace.ValidateName(namespaceName); err != nil {
		return "", wrap(op, err)
	}
	if c == nil {
		return "", wrap(op, errs.Invalid("conn", "required"))
	}
	lc := &liveConn{id: uuid.NewString(), ns: namespaceName, conn: c}
	if err := s.live.add(lc); err != nil {
		return "", wrap(op, err)
	}
	// Registered before the check: a DeleteNamespace committing after the
	// check closes it; one committing before fails it.
	err = s.st.View(ctx, func(txn store.Txn) error { return s.requireNamespace(txn, namespaceName) })
	if err != nil {
		s.live.remove(lc)
		return "", wrap(op, err)
	}
	return lc.id, nil
}

// Disconnected is how the transport reports the end of connection
// connectionID, whatever ended it: its session, if any, is removed at
// once, and the connection is forgotten. An unknown ID is ignored.
func (s *Service) Disconnected(ctx context.Context, connectionID string) {
	lc := s.live.get(connectionID)
	if lc == nil {
		return
	}
	lc.closing.Store(true) // the transport has closed it
	s.drop(context.WithoutCancel(ctx), lc)
}

// SetUserID binds a connection of this node to a user, creating its
// session (or, for a connection bound to another user, moving it; for one
// bound to the same user, updating it: UpdatedAt, SessionID and Revision
// change). With AllowConcurrentAccess true (the default), the user's other
// sessions stay. With false:
//
//   - if the user has no other session, the connection is bound;
//   - if every other session has the same non-empty SessionID as the
//     request, it is a reconnect: they are replaced;
//   - otherwise, with Force, the other sessions are replaced;
//   - otherwise the call fails with ErrConflict and nothing changes.
//
// Replaced sessions are deleted in the binding transaction; after the
// commit their connections on this node are closed with
// ClosePolicyViolation. An unknown, closed or other namespace's connection
// is ErrNotFound, and so is a missing namespace.
func (s *Service) SetUserID(ctx context.Context, in SetUserIDInput) (*WebSocketSession, error) {
	const op = "set user id"
	if err := checkSetUserID(in); err != nil {
		return nil, wrap(op, err)
	}
	allow := in.AllowConcurrentAccess == nil || *in.AllowConcurrentAccess
	lc := s.live.get(in.ConnectionID)
	if lc == nil || lc.ns != in.NamespaceName {
		return nil, wrap(op, errs.NotFound("connection %q in namespace %q", in.ConnectionID, in.NamespaceName))
	}
	now := s.now(ctx)
	u := userRef{ns: in.NamespaceName, user: in.UserID}

	lc.mu.Lock()
	if lc.closed || lc.closing.Load() {
		lc.mu.Unlock()
		return nil, wrap(op, errs.NotFound("connection %q in namespace %q (closed)", in.ConnectionID, in.NamespaceName))
	}
	var plan bindPlan
	err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		if err := s.requireNamespace(txn, u.ns); err != nil {
			return err
		}
		var err error
		plan, err = bindTxn(txn, in, allow, s.nodeID, now)
		return err
	})
	if err != nil {
		lc.mu.Unlock()
		return nil, wrap(op, err)
	}
	s.live.bind(lc, u)
	// Stop sending to the replaced connections at once.
	replaced := make([]*liveConn, 0, len(plan.replaced))
	for _, id := range plan.replaced {
		if r := s.live.get(id); r != nil && r.ns == u.ns {
			s.live.unbindIf(r, u)
			s.closeConn(r, ClosePolicyViolation, "replaced by another session of the user")
			replaced = append(replaced, r)
		}
	}
	lc.mu.Unlock()

	for _, r := range replaced {
		s.drop(context.WithoutCancel(ctx), r)
	}
	ws := s.toSession(u, in.ConnectionID, plan.rec)
	return &ws, nil
}

// DescribeWebSocketSessions lists the sessions of a user in a namespace,
// on every node, in connection ID order, one page at a time (limit 1..1000,
// 0 means 30); nextPageToken is empty on the last page.
func (s *Service) DescribeWebSocketSessions(ctx context.Context, namespaceName, userID, pageToken string, limit int) (items []WebSocketSession, nextPageToken string, err error) {
	const op = "describe web socket sessions"
	u := userRef{ns: namespaceName, user: userID}
	if err := checkUserRef(u); err != nil {
		return nil, "", wrap(op, err)
	}
	limit, err = checkLimit(limit)
	if err != nil {
		return nil, "", wrap(op, err)
	}
	prefix := u.sessionPrefix()
	if _, err := page.Decode(prefix, pageToken); err != nil {
		return nil, "", wrap(op, err)
	}
	err = s.st.View(ctx, func(txn store.Txn) error {
		if err := s.requireNamespace(txn, u.ns); err != nil {
			return err
		}
		var err error
		items, nextPageToken, err = page.Collect(txn, prefix, pageToken, limit,
			func(k, v []byte) (WebSocketSession, bool, error) {
				connID, err := keys.NewDecoder(k[len(prefix):]).Str()
				if err != nil {
					return WebSocketSession{}, false, err
				}
				rec, err := decodeSession(v)
				if err != nil {
					return WebSocketSession{}, false, err
				}
				return s.toSession(u, connID, rec), true, nil
			})
		return err
	})
	if err != nil {
		return nil, "", wrap(op, err)
	}
	return items, nextPageToken, nil
}

// DisconnectByUserID deletes every session of the user in the namespace
// and returns them as they were; after the commit it closes their
// connections on this node with ClosePolicyViolation. A user without
// sessions gets an empty list.
func (s *Service) DisconnectByUserID(ctx context.Context, namespaceName, userID string) ([]WebSocketSession, error) {
	const op = "disconnect by user id"
	u := userRef{ns: namespaceName, user: userID}
	if err := checkUserRef(u); err != nil {
		return nil, wrap(op, err)
	}
	var gone []storedSession
	err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		if err := s.requireNamespace(txn, u.ns); err != nil {
			return err
		}
		var err error
		gone, err = deleteUserSessions(txn, u)
		return err
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	s.closeSessions(ctx, u, gone, "disconnected by the server")
	out := make([]WebSocketSession, 0, len(gone))
	for _, g := range gone {
		out = append(out, s.toSession(u, g.connID, g.rec))
	}
	return out, nil
}

// disconnectAllBatch is the number of sessions DisconnectAll deletes per
// transaction.
const disconnectAllBatch = 256

// DisconnectAll deletes every session of the namespace, on every node (in
// transactions of up to 256 sessions), then closes every connection of the
// namespace on this node, bound or not, with ClosePolicyViolation.
func (s *Service) DisconnectAll(ctx context.Context, namespaceName string) error {
	const op = "disconnect all"
	if err := namespace.ValidateName(namespaceName); err != nil {
		return wrap(op, err)
	}
	prefix := nsPrefix(kindSession, namespaceName)
	for {
		var n int
		err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
			if err := s.requireNamespace(txn, namespaceName); err != nil {
				return err
			}
			var err error
			n, err = deleteSessionBatch(txn, prefix, namespaceName, disconnectAllBatch)
			return err
		})
		if err != nil {
			return wrap(op, err)
		}
		if n < disconnectAllBatch {
			break
		}
	}
	s.closeNamespace(namespaceName, ClosePolicyViolation, "disconnected by the server")
	return nil
}

// deleteSessionBatch deletes up to max sessions of namespace ns found under
// prefix (a session prefix of ns), updating their users' guards, and
// returns how many it deleted.
func deleteSessionBatch(txn store.Txn, prefix []byte, ns string, max int) (int, error) {
	type found struct {
		u      userRef
		connID string
		nodeID string
	}
	var batch []found
	var derr error
	nsPre := nsPrefix(kindSession, ns)
	err := txn.Scan(prefix, store.ScanOptions{}, func(k, v []byte) bool {
		d := keys.NewDecoder(k[len(nsPre):])
		var f found
		f.u.ns = ns
		if f.u.user, derr = d.Str(); derr != nil {
			return false
		}
		if f.connID, derr = d.Str(); derr != nil {
			return false
		}
		var rec sessionRec
		if rec, derr = decodeSession(v); derr != nil {
			return false
		}
		f.nodeID = rec.nodeID
		batch = append(batch, f)
		return len(batch) < max
	})
	if err == nil {
		err = derr
	}
	if err != nil {
		return 0, err
	}
	for _, f := range batch {
		n, err := getGuard(txn, f.u)
		if err != nil {
			return 0, err
		}
		if err := deleteSessionKeys(txn, f.u, f.connID, f.nodeID); err != nil {
			return 0, err
		}
		if err := putGuard(txn, f.u, n-min(n, 1)); err != nil {
			return 0, err
		}
	}
	return len(batch), nil
}

// closeSessions closes and drops this node's connections of the deleted
// sessions of u.
func (s *Service) closeSessions(ctx context.Context, u userRef, gone []storedSession, reason string) {
	var closing []*liveConn
	for _, g := range gone {
		if lc := s.live.get(g.connID); lc != nil && lc.ns == u.ns {
			s.live.unbindIf(lc, u)
			s.closeConn(lc, ClosePolicyViolation, reason)
			closing = append(closing, lc)
		}
	}
	for _, lc := range closing {
		s.drop(context.WithoutCancel(ctx), lc)
	}
}

// closeNamespace closes and drops every connection of namespace ns on this
// node.
func (s *Service) closeNamespace(ns string, code int, reason string) {
	conns := s.live.inNamespace(ns)
	for _, lc := range conns {
		s.closeConn(lc, code, reason)
	}
	for _, lc := range conns {
		s.drop(context.Background(), lc)
	}
}

// closeConn closes lc's Conn with code, unless it is already closing.
func (s *Service) closeConn(lc *liveConn, code int, reason string) {
	if lc.closing.CompareAndSwap(false, true) {
		lc.conn.Close(code, reason)
	}
}

// drop ends lc: nothing may bind it any more, its session (if any) is
// deleted and it is forgotten. It waits for an operation in flight on lc.
func (s *Service) drop(ctx context.Context, lc *liveConn) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if lc.closed {
		return
	}
	lc.closed = true
	lc.closing.Store(true)
	// The store decides, not memory: another call may have unbound lc in
	// memory after lc was bound again.
	err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		_, _, _, err := unbindConn(txn, lc.ns, lc.id)
		return err
	})
	if err != nil {
		s.log.Error("gateway: removing the session of a closed connection failed; Start on this node will remove it",
			"namespace", lc.ns, "connection", lc.id, "err", err)
	}
	s.live.remove(lc)
}

// toSession builds the model of a stored session.
func (s *Service) toSession(u userRef, connID string, rec sessionRec) WebSocketSession {
	return WebSocketSession{
		WebSocketSessionID: s.sessionGRN(u, connID),
		ConnectionID:       connID,
		NamespaceName:      u.ns,
		UserID:             u.user,
		SessionID:          rec.sessionID,
		NodeID:             rec.nodeID,
		CreatedAt:          rec.createdAt,
		UpdatedAt:          rec.updatedAt,
		Revision:           rec.revision,
	}
}
