package lock_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/lock"
	"github.com/hearth-go/hearth/store/memstore"
)

// newExampleService returns a service on memstore with a mock clock and a
// namespace "game".
func newExampleService() (*lock.Service, *clock.Mock, func()) {
	st := memstore.New(nil)
	clk := clock.NewMock()
	svc, err := lock.New(st, &lock.Config{Clock: clk})
	if err != nil {
		panic(err)
	}
	if _, err := svc.CreateNamespace(context.Background(), lock.CreateNamespaceInput{Name: "game"}); err != nil {
		panic(err)
	}
	return svc, clk, func() { _ = svc.Stop(context.Background()); _ = st.Close() }
}

// Lock is re-entrant: the holding transaction may lock again and must
// unlock as many times.
func Example() {
	svc, _, done := newExampleService()
	defer done()
	ctx := context.Background()

	m, _ := svc.Lock(ctx, "game", "player-1", "wallet", "tx-1", 30*time.Second)
	fmt.Println(m.TransactionID, m.ReferenceCount)
	m, _ = svc.Lock(ctx, "game", "player-1", "wallet", "tx-1", 30*time.Second)
	fmt.Println(m.TransactionID, m.ReferenceCount)

	_, err := svc.Lock(ctx, "game", "player-1", "wallet", "tx-2", 30*time.Second)
	fmt.Println(errors.Is(err, lock.ErrConflict))

	m, _ = svc.Unlock(ctx, "game", "player-1", "wallet", "tx-1")
	fmt.Println(m.ReferenceCount)
	m, _ = svc.Unlock(ctx, "game", "player-1", "wallet", "tx-1")
	fmt.Println(m.ReferenceCount)
	_, err = svc.GetMutex(ctx, "game", "player-1", "wallet")
	fmt.Println(errors.Is(err, lock.ErrNotFound))
	// Output:
	// tx-1 1
	// tx-1 2
	// true
	// 1
	// 0
	// true
}

// Acquire waits for the holder; a context deadline bounds the wait.
func ExampleService_Acquire() {
	svc, _, done := newExampleService()
	defer done()
	ctx := context.Background()

	held, _ := svc.Acquire(ctx, "game", "player-1", "inventory", "tx-1", time.Minute)

	// While tx-1 holds it, a bounded wait gives up with the context's error.
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err := svc.Acquire(short, "game", "player-1", "inventory", "tx-2", time.Minute)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))

	// Once tx-1 unlocks, the next Acquire gets it at once.
	go func() { _, _ = held.Unlock(ctx) }()
	lease, err := svc.Acquire(ctx, "game", "player-1", "inventory", "tx-2", time.Minute)
	fmt.Println(err, lease.Mutex().TransactionID, lease.FencingToken())
	<-held.Done()
	_, _ = lease.Unlock(ctx)
	// Output:
	// true
	// <nil> tx-2 2
}

// A fencing token lets the protected resource reject writes from a holder
// whose lock expired meanwhile.
func ExampleLease_FencingToken() {
	svc, clk, done := newExampleService()
	defer done()
	ctx := context.Background()

	// The resource remembers the highest token it has seen.
	var highest uint64
	write := func(token uint64, what string) {
		if token < highest {
			fmt.Println("rejected", what, "with stale token", token)
			return
		}
		highest = token
		fmt.Println("accepted", what, "with token", token)
	}

	slow, _ := svc.Acquire(ctx, "game", "player-1", "wallet", "slow", time.Minute)
	clk.Add(time.Minute) // the slow holder pauses past its ttl...
	<-slow.Done()        // ...and its lease is lost

	fast, _ := svc.Acquire(ctx, "game", "player-1", "wallet", "fast", time.Minute)
	write(fast.FencingToken(), "fast")
	write(slow.FencingToken(), "slow") // the old holder wakes up and tries to write
	_, _ = fast.Unlock(ctx)
	// Output:
	// accepted fast with token 2
	// rejected slow with stale token 1
}
