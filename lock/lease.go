package lock

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/store"
)

// Lease is the handle Acquire returns on a mutex it took. It is safe for
// concurrent use.
//
// A lease is lost — its Done channel closes — when the mutex expires on the
// service clock without a Refresh, when it is force-deleted (DeleteMutex),
// when its namespace is deleted, when it is unlocked (through the Lease or
// through Service.Unlock down to 0), and when the Service is stopped.
type Lease struct {
	s      *Service
	id     lockID
	tx     string
	token  uint64
	offset time.Duration // the clock offset of the Acquire call
	renew  time.Duration // the ttl of automatic renewals; 0 for none
	done   chan struct{}

	mu    sync.Mutex
	mutex Mutex
	ended bool // Done is closed and the timers are stopped
	gone  bool // the hold is no longer this lease's: unlocked through it, or lost

	// op serializes Unlock and Refresh of this lease (a user's call and
	// the watchdog), so neither acts after the other ended the hold.
	op       sync.Mutex
	expiry   *clock.Timer
	watchdog *clock.Timer
}

func (s *Service) newLease(ctx context.Context, id lockID, tx string, rec record, renew time.Duration) *Lease {
	return &Lease{
		s:      s,
		id:     id,
		tx:     tx,
		token:  rec.token,
		offset: clock.Offset(ctx),
		renew:  renew,
		done:   make(chan struct{}),
		mutex:  s.toMutex(id, rec),
	}
}

// Done returns a channel that is closed when the lease is lost or ended.
// After it closes the caller must stop relying on the lock: another
// transaction may hold it.
func (l *Lease) Done() <-chan struct{} { return l.done }

// FencingToken returns the mutex's fencing token for this lease. It is
// greater than the token of every earlier holder of the mutex.
func (l *Lease) FencingToken() uint64 { return l.token }

// Mutex returns the mutex as of the last Acquire or Refresh of this lease.
func (l *Lease) Mutex() Mutex {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.mutex
}

// Unlock releases this lease's hold on the mutex (one reference) and ends
// the lease: Done closes and automatic renewal stops. It returns the mutex
// as after the call. If the lease was already lost it returns an error
// matching ErrNotFound.
func (l *Lease) Unlock(ctx context.Context) (*Mutex, error) {
	// A lease releases its one reference at most once: a second Unlock
	// would take a reference of another lease of the same transaction, or
	// the hold of a successor that reused the token after Clean or a
	// namespace re-creation.
	l.op.Lock()
	defer l.op.Unlock()
	if l.isGone() {
		return nil, wrap("unlock lease", errs.NotFound("lease on mutex %q of user %q", l.id.prop, l.id.user))
	}
	rec, err := l.s.unlock(ctx, l.id, l.tx, l.token)
	if err == nil || errors.Is(err, errs.ErrNotFound) {
		l.s.endLease(l)
	}
	if err != nil {
		return nil, wrap("unlock lease", err)
	}
	m := l.s.toMutex(l.id, rec)
	return &m, nil
}

// Refresh extends the lease: ttlAt becomes max(ttlAt, now + ttl) (ttl 0
// means DefaultTTL). If the lease was lost (expired, deleted, or the mutex
// is now held by another holder) it returns an error matching ErrNotFound
// and Done closes.
func (l *Lease) Refresh(ctx context.Context, ttl time.Duration) (*Mutex, error) {
	if err := checkTTL(ttl); err != nil {
		return nil, wrap("refresh lease", err)
	}
	l.op.Lock()
	defer l.op.Unlock()
	if l.isGone() {
		return nil, wrap("refresh lease", errs.NotFound("lease on mutex %q of user %q", l.id.prop, l.id.user))
	}
	now := clock.Now(ctx, l.s.clock)
	nowMs := clock.Millis(now)
	ttlAt := expiry(now, ttl)
	mk := l.id.mutexKey()
	var rec record
	err := store.UpdateRetry(ctx, l.s.st, func(txn store.Txn) error {
		if err := l.s.nsExists(txn, l.id.ns); err != nil {
			return err
		}
		cur, found, err := getRecord(txn, mk, l.tx)
		if err != nil {
			return err
		}
		if !found || !cur.live(nowMs) || cur.token != l.token || cur.tx != l.tx {
			return errs.NotFound("lease on mutex %q of user %q", l.id.prop, l.id.user)
		}
		cur.ttlAt = max(cur.ttlAt, ttlAt)
		cur.revision++
		rec = cur
		return txn.Set(mk, cur.encode())
	})
	if errors.Is(err, errs.ErrNotFound) {
		l.s.endLease(l)
	}
	if err != nil {
		return nil, wrap("refresh lease", err)
	}
	m := l.s.toMutex(l.id, rec)
	l.mu.Lock()
	l.mutex = m
	l.mu.Unlock()
	l.armExpiry(rec.ttlAt)
	return &m, nil
}

