package lock

import (
	"context"
	"errors"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/page"
	"github.com/hearth-go/hearth/store"
)

// Lock takes the mutex on propertyID of userID for transaction txID, for
// ttl (0 means DefaultTTL, one hour), without waiting (GS2's lock: a
// TryLock).
//
// A free or expired mutex is taken with reference count 1, ttlAt = now + ttl
// and a new fencing token. A mutex held by txID is taken again: its
// reference count grows by one and ttlAt becomes max(ttlAt, now + ttl). A
// mutex held by another transaction is an error matching ErrConflict, and
// nothing changes. A missing namespace is an error matching ErrNotFound.
func (s *Service) Lock(ctx context.Context, namespaceName, userID, propertyID, txID string, ttl time.Duration) (*Mutex, error) {
	id := lockID{ns: namespaceName, user: userID, prop: propertyID}
	if err := checkLock(id, txID, ttl); err != nil {
		return nil, wrap("lock", err)
	}
	rec, _, err := s.lock(ctx, id, txID, ttl, false)
	if err != nil {
		return nil, wrap("lock", err)
	}
	m := s.toMutex(id, rec)
	return &m, nil
}

func checkLock(id lockID, txID string, ttl time.Duration) error {
	if err := checkID(id); err != nil {
		return err
	}
	if err := checkTx(txID); err != nil {
		return err
	}
	return checkTTL(ttl)
}

// lock runs the lock transaction (mutexTxn.lock). On a mutex held by
// another transaction it returns an error matching ErrConflict and, in
// holder, that mutex. With relockOnly it takes the mutex only if txID holds
// it already, and returns errNotHolder (writing nothing) if the mutex is
// free.
func (s *Service) lock(ctx context.Context, id lockID, txID string, ttl time.Duration, relockOnly bool) (rec, holder record, err error) {
	now := clock.Now(ctx, s.clock)
	t := s.newMutexTxn(id, txID, clock.Millis(now), true)
	defer t.free()
	t.ttlAt = expiry(now, ttl)
	t.relockOnly = relockOnly
	err = s.batch.Do(ctx, t.lockFn)
	if errors.Is(err, errHeld) {
		return record{}, t.holder, errs.Conflict("mutex %q of user %q is held by another transaction", id.prop, id.user)
	}
	return t.rec, t.holder, err
}

// Unlock releases one hold of txID on the mutex: the reference count
// decreases by one and, at 0, the mutex is deleted (it is then free, and
// waiters in Acquire are woken). It returns the mutex as it is after the
// call (ReferenceCount 0 once released). A mutex held by another transaction
// is an error matching ErrConflict; a missing or expired one, ErrNotFound.
func (s *Service) Unlock(ctx context.Context, namespaceName, userID, propertyID, txID string) (*Mutex, error) {
	id := lockID{ns: namespaceName, user: userID, prop: propertyID}
	if err := checkID(id); err != nil {
		return nil, wrap("unlock", err)
	}
	if err := checkTx(txID); err != nil {
		return nil, wrap("unlock", err)
	}
	rec, err := s.unlock(ctx, id, txID, 0)
	if err != nil {
		return nil, wrap("unlock", err)
	}
	m := s.toMutex(id, rec)
	return &m, nil
}

// unlock runs the unlock transaction (mutexTxn.unlock); with token != 0
// the mutex must also carry that fencing token (a Lease's unlock). After a
// release it signals the waiters and leases of the mutex.
func (s *Service) unlock(ctx context.Context, id lockID, txID string, token uint64) (rec record, err error) {
	t := s.newMutexTxn(id, txID, clock.Millis(clock.Now(ctx, s.clock)), false)
	defer t.free()
	t.token = token
	err = s.batch.Do(ctx, t.unlockFn)
	rec = t.rec
	if err == nil && rec.refs == 0 {
		s.released(id, rec.token)
	}
	return rec, err
}

// GetMutex returns the mutex on propertyID of userID, or an error matching
// ErrNotFound if it is free or expired.
func (s *Service) GetMutex(ctx context.Context, namespaceName, userID, propertyID string) (*Mutex, error) {
	id := lockID{ns: namespaceName, user: userID, prop: propertyID}
	if err := checkID(id); err != nil {
		return nil, wrap("get mutex", err)
	}
	nowMs := clock.Millis(clock.Now(ctx, s.clock))
	var rec record
	err := s.st.View(ctx, func(txn store.Txn) error {
		if err := s.nsExists(txn, id.ns); err != nil {
			return err
		}
		cur, found, err := getRecord(txn, id.mutexKey(), "")
		if err != nil {
			return err
		}
		if !found || !cur.live(nowMs) {
			return errs.NotFound("mutex %q of user %q", id.prop, id.user)
		}
		rec = cur
		return nil
	})
	if err != nil {
		return nil, wrap("get mutex", err)
	}
	m := s.toMutex(id, rec)
	return &m, nil
}

