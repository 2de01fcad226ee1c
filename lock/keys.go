package lock

import (
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/namespace"
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

// The constant heads of the keys a Lock or Unlock touches, encoded once.
// nsRecordPrefix followed by the name's string segment is the registry's
// Registry.Key(name).
var (
	nsRecordPrefix = namespace.Prefix(service)
	mutexPrefix    = keys.New(service, kindMutex)
	fencePrefix    = keys.New(service, kindFence)
)

// txnKeys are the keys of one mutex transaction: the namespace record it
// reads (so that a namespace deletion conflicts with it), the mutex and,
// for a Lock, the fencing counter.
type txnKeys struct {
	ns, mutex, fence []byte
}

// appendTxnKeys builds the keys of id into buf (reusing its memory) and
// returns the grown buffer and the keys, which are capped sub-slices of it;
// fence is nil unless withFence. They equal nsKey(id.ns) as the registry
// builds it, id.mutexKey() and id.fenceKey(), at the cost of at most one
// allocation instead of five.
func appendTxnKeys(buf []byte, id lockID, withFence bool) ([]byte, txnKeys) {
	buf = append(buf[:0], nsRecordPrefix...)
	buf = keys.AppendStr(buf, id.ns)
	nsEnd := len(buf)
	buf = append(buf, mutexPrefix...)
	tail := len(buf) // the (ns, user, property) segments, shared with the fence key
	buf = keys.AppendStr(buf, id.ns)
	buf = keys.AppendStr(buf, id.user)
	buf = keys.AppendStr(buf, id.prop)
	mEnd := len(buf)
	if withFence {
		buf = append(buf, fencePrefix...)
		buf = append(buf, buf[tail:mEnd]...)
	}
	// Slice only now: an append above may have moved the buffer.
	k := txnKeys{ns: buf[:nsEnd:nsEnd], mutex: buf[nsEnd:mEnd:mEnd]}
	if withFence {
		k.fence = buf[mEnd:len(buf):len(buf)]
	}
	return buf, k
}

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
