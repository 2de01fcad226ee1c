package lock

import (
	"context"
	"errors"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
)

// AcquireOption tunes Acquire.
type AcquireOption func(*acquireOptions)

type acquireOptions struct {
	autoRenew bool
}

// WithAutoRenew makes the lease renew itself, like Redisson's watchdog:
// every ttl/3 of the service clock it refreshes the mutex to now + ttl, until
// the lease is unlocked or lost or the service stops.
func WithAutoRenew() AcquireOption {
	return func(o *acquireOptions) { o.autoRenew = true }
}

// Acquire takes the mutex like Lock, waiting while another transaction
// holds it, and returns a Lease on it.
//
// Waiters of one mutex in this process are served in arrival order: a new
// Acquire never overtakes one already waiting (Lock, a TryLock, is not
// queued and may). A waiter at the head of the queue tries the lock when the
// mutex is released in this process (Unlock to 0, DeleteMutex, the sweep,
// namespace deletion) or when the holder's ttlAt passes on the service
// clock, whichever comes first; there is no polling. A holder in another
// process is therefore waited for until its ttlAt.
//
// If ctx ends first, Acquire leaves the queue and returns ctx.Err(); if the
// lock was taken just as ctx ended it is released again, so nothing is left
// behind. Validation errors and a missing namespace (ErrNotFound) return at
// once. After Stop, Acquire returns ErrStopped.
func (s *Service) Acquire(ctx context.Context, namespaceName, userID, propertyID, txID string, ttl time.Duration, opts ...AcquireOption) (*Lease, error) {
	id := lockID{ns: namespaceName, user: userID, prop: propertyID}
	if err := checkLock(id, txID, ttl); err != nil {
		return nil, wrap("acquire", err)
	}
	var o acquireOptions
	for _, opt := range opts {
		opt(&o)
	}
	var renew time.Duration
	if o.autoRenew {
		renew = effectiveTTL(ttl)
	}
	if s.Waiters(id.ns, id.user, id.prop) > 0 {
		// Others are queued. If txID holds the mutex already, it must not
		// queue behind them: they wait for it, so it would wait for itself
		// until its ttlAt. Re-entry is served at once, as Lock does.
		rec, _, err := s.lock(ctx, id, txID, ttl, true)
		switch {
		case err == nil:
			return s.handOut(ctx, id, nil, txID, rec, renew)
		case !errors.Is(err, errNotHolder) && !errors.Is(err, errs.ErrConflict):
			return nil, wrap("acquire", err)
		}
	}
	w := &waiter{wake: make(chan struct{}, 1)}
	if err := s.enqueue(id, w, txID); err != nil {
		return nil, wrap("acquire", err)
	}
	var timer *clock.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		var expired <-chan time.Time
		if timer != nil {
			expired = timer.C
		}
		select {
		case <-ctx.Done():
			s.dequeue(id, w, nil)
			return nil, ctx.Err()
		case <-s.stopping:
			s.dequeue(id, w, nil)
			return nil, wrap("acquire", ErrStopped)
		case <-w.wake:
		case <-expired:
		}
		rec, holder, err := s.lock(ctx, id, txID, ttl, false)
		switch {
		case err == nil && ctx.Err() != nil:
			// Taken just as ctx ended: give it back.
			s.dequeue(id, w, nil)
			s.undo(ctx, id, txID, rec)
			return nil, ctx.Err()
		case err == nil:
			return s.handOut(ctx, id, w, txID, rec, renew)
		case ctx.Err() != nil:
			s.dequeue(id, w, nil)
			return nil, ctx.Err()
		case holder.tx == "":
			s.dequeue(id, w, nil)
			return nil, wrap("acquire", err)
		}
		// Held: wait for a release signal or the holder's ttlAt.
		d := time.UnixMilli(holder.ttlAt).Sub(clock.Now(ctx, s.clock))
		if d <= 0 {
			w.signal()
			continue
		}
		if timer == nil {
			timer = s.clock.NewTimer(d)
		} else {
			timer.Reset(d)
		}
	}
}

// handOut turns the hold rec, just committed, into a Lease: it leaves the
// queue (w, if any) and registers the lease in one step, so that releases
// from then on end it. A release that landed between the commit and the
// registration (a DeleteMutex, say) was not seen by the lease, so the lease
// then reads the mutex once and ends at once if its hold is gone.
func (s *Service) handOut(ctx context.Context, id lockID, w *waiter, txID string, rec record, renew time.Duration) (*Lease, error) {
	if s.hooks.acquired != nil {
		s.hooks.acquired(id.ns, id.user, id.prop, txID)
	}
	l := s.newLease(ctx, id, txID, rec, renew)
	if !s.dequeue(id, w, l) {
		s.undo(ctx, id, txID, rec)
		return nil, ErrStopped
	}
	l.start()
	l.checkExpiry()
	return l, nil
}

// undo releases the hold an Acquire took but cannot hand out.
func (s *Service) undo(ctx context.Context, id lockID, txID string, rec record) {
	if _, err := s.unlock(context.WithoutCancel(ctx), id, txID, rec.token); err != nil && !errors.Is(err, ErrNotFound) {
		s.log.Error("lock: releasing an abandoned acquisition", "namespace", id.ns, "user", id.user, "property", id.prop, "err", err)
	}
}
