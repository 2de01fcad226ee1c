package clock

import (
	"time"

	bclock "github.com/benbjohnson/clock"
)

// Clock tells the time and makes timers. Services take one in their
// Config; production code uses [New], tests use [NewMock].
//
// A Clock is safe for concurrent use.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Since returns the time elapsed since t.
	Since(t time.Time) time.Duration
	// Until returns the duration until t.
	Until(t time.Time) time.Duration
	// After waits for d to elapse and then sends the current time on the
	// returned channel.
	After(d time.Duration) <-chan time.Time
	// Sleep pauses the calling goroutine for at least d.
	Sleep(d time.Duration)
	// NewTimer creates a Timer that sends the current time on its channel
	// after at least d.
	NewTimer(d time.Duration) *Timer
	// NewTicker returns a Ticker that sends the time on its channel every d.
	// d must be greater than zero.
	NewTicker(d time.Duration) *Ticker
	// AfterFunc waits for d to elapse and then calls f in its own
	// goroutine. The returned Timer can cancel the call with Stop.
	AfterFunc(d time.Duration, f func()) *Timer
}

// New returns a Clock backed by the operating system's clock.
func New() Clock { return realClock{c: bclock.New()} }

// realClock adapts benbjohnson/clock's real clock to Clock.
type realClock struct{ c bclock.Clock }

func (r realClock) Now() time.Time                         { return r.c.Now() }
func (r realClock) Since(t time.Time) time.Duration        { return r.c.Since(t) }
func (r realClock) Until(t time.Time) time.Duration        { return r.c.Until(t) }
func (r realClock) After(d time.Duration) <-chan time.Time { return r.c.After(d) }
func (r realClock) Sleep(d time.Duration)                  { r.c.Sleep(d) }
func (r realClock) NewTimer(d time.Duration) *Timer        { return wrapTimer(r.c.Timer(d), nil) }
func (r realClock) NewTicker(d time.Duration) *Ticker      { return wrapTicker(r.c.Ticker(d), nil) }
func (r realClock) AfterFunc(d time.Duration, f func()) *Timer {
	return wrapTimer(r.c.AfterFunc(d, f), nil)
}
