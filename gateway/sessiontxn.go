package gateway

import (
	"errors"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/store"
)

// The store side of the session registry: helpers that run inside a
// transaction. Every one that adds or removes a session of a user reads and
// writes the user's guard.

// storedSession is a session read from the store.
type storedSession struct {
	connID string
	rec    sessionRec
}

// getGuard returns u's number of sessions (0 when the guard is absent).
func getGuard(txn store.Txn, u userRef) (uint64, error) {
	v, err := txn.Get(u.guardKey())
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return decodeGuard(v)
}

// putGuard stores u's number of sessions, deleting the guard at 0.
func putGuard(txn store.Txn, u userRef, n uint64) error {
	if n == 0 {
		return txn.Delete(u.guardKey())
	}
	return txn.Set(u.guardKey(), encodeGuard(n))
}

// getSession returns the session of connection connID of u, if any.
func getSession(txn store.Txn, u userRef, connID string) (sessionRec, bool, error) {
	v, err := txn.Get(u.sessionKey(connID))
	if errors.Is(err, store.ErrNotFound) {
		return sessionRec{}, false, nil
	}
	if err != nil {
		return sessionRec{}, false, err
	}
	rec, err := decodeSession(v)
	return rec, err == nil, err
}

// connUser returns the user connection connID of ns is bound to, if any.
func connUser(txn store.Txn, ns, connID string) (string, bool, error) {
	v, err := txn.Get(connKey(ns, connID))
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return string(v), true, nil
}

// userSessions returns every session of u in connection ID order.
func userSessions(txn store.Txn, u userRef) ([]storedSession, error) {
	prefix := u.sessionPrefix()
	var out []storedSession
	var derr error
	err := txn.Scan(prefix, store.ScanOptions{}, func(k, v []byte) bool {
		var s storedSession
		if s.connID, derr = keys.NewDecoder(k[len(prefix):]).Str(); derr != nil {
			return false
		}
		if s.rec, derr = decodeSession(v); derr != nil {
			return false
		}
		out = append(out, s)
		return true
	})
	if err == nil {
		err = derr
	}
	return out, err
}

// deleteSessionKeys deletes the session record of connection connID of u
// and its connection and node index entries; the caller updates the guard.
func deleteSessionKeys(txn store.Txn, u userRef, connID, nodeID string) error {
	for _, k := range [][]byte{u.sessionKey(connID), connKey(u.ns, connID), nodeKey(nodeID, u.ns, connID)} {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// unbindConn deletes the session of connection connID of ns, if it has one,
// and returns it.
func unbindConn(txn store.Txn, ns, connID string) (user string, s sessionRec, found bool, err error) {
	user, bound, err := connUser(txn, ns, connID)
	if err != nil || !bound {
		return "", sessionRec{}, false, err
	}
	u := userRef{ns: ns, user: user}
	rec, ok, err := getSession(txn, u, connID)
	if err != nil {
		return "", sessionRec{}, false, err
	}
	if !ok {
		// A connection entry without its session: repair by deleting it.
		return "", sessionRec{}, false, txn.Delete(connKey(ns, connID))
	}
	n, err := getGuard(txn, u)
	if err != nil {
		return "", sessionRec{}, false, err
	}
	if err := deleteSessionKeys(txn, u, connID, rec.nodeID); err != nil {
		return "", sessionRec{}, false, err
	}
	if err := putGuard(txn, u, n-min(n, 1)); err != nil {
		return "", sessionRec{}, false, err
	}
	return user, rec, true, nil
}

// deleteUserSessions deletes every session of u and returns them.
func deleteUserSessions(txn store.Txn, u userRef) ([]storedSession, error) {
	list, err := userSessions(txn, u)
	if err != nil {
		return nil, err
	}
	// Read the guard even when there is no session, so that the
	// transaction conflicts with a concurrent bind of the user.
	if _, err := getGuard(txn, u); err != nil {
		return nil, err
	}
	for _, s := range list {
		if err := deleteSessionKeys(txn, u, s.connID, s.rec.nodeID); err != nil {
			return nil, err
		}
	}
	if len(list) > 0 {
		if err := putGuard(txn, u, 0); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// bindPlan is what a SetUserID transaction did.
type bindPlan struct {
	rec      sessionRec
	replaced []string // connection IDs whose sessions it deleted
}

// bindTxn binds connection in.ConnectionID to in.UserID under the rules of
// SetUserID, in txn. now is the call's time and nodeID this service's.
func bindTxn(txn store.Txn, in SetUserIDInput, allow bool, nodeID string, now int64) (bindPlan, error) {
	u := userRef{ns: in.NamespaceName, user: in.UserID}
	connID := in.ConnectionID
	var plan bindPlan

	// The connection's current binding: the same user (a rebind, updated
	// in place) or another one (unbound first).
	oldUser, bound, err := connUser(txn, u.ns, connID)
	if err != nil {
		return plan, err
	}
	var prev *sessionRec
	if bound && oldUser == u.user {
		rec, ok, err := getSession(txn, u, connID)
		if err != nil {
			return plan, err
		}
		if ok {
			prev = &rec
		}
	} else if bound {
		if _, _, _, err := unbindConn(txn, u.ns, connID); err != nil {
			return plan, err
		}
	}

	n, err := getGuard(txn, u)
	if err != nil {
		return plan, err
	}
	if prev != nil {
		n -= min(n, 1) // the others
	}
	if !allow && n > 0 {
		all, err := userSessions(txn, u)
		if err != nil {
			return plan, err
		}
		others := make([]storedSession, 0, len(all))
		reconnect := in.SessionID != ""
		for _, s := range all {
			if s.connID == connID {
				continue
			}
			others = append(others, s)
			if s.rec.sessionID != in.SessionID {
				reconnect = false
			}
		}
		if len(others) > 0 && !reconnect && !in.Force {
			return plan, errs.Conflict("user %q has another session in namespace %q (allowConcurrentAccess is false)", u.user, u.ns)
		}
		for _, s := range others {
			if err := deleteSessionKeys(txn, u, s.connID, s.rec.nodeID); err != nil {
				return plan, err
			}
			plan.replaced = append(plan.replaced, s.connID)
		}
		n -= min(n, uint64(len(others)))
	}

	plan.rec = sessionRec{sessionID: in.SessionID, nodeID: nodeID, createdAt: now, updatedAt: now}
	if prev != nil {
		plan.rec.createdAt = prev.createdAt
		plan.rec.revision = prev.revision + 1
		if prev.nodeID != nodeID {
			if err := txn.Delete(nodeKey(prev.nodeID, u.ns, connID)); err != nil {
				return plan, err
			}
		}
	}
	if err := txn.Set(u.sessionKey(connID), plan.rec.appendTo(nil)); err != nil {
		return plan, err
	}
	if err := txn.Set(connKey(u.ns, connID), []byte(u.user)); err != nil {
		return plan, err
	}
	if err := txn.Set(nodeKey(nodeID, u.ns, connID), []byte(u.user)); err != nil {
		return plan, err
	}
	return plan, putGuard(txn, u, n+1)
}
