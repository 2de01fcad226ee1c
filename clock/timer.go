package clock

import (
	"time"

	bclock "github.com/benbjohnson/clock"
)

// Timer is a single event, like [time.Timer]. The time is sent on C unless
// the Timer was made by AfterFunc, in which case C is nil.
//
// Stop and Reset guarantee, as time.Timer does since Go 1.23, that no stale
// value is received from C after they return.
type Timer struct {
	// C receives the time when the timer fires. Nil for AfterFunc timers.
	C <-chan time.Time

	t    *bclock.Timer
	mock *Mock // nil on the real clock
}

func wrapTimer(t *bclock.Timer, m *Mock) *Timer {
	return &Timer{C: t.C, t: t, mock: m}
}

// Stop prevents the Timer from firing. It returns true if the call stops
// the timer, false if the timer has already fired or been stopped.
func (t *Timer) Stop() bool {
	if t.t == nil { // an AfterFunc with d <= 0 on the mock, already run
		return false
	}
	stopped := t.t.Stop()
	t.drain()
	if t.mock != nil {
		t.mock.disarm(t)
	}
	return stopped
}

// Reset changes the timer to fire after d. It returns true if the timer had
// been active, false if it had fired or been stopped.
func (t *Timer) Reset(d time.Duration) bool {
	if t.t == nil {
		return false
	}
	t.drain()
	if t.mock != nil {
		return t.mock.resetTimer(t, d)
	}
	return t.t.Reset(d)
}

// drain discards a value the timer sent and nobody received, so that a
// stopped or reset timer never delivers a stale time.
func (t *Timer) drain() {
	if t.C == nil {
		return
	}
	select {
	case <-t.C:
	default:
	}
}

// Ticker delivers ticks at intervals, like [time.Ticker].
type Ticker struct {
	// C receives the ticks.
	C <-chan time.Time

	t    *bclock.Ticker
	mock *Mock
}

func wrapTicker(t *bclock.Ticker, m *Mock) *Ticker {
	return &Ticker{C: t.C, t: t, mock: m}
}

// Stop turns off the ticker. No more ticks are sent after Stop returns,
// though one already sent may still be waiting in C.
func (t *Ticker) Stop() {
	t.t.Stop()
	if t.mock != nil {
		t.mock.disarmTicker(t)
	}
}

// Reset stops the ticker and resets its period to d; the next tick arrives
// after d. d must be greater than zero.
func (t *Ticker) Reset(d time.Duration) {
	t.t.Reset(d)
	if t.mock != nil {
		t.mock.armTicker(t)
	}
}
