package clock

import (
	"sync"
	"time"

	bclock "github.com/benbjohnson/clock"
)

// Epoch is where a new [Mock] starts: 2024-01-01T00:00:00Z. A fixed,
// realistic instant keeps Unix-millisecond timestamps in tests readable and
// far from zero (a zero time often means "unset").
var Epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Mock is a Clock whose time moves only when the test says so, with Add or
// Set. Timers, tickers, After, Sleep and AfterFunc fire inside Add/Set, in
// deadline order, with Now equal to each deadline as it fires. AfterFunc
// callbacks run on their own goroutine.
//
// Mock also counts its armed waiters (pending timers, running tickers,
// goroutines in Sleep or waiting on After) so that a test can wait, with
// BlockUntil, for a background goroutine to arm its timer before advancing
// time — see the package documentation.
type Mock struct {
	m *bclock.Mock

	mu      sync.Mutex
	cond    *sync.Cond
	timers  map[*Timer]time.Time // armed one-shot timers and their deadlines
	tickers map[*Ticker]struct{}
}

var _ Clock = (*Mock)(nil)

// NewMock returns a Mock set to [Epoch].
func NewMock() *Mock {
	m := &Mock{
		m:       bclock.NewMock(),
		timers:  make(map[*Timer]time.Time),
		tickers: make(map[*Ticker]struct{}),
	}
	m.cond = sync.NewCond(&m.mu)
	m.m.Set(Epoch)
	return m
}

// Add moves the time forward by d, firing every timer and ticker whose
// deadline is reached, in order. Call it from one goroutine at a time.
func (m *Mock) Add(d time.Duration) { m.m.Add(d) }

// Set moves the time to t, firing every timer whose deadline is reached.
// Call it from one goroutine at a time.
func (m *Mock) Set(t time.Time) { m.m.Set(t) }

// Now returns the mock's current time.
func (m *Mock) Now() time.Time { return m.m.Now() }

// Since returns the mock time elapsed since t.
func (m *Mock) Since(t time.Time) time.Duration { return m.m.Since(t) }

// Until returns the mock duration until t.
func (m *Mock) Until(t time.Time) time.Duration { return m.m.Until(t) }

// After returns a channel that receives the mock time once it has advanced
// by d. The waiter counts for BlockUntil until it fires.
func (m *Mock) After(d time.Duration) <-chan time.Time { return m.NewTimer(d).C }

// Sleep blocks until the mock time has advanced by d. Another goroutine must
// advance it; BlockUntil tells when the sleeper is waiting.
func (m *Mock) Sleep(d time.Duration) { <-m.After(d) }

// NewTimer returns a Timer that fires when the mock time reaches now+d.
func (m *Mock) NewTimer(d time.Duration) *Timer {
	m.mu.Lock()
	t := wrapTimer(m.m.Timer(d), m)
	m.armLocked(t, d)
	m.mu.Unlock()
	return t
}

// AfterFunc calls f on its own goroutine when the mock time reaches now+d.
// With d <= 0, f is started at once and the Timer is already expired.
func (m *Mock) AfterFunc(d time.Duration, f func()) *Timer {
	if d <= 0 {
		go f()
		return &Timer{}
	}
	m.mu.Lock()
	t := wrapTimer(m.m.AfterFunc(d, f), m)
	m.armLocked(t, d)
	m.mu.Unlock()
	return t
}

// NewTicker returns a Ticker that ticks every d of mock time.
func (m *Mock) NewTicker(d time.Duration) *Ticker {
	if d <= 0 {
		panic("clock: non-positive interval for NewTicker")
	}
	t := wrapTicker(m.m.Ticker(d), m)
	m.armTicker(t)
	return t
}

// Waiters returns how many timers, tickers, After channels and sleepers are
// armed and have not fired yet.
func (m *Mock) Waiters() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.waitersLocked()
}

// BlockUntil blocks until at least n waiters are armed (see Waiters). Use it
// to let a background goroutine reach its timer before calling Add.
func (m *Mock) BlockUntil(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for m.waitersLocked() < n {
		m.cond.Wait()
	}
}

func (m *Mock) waitersLocked() int {
	now := m.m.Now()
	for t, deadline := range m.timers {
		if !deadline.After(now) { // fired inside Add/Set or at creation
			delete(m.timers, t)
		}
	}
	return len(m.timers) + len(m.tickers)
}

func (m *Mock) armLocked(t *Timer, d time.Duration) {
	m.timers[t] = m.m.Now().Add(d)
	m.cond.Broadcast()
}

func (m *Mock) disarm(t *Timer) {
	m.mu.Lock()
	delete(m.timers, t)
	m.mu.Unlock()
}

func (m *Mock) resetTimer(t *Timer, d time.Duration) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	active := t.t.Reset(d)
	m.armLocked(t, d)
	return active
}

func (m *Mock) armTicker(t *Ticker) {
	m.mu.Lock()
	m.tickers[t] = struct{}{}
	m.cond.Broadcast()
	m.mu.Unlock()
}

func (m *Mock) disarmTicker(t *Ticker) {
	m.mu.Lock()
	delete(m.tickers, t)
	m.mu.Unlock()
}