// isGone reports whether the lease's hold has ended (see endLease).
func (l *Lease) isGone() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gone
}

// now is the service clock's time with the lease's offset.
func (l *Lease) now() time.Time { return l.s.clock.Now().Add(l.offset) }

// ctx returns a background context carrying the lease's offset.
func (l *Lease) ctx() context.Context {
	return clock.WithOffset(context.Background(), l.offset)
}

// start arms the expiry timer and, with automatic renewal, the watchdog.
func (l *Lease) start() {
	l.armExpiry(l.Mutex().TTLAt)
	if l.renew > 0 {
		l.armWatchdog()
	}
}

// armExpiry (re)arms the timer that checks the lease at ttlAt.
func (l *Lease) armExpiry(ttlAt int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ended {
		return
	}
	if l.expiry != nil {
		l.expiry.Stop()
	}
	l.expiry = l.s.clock.AfterFunc(time.UnixMilli(ttlAt).Sub(l.now()), l.checkExpiry)
}

// checkExpiry runs at the lease's ttlAt: if the mutex is still held under
// this lease with a later ttlAt (extended by a re-entrant Lock), it re-arms;
// otherwise the lease is lost.
func (l *Lease) checkExpiry() {
	if !l.s.enter() {
		return
	}
	defer l.s.exit()
	nowMs := clock.Millis(l.now())
	var rec record
	var held bool
	err := l.s.st.View(l.ctx(), func(txn store.Txn) error {
		cur, found, err := getRecord(txn, l.id.mutexKey(), l.tx)
		held = err == nil && found && cur.live(nowMs) && cur.token == l.token && cur.tx == l.tx
		rec = cur
		return err
	})
	if err != nil {
		l.s.log.Error("lock: checking a lease", "namespace", l.id.ns, "user", l.id.user, "property", l.id.prop, "err", err)
	}
	if !held {
		l.s.endLease(l)
		return
	}
	l.armExpiry(rec.ttlAt)
}

// armWatchdog arms the next automatic renewal, a third of the ttl away.
func (l *Lease) armWatchdog() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ended {
		return
	}
	l.watchdog = l.s.clock.AfterFunc(max(l.renew/3, time.Millisecond), l.renewNow)
}

// renewNow is the watchdog: it refreshes the lease with its ttl and re-arms
// unless the lease was lost.
func (l *Lease) renewNow() {
	if !l.s.enter() {
		return
	}
	defer l.s.exit()
	if _, err := l.Refresh(l.ctx(), l.renew); err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			return // lost: Refresh ended the lease
		}
		l.s.log.Error("lock: renewing a lease", "namespace", l.id.ns, "user", l.id.user, "property", l.id.prop, "err", err)
	}
	l.armWatchdog()
}

// end stops the lease's timers and closes Done, once.
func (l *Lease) end() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ended {
		return
	}
	l.ended = true
	if l.expiry != nil {
		l.expiry.Stop()
	}
	if l.watchdog != nil {
		l.watchdog.Stop()
	}
	close(l.done)
}