// DeleteMutex force-deletes the mutex on propertyID of userID whatever its
// holder and reference count (GS2's deleteMutexByUserId, an administrative
// operation) and returns it as it was. The lease of its holder is lost
// (Done closes) and waiters are woken. A free or expired mutex is an error
// matching ErrNotFound.
func (s *Service) DeleteMutex(ctx context.Context, namespaceName, userID, propertyID string) (*Mutex, error) {
	id := lockID{ns: namespaceName, user: userID, prop: propertyID}
	if err := checkID(id); err != nil {
		return nil, wrap("delete mutex", err)
	}
	nowMs := clock.Millis(clock.Now(ctx, s.clock))
	mk := id.mutexKey()
	var rec record
	err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		if err := s.nsExists(txn, id.ns); err != nil {
			return err
		}
		cur, found, err := getRecord(txn, mk, "")
		if err != nil {
			return err
		}
		if !found || !cur.live(nowMs) {
			return errs.NotFound("mutex %q of user %q", id.prop, id.user)
		}
		rec = cur
		return txn.Delete(mk)
	})
	if err != nil {
		return nil, wrap("delete mutex", err)
	}
	s.released(id, rec.token)
	m := s.toMutex(id, rec)
	return &m, nil
}

// DescribeMutexes lists the mutexes userID holds in the namespace, by
// property ID, one page at a time (limit 1..1000, 0 means 30); expired
// mutexes are not listed. nextPageToken is empty on the last page.
func (s *Service) DescribeMutexes(ctx context.Context, namespaceName, userID, pageToken string, limit int) (items []Mutex, nextPageToken string, err error) {
	const op = "describe mutexes"
	if err := namespace.ValidateName(namespaceName); err != nil {
		return nil, "", wrap(op, err)
	}
	if err := checkUser(userID); err != nil {
		return nil, "", wrap(op, err)
	}
	prefix := userPrefix(kindMutex, namespaceName, userID)
	if _, err := page.Decode(prefix, pageToken); err != nil {
		return nil, "", wrap(op, err)
	}
	if limit, err = checkLimit(limit); err != nil {
		return nil, "", wrap(op, err)
	}
	nowMs := clock.Millis(clock.Now(ctx, s.clock))
	err = s.st.View(ctx, func(txn store.Txn) error {
		if err := s.nsExists(txn, namespaceName); err != nil {
			return err
		}
		var err error
		items, nextPageToken, err = page.Collect(txn, prefix, pageToken, limit, func(k, v []byte) (Mutex, bool, error) {
			rec, err := decodeRecord(v)
			if err != nil {
				return Mutex{}, false, err
			}
			if !rec.live(nowMs) {
				return Mutex{}, false, nil
			}
			prop, err := parseProperty(k, len(prefix))
			if err != nil {
				return Mutex{}, false, err
			}
			return s.toMutex(lockID{ns: namespaceName, user: userID, prop: prop}, rec), true, nil
		})
		return err
	})
	if err != nil {
		return nil, "", wrap(op, err)
	}
	return items, nextPageToken, nil
}

// getRecord reads the mutex record at key.
// A record held by tx shares that string (decodeRecordOf); pass "" when no
// holder is expected.
func getRecord(txn store.Txn, key []byte, tx string) (record, bool, error) {
	v, err := txn.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return record{}, false, nil
	}
	if err != nil {
		return record{}, false, err
	}
	rec, err := decodeRecordOf(v, tx)
	return rec, err == nil, err
}

// getToken reads the fencing counter at key (0 when absent).
func getToken(txn store.Txn, key []byte) (uint64, error) {
	v, err := txn.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return decodeToken(v)
}

// mutexGRN returns the GRN of the mutex id,
// grn:gs2:{region}:{owner}:lock:{ns}:user:{user}:property:{prop}, as
// s.grn.Make(service, id.ns, "user", id.user, "property", id.prop) would, in
// one allocation: every Lock and Unlock returns one.
func (s *Service) mutexGRN(id lockID) string {
	return s.grnPrefix + id.ns + ":user:" + id.user + ":property:" + id.prop
}

// toMutex builds the public model of rec.
func (s *Service) toMutex(id lockID, rec record) Mutex {
	return Mutex{
		MutexID:        s.mutexGRN(id),
		UserID:         id.user,
		PropertyID:     id.prop,
		TransactionID:  rec.tx,
		ReferenceCount: rec.refs,
		CreatedAt:      rec.createdAt,
		TTLAt:          rec.ttlAt,
		Revision:       rec.revision,
		FencingToken:   rec.token,
	}
}
