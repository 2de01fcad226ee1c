// Package clock is Hearth's injectable clock. Every service takes a
// [Clock] in its Config, reads "now" through it and arms its timers on it,
// so tests control time instead of waiting for it.
//
// [New] returns the real clock; [NewMock] a manual one for tests. This is
// the only package that imports github.com/benbjohnson/clock, so it can be
// replaced without touching the services.
//
// # Time offset
//
// GS2 lets a single request run "in the future" with a timeOffsetToken.
// Hearth does the same with a context value: [WithOffset] attaches an
// offset and [Now] (which every service call uses instead of c.Now())
// applies it. Timers are not affected: the offset shifts what one call
// believes the time is, not the clock.
//
// # Driving the mock without sleeps
//
// The mock fires timers, tickers, After channels, sleepers and AfterFunc
// callbacks inside [Mock.Add] and [Mock.Set], in deadline order. A test
// therefore has to make sure a timer is armed before it advances time —
// otherwise Add runs first, the goroutine arms its timer afterwards, and
// the timer waits for the next Add. Never paper over this with
// time.Sleep. Instead:
//
//  1. Start the work that arms the timer (or call the method that does).
//  2. Wait until it is armed: [Mock.BlockUntil](n) returns once n waiters
//     are armed (a service may also expose a test signal for the event).
//  3. Advance: Add(d) fires everything due by now+d.
//  4. Wait for the consequence on a channel or signal, not on a sleep:
//     AfterFunc callbacks run on their own goroutine, so their effects
//     land after Add returns.
//
// For example:
//
//	mock := clock.NewMock()
//	done := make(chan struct{})
//	go func() { mock.Sleep(time.Minute); close(done) }()
//	mock.BlockUntil(1)    // the sleeper is armed
//	mock.Add(time.Minute) // wakes it
//	<-done
//
// A new Mock starts at [Epoch], a fixed instant, so timestamps in test
// expectations are stable.
//
// # Concurrency
//
// Both clocks are safe for concurrent use. Add and Set on a Mock must be
// called from one goroutine at a time.
package clock
