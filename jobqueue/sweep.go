package jobqueue

import (
	"bytes"
	"context"
	"sync"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/store"
)

// sweepBatch is how many expired results one sweep transaction deletes.
const sweepBatch = 256

// sweeper runs SweepResults every GCInterval between Start and Stop.
type sweeper struct {
	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}
	// swept, if set (tests), runs after each pass.
	swept func(n int, err error)
}

func (s *Service) startSweep(ctx context.Context) {
	if s.retention < 0 {
		return
	}
	w := &s.sweeper
	w.mu.Lock()
	defer w.mu.Unlock()
	stop, done := make(chan struct{}), make(chan struct{})
	w.stop, w.done = stop, done
	swept := w.swept
	ticker := s.clock.NewTicker(s.gcEvery)
	go func() {
		defer close(done)
		defer ticker.Stop()
		bg := context.WithoutCancel(ctx)
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				n, err := s.SweepResults(bg)
				if err != nil {
					s.log.Error("jobqueue: deleting expired job results", "err", err)
				}
				if swept != nil {
					swept(n, err)
				}
			}
		}
	}()
}

func (s *Service) stopSweep() {
	w := &s.sweeper
	w.mu.Lock()
	stop, done := w.stop, w.done
	w.stop = nil
	w.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}

// SweepResults deletes the job results older than Config.ResultRetention
// (tryAt + retention <= now) and returns how many it deleted, in
// transactions of at most 256. Start runs it every GCInterval. Dead
// letters keep their own copy of their results.
func (s *Service) SweepResults(ctx context.Context) (int, error) {
	if s.retention < 0 {
		return 0, nil
	}
	cutoff := clock.Millis(clock.Now(ctx, s.clock)) - s.retention.Milliseconds()
	// Index keys sort by tryAt first: everything below end is expired.
	end := keys.New(service, kindExpire).Int(cutoff + 1)
	total := 0
	for {
		n := 0
		err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
			n = 0
			var idx [][]byte
			err := txn.Scan(expirePrefix, store.ScanOptions{}, func(k, _ []byte) bool {
				if bytes.Compare(k, end) >= 0 || len(idx) == sweepBatch {
					return false
				}
				idx = append(idx, bytes.Clone(k))
				return true
			})
			if err != nil {
				return err
			}
			for _, k := range idx {
				rk, err := resultKeyOfExpire(k)
				if err != nil {
					return err
				}
				if err := txn.Delete(rk); err != nil {
					return err
				}
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			n = len(idx)
			return nil
		})
		total += n
		if err != nil || n < sweepBatch {
			return total, err
		}
	}
}

// resultKeyOfExpire returns the result key a retention index key points to.
func resultKeyOfExpire(k []byte) ([]byte, error) {
	d := keys.NewDecoder(k)
	for range 2 { // "queue", "expire"
		if _, err := d.Str(); err != nil {
			return nil, err
		}
	}
	if _, err := d.Int(); err != nil {
		return nil, err
	}
	var segs [3]string
	for i := range segs {
		s, err := d.Str()
		if err != nil {
			return nil, err
		}
		segs[i] = s
	}
	try, err := d.Uint()
	if err != nil {
		return nil, err
	}
	u := userKey{ns: segs[0], user: segs[1]}
	return u.resultKey(segs[2], int(try)), nil
}
