package gateway

import (
	"context"
	"fmt"
	"slices"

	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/store"
)

// LiveBound returns the IDs of this node's connections bound to user in
// namespace ns, in memory, sorted.
func LiveBound(s *Service, ns, user string) []string {
	ids := s.live.boundTo(userRef{ns: ns, user: user})
	slices.Sort(ids)
	return ids
}

// LiveCount returns the number of connections this node holds in memory.
func LiveCount(s *Service) int {
	s.live.mu.RLock()
	defer s.live.mu.RUnlock()
	return len(s.live.conns)
}

// CheckStore verifies the invariants of the session records in st: every
// session has its connection entry (naming its user) and its node index
// entry (naming its user); every connection and node entry has its
// session; every user guard counts the user's sessions, and exists only
// for users with sessions.
func CheckStore(st store.Store) error {
	return st.View(context.Background(), func(txn store.Txn) error {
		type sess struct{ ns, user, conn, node string }
		var sessions []sess
		counts := map[userRef]uint64{}
		conns := map[[2]string]string{} // (ns, conn) -> user
		nodes := map[[3]string]string{} // (node, ns, conn) -> user
		guards := map[userRef]uint64{}
		var derr error
		err := txn.Scan(keys.New(serviceToken), store.ScanOptions{}, func(k, v []byte) bool {
			d := keys.NewDecoder(k)
			str := func() string {
				s, err := d.Str()
				if err != nil && derr == nil {
					derr = err
				}
				return s
			}
			str() // service
			switch str() {
			case kindSession:
				s := sess{ns: str(), user: str(), conn: str()}
				rec, err := decodeSession(v)
				if err != nil {
					derr = err
					return false
				}
				s.node = rec.nodeID
				sessions = append(sessions, s)
				counts[userRef{s.ns, s.user}]++
			case kindConn:
				ns, c := str(), str()
				conns[[2]string{ns, c}] = string(v)
			case kindNode:
				n, ns, c := str(), str(), str()
				nodes[[3]string{n, ns, c}] = string(v)
			case kindUser:
				u := userRef{ns: str(), user: str()}
				g, err := decodeGuard(v)
				if err != nil {
					derr = err
					return false
				}
				guards[u] = g
			}
			return derr == nil
		})
		if err != nil {
			return err
		}
		if derr != nil {
			return derr
		}
		for _, s := range sessions {
			if u, ok := conns[[2]string{s.ns, s.conn}]; !ok || u != s.user {
				return fmt.Errorf("session %v: connection entry %q, %v", s, u, ok)
			}
			delete(conns, [2]string{s.ns, s.conn})
			if u, ok := nodes[[3]string{s.node, s.ns, s.conn}]; !ok || u != s.user {
				return fmt.Errorf("session %v: node entry %q, %v", s, u, ok)
			}
			delete(nodes, [3]string{s.node, s.ns, s.conn})
		}
		if len(conns) > 0 {
			return fmt.Errorf("connection entries without a session: %v", conns)
		}
		if len(nodes) > 0 {
			return fmt.Errorf("node entries without a session: %v", nodes)
		}
		for u, n := range counts {
			if guards[u] != n {
				return fmt.Errorf("user %v: guard %d, %d sessions", u, guards[u], n)
			}
			delete(guards, u)
		}
		if len(guards) > 0 {
			return fmt.Errorf("guards without sessions: %v", guards)
		}
		return nil
	})
}

// WaitBackground waits for the background work started so far (the drops
// of slow consumers).
func WaitBackground(s *Service) { s.live.bg.Wait() }
