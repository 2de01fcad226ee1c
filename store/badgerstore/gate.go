package badgerstore

import (
	"sync"
	"sync/atomic"
)

// gate counts the calls in flight and lets Close wait for them. It is
// lock-free so that transactions may nest (a View inside an Update) and
// concurrent transactions do not contend on a mutex.
type gate struct {
	// state holds the number of calls in flight, plus gateClosed once
	// Close began.
	state   atomic.Int64
	drained chan struct{} // closed when the gate is closed and empty
	once    sync.Once
}

// gateClosed is the bit of gate.state set by close.
const gateClosed = 1 << 62

func newGate() *gate { return &gate{drained: make(chan struct{})} }

// enter registers a call; it returns false, registering nothing, if the
// gate is closed.
func (g *gate) enter() bool {
	if g.state.Add(1)&gateClosed != 0 {
		g.leave()
		return false
	}
	return true
}

// leave ends a call registered by enter.
func (g *gate) leave() {
	if g.state.Add(-1) == gateClosed {
		// Closed and nothing in flight. A call refused by enter may get
		// here too, hence the Once.
		g.once.Do(func() { close(g.drained) })
	}
}

// close refuses new calls and waits for those in flight. It returns false
// if the gate was already closed.
func (g *gate) close() bool {
	old := g.state.Or(gateClosed)
	if old&gateClosed != 0 {
		return false
	}
	if old != 0 {
		<-g.drained
	}
	return true
}
