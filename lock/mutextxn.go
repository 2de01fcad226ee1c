package lock

import (
	"errors"
	"fmt"
	"sync"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/store"
)

// mutexTxn is one run of the lock or unlock transaction: its inputs, its
// keys, a buffer for the values it writes, and its results.
//
// Lock and Unlock are the service's hot path, and a closure handed to
// store.UpdateRetry costs a closure object plus a heap cell for every
// variable it captures, on each call. mutexTxn objects are pooled instead,
// with the transaction functions bound once per object (lockFn, unlockFn),
// so that a call allocates neither closures nor buffers. Reusing the
// buffers is sound because a store copies the key and value given to Set
// before it returns and keeps no slice it was given past the transaction
// (both backends copy what they keep from Get and Delete too).
type mutexTxn struct {
	s    *Service
	id   lockID
	txID string

	nowMs int64
	// ttlAt is the expiry a lock gives a new or re-entered hold.
	ttlAt int64
	// relockOnly makes lock take the mutex only if txID holds it already;
	// otherwise it returns errNotHolder and writes nothing.
	relockOnly bool
	// token, for unlock, is the fencing token the mutex must carry; 0
	// accepts any (a Lease's unlock passes its own).
	token uint64

	keys   txnKeys
	keyBuf []byte
	valBuf []byte

	// rec is the mutex as the transaction left it; holder, after a lock
	// that found the mutex held by another transaction, is that mutex.
	rec, holder record

	lockFn, unlockFn func(store.Txn) error
}

// maxPooledBuf is the largest buffer kept for reuse. Typical keys are under
// a hundred bytes; a call with kilobyte-long IDs should not pin its buffers.
const maxPooledBuf = 1 << 10

var mutexTxnPool = sync.Pool{New: func() any {
	t := new(mutexTxn)
	t.lockFn, t.unlockFn = t.lock, t.unlock
	return t
}}

// newMutexTxn returns a pooled mutexTxn for id and txID with its keys built
// (with the fencing counter's when withFence). Release it with free.
func (s *Service) newMutexTxn(id lockID, txID string, nowMs int64, withFence bool) *mutexTxn {
	t := mutexTxnPool.Get().(*mutexTxn)
	t.s, t.id, t.txID, t.nowMs = s, id, txID, nowMs
	t.keyBuf, t.keys = appendTxnKeys(t.keyBuf, id, withFence)
	return t
}

// free clears t, so the pool pins no caller's strings, and returns it to
// the pool.
func (t *mutexTxn) free() {
	keyBuf, valBuf := t.keyBuf[:0], t.valBuf[:0]
	if cap(keyBuf) > maxPooledBuf {
		keyBuf = nil
	}
	if cap(valBuf) > maxPooledBuf {
		valBuf = nil
	}
	*t = mutexTxn{keyBuf: keyBuf, valBuf: valBuf, lockFn: t.lockFn, unlockFn: t.unlockFn}
	mutexTxnPool.Put(t)
}

// lock is the lock transaction (see Service.lock).
func (t *mutexTxn) lock(txn store.Txn) error {
	t.rec, t.holder = record{}, record{}
	if err := nsExistsAt(txn, t.keys.ns, t.id.ns); err != nil {
		return err
	}
	cur, found, err := getRecord(txn, t.keys.mutex, t.txID)
	if err != nil {
		return err
	}
	switch {
	case found && cur.live(t.nowMs) && cur.tx != t.txID:
		t.holder = cur
		return errHeld
	case found && cur.live(t.nowMs):
		cur.refs++
		cur.ttlAt = max(cur.ttlAt, t.ttlAt)
		cur.revision++
		t.rec = cur
	case t.relockOnly:
		return errNotHolder
	default:
		last, err := getToken(txn, t.keys.fence)
		if err != nil {
			return err
		}
		if last >= maxToken {
			// Unreachable through the API (a token grows by one per
			// acquisition, and Import bounds it); never wrap around.
			return fmt.Errorf("fencing counter of mutex %q of user %q is exhausted", t.id.prop, t.id.user)
		}
		t.rec = record{tx: t.txID, refs: 1, createdAt: t.nowMs, ttlAt: t.ttlAt, token: last + 1}
		t.valBuf = appendToken(t.valBuf[:0], t.rec.token)
		if err := txn.Set(t.keys.fence, t.valBuf); err != nil {
			return err
		}
	}
	t.valBuf = t.rec.appendTo(t.valBuf[:0])
	return txn.Set(t.keys.mutex, t.valBuf)
}

// unlock is the unlock transaction (see Service.unlock).
func (t *mutexTxn) unlock(txn store.Txn) error {
	t.rec = record{}
	if err := nsExistsAt(txn, t.keys.ns, t.id.ns); err != nil {
		return err
	}
	cur, found, err := getRecord(txn, t.keys.mutex, t.txID)
	switch {
	case err != nil:
		return err
	case !found || !cur.live(t.nowMs) || (t.token != 0 && cur.token != t.token):
		return errs.NotFound("mutex %q of user %q", t.id.prop, t.id.user)
	case cur.tx != t.txID:
		return errs.Conflict("mutex %q of user %q is held by another transaction", t.id.prop, t.id.user)
	}
	cur.refs--
	t.rec = cur
	if cur.refs == 0 {
		return txn.Delete(t.keys.mutex)
	}
	t.rec.revision++
	t.valBuf = t.rec.appendTo(t.valBuf[:0])
	return txn.Set(t.keys.mutex, t.valBuf)
}

// nsExistsAt reads the namespace record at key (the registry's key of ns)
// inside txn so that a concurrent namespace deletion conflicts with the
// transaction. It does not decode the record, which Registry.GetTxn would
// do: the hot path needs only the existence check and the read-set entry,
// and the JSON decoding cost 40% of a Lock on memstore.
func nsExistsAt(txn store.Txn, key []byte, ns string) error {
	_, err := txn.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return errs.NotFound("namespace %q", ns)
	}
	return err
}
