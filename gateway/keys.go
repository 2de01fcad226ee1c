package gateway

import (
	"github.com/hearth-go/hearth/internal/keys"
)

// Key layout. Every key starts with the service token "gateway":
//
//	("gateway", "namespace", ns)                 the namespace record (registry)
//	("gateway", "user", ns, user)                the user's guard: its number of sessions
//	("gateway", "session", ns, user, connID)     a session (sessionRec)
//	("gateway", "conn", ns, connID)              a bound connection's user ID
//	("gateway", "node", nodeID, ns, connID)      a node's sessions (value: the user ID)
//	("gateway", "firebase", ns, user)            the user's device token (tokenRec)
//
// Every bind and unbind of a user's sessions reads and writes the user's
// guard, so the single-session rules of SetUserID serialize per user (a
// Scan of the sessions alone would not conflict with a concurrent insert),
// while different users never conflict.
const (
	kindUser     = "user"
	kindSession  = "session"
	kindConn     = "conn"
	kindNode     = "node"
	kindFirebase = "firebase"
)

// userRef names one user of one namespace.
type userRef struct {
	ns, user string
}

func (u userRef) guardKey() keys.Key      { return keys.New(serviceToken, kindUser, u.ns, u.user) }
func (u userRef) sessionPrefix() keys.Key { return keys.New(serviceToken, kindSession, u.ns, u.user) }
func (u userRef) sessionKey(connID string) keys.Key {
	return keys.New(serviceToken, kindSession, u.ns, u.user, connID)
}
func (u userRef) firebaseKey() keys.Key { return keys.New(serviceToken, kindFirebase, u.ns, u.user) }

func connKey(ns, connID string) keys.Key { return keys.New(serviceToken, kindConn, ns, connID) }

func nodeKey(nodeID, ns, connID string) keys.Key {
	return keys.New(serviceToken, kindNode, nodeID, ns, connID)
}

// nodePrefix is the prefix of every session index entry of nodeID.
func nodePrefix(nodeID string) keys.Key { return keys.New(serviceToken, kindNode, nodeID) }

// nsPrefix is the prefix of every key of kind in namespace ns.
func nsPrefix(kind, ns string) keys.Key { return keys.New(serviceToken, kind, ns) }
