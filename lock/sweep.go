package lock

import (
	"context"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/store"
)

// sweepBatch is how many expired mutexes one sweep transaction deletes.
const sweepBatch = 128

// sweepLoop runs Sweep on every tick until Stop.
func (s *Service) sweepLoop(ctx context.Context, ticker *clock.Ticker) {
	defer close(s.sweepDone)
	defer ticker.Stop()
	for {
		select {
		case <-s.stopping:
			return
		case <-ticker.C:
			n, err := s.Sweep(ctx)
			if err != nil {
				s.log.Error("lock: sweeping expired mutexes", "err", err)
			}
			if s.hooks.swept != nil {
				s.hooks.swept(n, err)
			}
		}
	}
}

// expired is a mutex found expired by a sweep.
type expired struct {
	key   []byte
	id    lockID
	token uint64
}

// Sweep deletes the mutexes of every namespace that have expired (ttlAt <=
// now) and returns how many it deleted. It reads in a snapshot and deletes
// in transactions of at most 128 mutexes, each re-checking that its mutexes
// are still expired, so it never holds one big transaction. Waiters of the
// deleted mutexes are woken. Start runs it every GCInterval; expired
// mutexes are absent for every call whether or not it has run.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	nowMs := clock.Millis(clock.Now(ctx, s.clock))
	prefix := keys.New(service, kindMutex)
	var start []byte
	total := 0
	for {
		var batch []expired
		var next []byte
		err := s.st.View(ctx, func(txn store.Txn) error {
			batch, next = batch[:0], nil
			return txn.Scan(prefix, store.ScanOptions{Start: start}, func(k, v []byte) bool {
				if len(batch) == sweepBatch {
					next = append([]byte(nil), k...)
					return false
				}
				rec, err := decodeRecord(v)
				if err != nil || rec.live(nowMs) {
					return true
				}
				id, err := parseMutexKey(k)
				if err != nil {
					return true
				}
				batch = append(batch, expired{key: append([]byte(nil), k...), id: id, token: rec.token})
				return true
			})
		})
		if err != nil {
			return total, wrap("sweep", err)
		}
		n, err := s.deleteExpired(ctx, batch, nowMs)
		total += n
		if err != nil {
			return total, err
		}
		if next == nil {
			return total, nil
		}
		start = next
	}
}

// deleteExpired deletes, in one transaction, the mutexes of batch that are
// still expired with the same token, then signals their release.
func (s *Service) deleteExpired(ctx context.Context, batch []expired, nowMs int64) (int, error) {
	if len(batch) == 0 {
		return 0, nil
	}
	var gone []expired
	err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		gone = gone[:0]
		for _, e := range batch {
			cur, found, err := getRecord(txn, e.key, "")
			if err != nil {
				return err
			}
			if !found || cur.live(nowMs) || cur.token != e.token {
				continue
			}
			if err := txn.Delete(e.key); err != nil {
				return err
			}
			gone = append(gone, e)
		}
		return nil
	})
	if err != nil {
		return 0, wrap("sweep", err)
	}
	for _, e := range gone {
		s.released(e.id, e.token)
	}
	return len(gone), nil
}
