package storetest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hearth-go/hearth/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	counterWorkers   = 16
	counterIncrement = 1000

	bankAccounts  = 10
	bankInitial   = 100
	bankWorkers   = 8
	bankTransfers = 150
	bankAuditors  = 2
)

func concurrencyCases() []testCase {
	return []testCase{
		{"Counter", testCounter},
		{"BankHistory", testBank},
	}
}

// errCorrupt reports a stored number that is not 8 bytes long.
var errCorrupt = errors.New("storetest: stored number is not 8 bytes")

// getUint reads an 8-byte big-endian number; a missing key reads as 0.
func getUint(tx store.Txn, key []byte) (uint64, error) {
	v, err := tx.Get(key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	case len(v) != 8:
		return 0, fmt.Errorf("%w: key %q holds %d bytes", errCorrupt, key, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// setUint stores n as an 8-byte big-endian number.
func setUint(tx store.Txn, key []byte, n uint64) error {
	return tx.Set(key, binary.BigEndian.AppendUint64(nil, n))
}

// retryStats counts the attempts operations run under store.UpdateRetry
// took, for the log: contention is backend-dependent and worth seeing.
type retryStats struct {
	mu       sync.Mutex
	attempts int
	most     int
	gaveUp   int // operations that still conflicted when the retries ran out
}

// record adds one operation that took tries attempts and ended with err.
func (r *retryStats) record(tries int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts += tries
	r.most = max(r.most, tries)
	if errors.Is(err, store.ErrConflict) {
		r.gaveUp++
	}
}

func (r *retryStats) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprintf("%d attempts, at most %d for one, %d gave up on ErrConflict", r.attempts, r.most, r.gaveUp)
}

// yieldEvery is how often (in operations per worker) the concurrency cases
// yield the processor between a transaction's reads and its writes.
const yieldEvery = 10

// yieldSometimes yields the processor on the first attempt of every
// yieldEvery-th operation of a worker. Another worker then almost surely
// commits a conflicting write in the gap, so conflicts happen on every
// machine (even with GOMAXPROCS=1), while retries, which never yield, do
// not pile up.
func yieldSometimes(op int, first *bool) {
	if *first && op%yieldEvery == 0 {
		runtime.Gosched()
	}
	*first = false
}

// testCounter: 16 goroutines each add 1 to one key 1,000 times through
// store.UpdateRetry; no increment may be lost.
func testCounter(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	key := b("counter")
	var stats retryStats
	var wg sync.WaitGroup
	for range counterWorkers {
		wg.Go(func() {
			for i := range counterIncrement {
				first, tries := true, 0
				err := store.UpdateRetry(t.Context(), s, func(tx store.Txn) error {
					tries++
					n, err := getUint(tx, key)
					if err != nil {
						return err
					}
					yieldSometimes(i, &first)
					return setUint(tx, key, n+1)
				})
				stats.record(tries, err)
				if !assert.NoError(t, err) {
					return
				}
			}
		})
	}
	wg.Wait()
	var total uint64
	require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
		var err error
		total, err = getUint(tx, key)
		return err
	}))
	t.Logf("%d increments: %s", counterWorkers*counterIncrement, &stats)
	require.Equal(t, uint64(counterWorkers*counterIncrement), total, "increments were lost")
}

// transfer is one committed move of amount from one account to another.
type transfer struct{ from, to, amount int }

// account returns the key of account i.
func account(i int) []byte { return fmt.Appendf(nil, "acct/%02d", i) }

// testBank is a randomized history check in the style of bbolt's
// concurrent_test: workers move money between 10 accounts with
// read-two-write-two Updates under UpdateRetry while auditors take Views.
// Every View must see the initial total (snapshots are consistent), and the
// final balances must equal the initial ones replayed through the log of
// transfers whose Update returned nil (no commit lost, none invented).
func testBank(t *testing.T, newStore newStoreFunc) {
	s := newStore(t)
	require.NoError(t, s.Update(t.Context(), func(tx store.Txn) error {
		for i := range bankAccounts {
			if err := setUint(tx, account(i), bankInitial); err != nil {
				return err
			}
		}
		return nil
	}))
	const total = bankAccounts * bankInitial

	var (
		mu  sync.Mutex
		log []transfer
	)
	var stats retryStats
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	var workers sync.WaitGroup
	for w := range bankWorkers {
		r := rand.New(rand.NewPCG(seed, uint64(w)))
		workers.Go(func() {
			for i := range bankTransfers {
				from := r.IntN(bankAccounts)
				to := (from + 1 + r.IntN(bankAccounts-1)) % bankAccounts
				amount := 1 + r.IntN(30)
				applied, first, tries := false, true, 0
				err := store.UpdateRetry(t.Context(), s, func(tx store.Txn) error {
					tries++
					applied = false
					fb, err := getUint(tx, account(from))
					if err != nil {
						return err
					}
					tb, err := getUint(tx, account(to))
					if err != nil {
						return err
					}
					yieldSometimes(i, &first)
					if fb < uint64(amount) {
						return nil // insufficient funds: a read-only attempt
					}
					applied = true
					return errors.Join(setUint(tx, account(from), fb-uint64(amount)), setUint(tx, account(to), tb+uint64(amount)))
				})
				stats.record(tries, err)
				if !assert.NoError(t, err, "transfer") {
					return
				}
				if applied {
					mu.Lock()
					log = append(log, transfer{from, to, amount})
					mu.Unlock()
				}
			}
		})
	}

	stop := make(chan struct{})
	var audits atomic.Int64
	var auditors sync.WaitGroup
	for range bankAuditors {
		auditors.Go(func() {
			for {
				err := s.View(t.Context(), func(tx store.Txn) error {
					var byGet, byScan uint64
					for i := range bankAccounts {
						n, err := getUint(tx, account(i))
						if err != nil {
							return err
						}
						byGet += n
					}
					n := 0
					err := tx.Scan(b("acct/"), store.ScanOptions{}, func(_, v []byte) bool {
						n++
						if len(v) == 8 {
							byScan += binary.BigEndian.Uint64(v)
						}
						return true
					})
					assert.Equal(t, uint64(total), byGet, "a View saw an inconsistent total through Get")
					assert.Equal(t, uint64(total), byScan, "a View saw an inconsistent total through Scan")
					assert.Equal(t, bankAccounts, n, "a View saw a wrong number of accounts")
					return err
				})
				audits.Add(1)
				if !assert.NoError(t, err, "audit View") {
					return
				}
				select {
				case <-stop:
					return
				default:
				}
			}
		})
	}
	workers.Wait()
	close(stop)
	auditors.Wait()

	want := make([]int64, bankAccounts)
	for i := range want {
		want[i] = bankInitial
	}
	for _, tr := range log {
		want[tr.from] -= int64(tr.amount)
		want[tr.to] += int64(tr.amount)
	}
	got := make([]int64, bankAccounts)
	require.NoError(t, s.View(t.Context(), func(tx store.Txn) error {
		for i := range got {
			n, err := getUint(tx, account(i))
			if err != nil {
				return err
			}
			got[i] = int64(n)
		}
		return nil
	}))
	require.Equal(t, want, got, "final balances differ from the replayed log of %d committed transfers", len(log))
	require.NotEmpty(t, log, "no transfer committed")
	t.Logf("%d transfers: %s; %d applied, %d audits", bankWorkers*bankTransfers, &stats, len(log), audits.Load())
}
