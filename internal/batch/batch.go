package batch

import (
	"context"
	"errors"
	"sync"

	"github.com/hearth-go/hearth/store"
)

// DefaultMaxOps is the default number of operations per transaction: large
// enough to take every waiting call of a busy service, small enough to keep
// a transaction far below Badger's size limits.
const DefaultMaxOps = 64

// maxInflight is how many batches may run at once. One would leave a core
// idle while the batch in flight waits for its commit (Badger's writer
// goroutine, an fsync); two let the next batch read while the last one
// commits. More split the queue into smaller batches for no gain
// (measured on the lock service: 1, 2, 3 and 4 give 27k, 37k, 35k and
// 32k lock+unlock pairs/s on Badger with 16 goroutines).
const maxInflight = 2

// Batcher runs operations on a store in shared transactions. The zero
// value is not usable; make one with New. A Batcher is safe for concurrent
// use.
type Batcher struct {
	st          store.Store
	maxOps      int
	maxInflight int
	off         bool // the store prefers unbatched updates (store.Batching)

	mu       sync.Mutex
	inflight int       // batches running
	pending  []*call   // waiting for a batch, in arrival order
	free     [][]*call // batch slices to reuse

	onBatch func(n int) // test hook: a batch of n calls starts
}

// New returns a Batcher over st that puts at most maxOps operations in one
// transaction (DefaultMaxOps if maxOps <= 0).
func New(st store.Store, maxOps int) *Batcher {
	if maxOps <= 0 {
		maxOps = DefaultMaxOps
	}
	b := &Batcher{st: st, maxOps: maxOps, maxInflight: maxInflight}
	if h, ok := st.(store.Batching); ok && !h.BatchUpdates() {
		b.off = true
	}
	return b
}

// call is one operation waiting for, or running in, a batch.
type call struct {
	ctx   context.Context
	fn    func(store.Txn) error
	err   error
	ran   bool    // fn ran in the last attempt (it was not skipped as cancelled)
	panic any     // what fn panicked with, re-raised in the caller's goroutine
	batch []*call // set when woken to lead this batch rather than with a result
	wake  chan struct{}
}

var callPool = sync.Pool{New: func() any { return &call{wake: make(chan struct{}, 1)} }}

// Do runs fn in a store transaction, possibly shared with other operations
// (see the package documentation for the rules fn must follow), and returns
// its outcome once the transaction has committed or failed.
func (b *Batcher) Do(ctx context.Context, fn func(store.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if b.off {
		return store.UpdateRetry(ctx, b.st, fn)
	}
	c := callPool.Get().(*call)
	c.ctx, c.fn = ctx, fn

	b.mu.Lock()
	b.pending = append(b.pending, c)
	if b.inflight < b.maxInflight {
		b.inflight++
		batch := b.takeLocked()
		b.mu.Unlock()
		b.lead(c, batch)
	} else {
		b.mu.Unlock()
		<-c.wake
		if c.batch != nil {
			b.lead(c, c.batch)
		}
	}
	err, p := c.err, c.panic
	*c = call{wake: c.wake}
	callPool.Put(c)
	if p != nil {
		panic(p)
	}
	return err
}

// takeLocked detaches the next batch from the front of pending. b.mu held.
func (b *Batcher) takeLocked() []*call {
	var rest []*call
	if n := len(b.free); n > 0 {
		rest, b.free = b.free[n-1], b.free[:n-1]
	}
	batch := b.pending
	if len(batch) > b.maxOps {
		rest = append(rest, batch[b.maxOps:]...)
		batch = batch[:b.maxOps]
	}
	b.pending = rest
	return batch
}

// lead runs batch, which holds the leader's own call self, wakes its other
// calls with their outcomes, then hands a batch of the calls that queued
// meanwhile to the first of them, or ends this line of batches.
func (b *Batcher) lead(self *call, batch []*call) {
	b.run(batch)
	for _, c := range batch {
		if c != self {
			c.wake <- struct{}{}
		}
	}

	b.mu.Lock()
	clear(batch)
	if len(b.free) < 4 {
		b.free = append(b.free, batch[:0])
	}
	var next *call
	if len(b.pending) > 0 {
		next = b.pending[0]
		next.batch = b.takeLocked()
	} else {
		b.inflight--
	}
	b.mu.Unlock()
	if next != nil {
		next.wake <- struct{}{}
	}
}

// run executes batch and records each call's outcome in it.
func (b *Batcher) run(batch []*call) {
	if b.onBatch != nil {
		b.onBatch(len(batch))
	}
	if len(batch) == 1 {
		c := batch[0]
		c.err = b.solo(c)
		return
	}
	err := store.Retry(context.Background(), nil, func() error {
		return b.st.Update(context.Background(), func(txn store.Txn) error {
			return b.apply(txn, batch)
		})
	})
	switch {
	case err == nil:
		// Each call has its outcome from apply.
	case errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrClosed):
		// Every operation would meet this on its own too. An operation
		// that failed without writing keeps its own outcome: it read a
		// consistent snapshot and wrote nothing, like a read-only
		// transaction.
		for _, c := range batch {
			if c.ran && c.err == nil {
				c.err = err
			}
		}
	default:
		// An operation failed after writing (errPoisoned), or the commit
		// failed for a reason one operation may cause (a transaction too
		// large): give every operation a transaction of its own.
		// An operation that panicked is not run again.
		for _, c := range batch {
			if c.panic == nil {
				c.err = b.solo(c)
			}
		}
	}
}

// errPoisoned aborts a batch in which an operation failed after writing.
var errPoisoned = errors.New("batch: operation failed after a write")

// apply runs each operation of batch in txn, in order.
func (b *Batcher) apply(txn store.Txn, batch []*call) error {
	t := &opTxn{Txn: txn}
	for _, c := range batch {
		c.ran = false
		if err := c.ctx.Err(); err != nil {
			c.err = err
			continue
		}
		c.ran = true
		t.wrote = false
		c.err = c.call(t)
		if c.panic != nil || c.err != nil && t.wrote {
			return errPoisoned
		}
	}
	return nil
}

// solo runs c in a transaction of its own, retried on conflicts.
func (b *Batcher) solo(c *call) error {
	c.ran = true
	return store.UpdateRetry(c.ctx, b.st, c.call)
}

// call runs c.fn, catching a panic (which the leader must not die of, nor
// leave the rest of its batch waiting) into c.panic.
func (c *call) call(txn store.Txn) (err error) {
	defer func() {
		if p := recover(); p != nil {
			c.panic = p
			err = errPoisoned
		}
	}()
	return c.fn(txn)
}
