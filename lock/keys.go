package lock

import (
	"github.com/hearth-go/hearth/internal/keys"
)

// Key layout. Every key starts with the service token:
//
//	("lock", "namespace", ns)               the namespace record (registry)
//	("lock", "mutex", ns, user, property)   a held mutex (record.encode)
//	("lock", "fence", ns, user, property)   the last fencing token issued
//
// The fencing counter is a separate key that survives unlock and expiry, so
// tokens strictly increase per namespace, user and property; it is deleted
// with the namespace and by Clean, after which tokens restart.
const (
	service   = "lock"
	kindMutex = "mutex"
	kindFence = "fence"
)

// lockID names one mutex.
type lockID struct {
	ns, user, prop string
}

func (id lockID) mutexKey() keys.Key { return keys.New(service, kindMutex, id.ns, id.user, id.prop) }
func (id lockID) fenceKey() keys.Key { return keys.New(service, kindFence, id.ns, id.user, id.prop) }

// userPrefix is the prefix of every mutex key of user in ns.
func userPrefix(kind, ns, user string) keys.Key { return keys.New(service, kind, ns, user) }

// nsPrefix is the prefix of every key of kind in ns.
func nsPrefix(kind, ns string) keys.Key { return keys.New(service, kind, ns) }

// parseMutexKey returns the lockID of a mutex or fence key.
func parseMutexKey(k []byte) (lockID, error) {
	d := keys.NewDecoder(k)
	var segs [5]string
	for i := range segs {
		s, err := d.Str()
		if err != nil {
			return lockID{}, err
		}
		segs[i] = s
	}
	return lockID{ns: segs[2], user: segs[3], prop: segs[4]}, nil
}

// parseProperty returns the property segment of a key that starts with a
// user prefix of length n.
func parseProperty(k []byte, n int) (string, error) {
	return keys.NewDecoder(k[n:]).Str()
}
