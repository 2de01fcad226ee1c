package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// RetryPolicy bounds how Retry repeats an operation that conflicted.
// The zero value (or a nil *RetryPolicy) means DefaultRetryPolicy.
type RetryPolicy struct {
	// MaxAttempts is the total number of tries, the first included.
	MaxAttempts int
	// BaseDelay is the upper bound of the random wait before the second
	// try; it doubles for every later try, up to MaxDelay.
	BaseDelay time.Duration
	// MaxDelay caps the wait between two tries.
	MaxDelay time.Duration
}

// DefaultRetryPolicy suits short service transactions under contention:
// up to 500 tries (about half a second at worst), waits drawn uniformly
// from [0, 20µs·2ⁿ] capped at 2ms. The cap is low on purpose: an operation
// that lost many times must not wait much longer than a fresh one, or it
// starves behind them. Badger with 16 writers on one key under -race needs
// up to ~100 tries for one operation.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 500, BaseDelay: 20 * time.Microsecond, MaxDelay: 2 * time.Millisecond}

// Retry calls op until it returns an error that is not ErrConflict (nil
// included), the policy's attempts run out, or ctx is done. Between tries
// it waits a random ("full jitter") exponential backoff, so contending
// writers spread out instead of colliding again in lockstep.
//
// The waits are on the wall clock, not on an injected clock: they are
// about CPU contention, not domain time, and must not stall under a
// mock clock that a test never advances.
//
// When the attempts run out, Retry returns the last ErrConflict. When ctx
// ends first, it returns ctx.Err().
func Retry(ctx context.Context, p *RetryPolicy, op func() error) error {
	pol := DefaultRetryPolicy
	if p != nil && p.MaxAttempts > 0 {
		pol = *p
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || !errors.Is(err, ErrConflict) || attempt >= pol.MaxAttempts {
			return err
		}
		d := backoff(pol, attempt)
		if d <= 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			continue
		}
		if timer == nil {
			timer = time.NewTimer(d)
		} else {
			timer.Reset(d)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// backoff returns the jittered wait after the given failed attempt (1-based).
func backoff(p RetryPolicy, attempt int) time.Duration {
	if p.BaseDelay <= 0 {
		return 0
	}
	ceil := p.BaseDelay
	for i := 1; i < attempt && ceil < p.MaxDelay; i++ {
		ceil *= 2
	}
	if p.MaxDelay > 0 && ceil > p.MaxDelay {
		ceil = p.MaxDelay
	}
	return rand.N(ceil + 1)
}

// UpdateRetry runs s.Update(ctx, fn) under Retry with the default policy.
// fn may run several times, so it must not have side effects outside the
// transaction (or must tolerate repeating them).
func UpdateRetry(ctx context.Context, s Store, fn func(Txn) error) error {
	return Retry(ctx, nil, func() error { return s.Update(ctx, fn) })
}
