package jobqueue

import (
	"bytes"
	"context"
	"strconv"

	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/store"
)

// SetSweptHook makes the background retention sweep call f after each
// pass. Call it before Start.
func SetSweptHook(s *Service, f func(n int, err error)) {
	s.sweeper.mu.Lock()
	defer s.sweeper.mu.Unlock()
	s.sweeper.swept = f
}

// WaitWorkers blocks until every auto-run worker has returned. After a Stop
// that gave up on its context, it waits for the abandoned attempts to
// finish their (stale) finish transactions.
func WaitWorkers(s *Service) { s.sched.wg.Wait() }

// UserState is everything the store holds for one user's queue, read in
// one transaction straight from the records (not through the query
// methods), so that tests check what was committed.
type UserState struct {
	// Jobs are the queued jobs in run order.
	Jobs []Job
	// Count is the queue head's job counter; it must equal len(Jobs).
	Count int64
	// Running and RunTry name the attempt in flight ("" when none).
	Running string
	RunTry  int
	// Results are every stored result of the user, by job name, oldest
	// try first.
	Results map[string][]JobResult
	// Dead are the user's dead letters, in name order.
	Dead []DeadLetterJob
	// ExpireKeys counts the retention index entries of the user.
	ExpireKeys int
}

// PeekUser reads the stored state of userID's queue in namespace ns.
func PeekUser(s *Service, ns, userID string) (UserState, error) {
	u := userKey{ns: ns, user: userID}
	var out UserState
	err := s.st.View(context.Background(), func(txn store.Txn) error {
		out = UserState{Results: map[string][]JobResult{}}
		m, _, err := getMeta(txn, u.metaKey())
		if err != nil {
			return err
		}
		out.Count, out.Running, out.RunTry = m.n, m.running, m.runTry
		var derr error
		keep := func(err error) bool {
			derr = err
			return err == nil
		}
		err = txn.Scan(u.jobPrefix(), store.ScanOptions{}, func(_, v []byte) bool {
			j, err := decodeJob(v)
			out.Jobs = append(out.Jobs, s.toJob(u, j))
			return keep(err)
		})
		if err != nil || derr != nil {
			return firstErr(err, derr)
		}
		prefix := u.userResultPrefix()
		err = txn.Scan(prefix, store.ScanOptions{}, func(k, v []byte) bool {
			d := keys.NewDecoder(k[len(prefix):])
			name, err := d.Str()
			if !keep(err) {
				return false
			}
			try, err := d.Uint()
			if !keep(err) {
				return false
			}
			r, err := decodeResult(v)
			if !keep(err) {
				return false
			}
			jobID := s.jobGRN(u, name)
			out.Results[name] = append(out.Results[name], JobResult{
				JobResultID: jobID + ":jobResult:" + strconv.FormatUint(try, 10), JobID: jobID,
				ScriptID: r.scriptID, Args: r.args, TryNumber: int(try), StatusCode: r.status,
				Result: r.result, TryAt: r.tryAt,
			})
			return true
		})
		if err != nil || derr != nil {
			return firstErr(err, derr)
		}
		prefix = u.deadPrefix()
		err = txn.Scan(prefix, store.ScanOptions{}, func(k, v []byte) bool {
			name, err := keys.NewDecoder(k[len(prefix):]).Str()
			if !keep(err) {
				return false
			}
			d, err := decodeDead(v)
			if !keep(err) {
				return false
			}
			out.Dead = append(out.Dead, DeadLetterJob{
				DeadLetterJobID: s.deadGRN(u, name), Name: d.Name, UserID: u.user, ScriptID: d.ScriptID,
				Args: d.Args, MaxTryCount: d.MaxTryCount, Results: d.Results, CreatedAt: d.CreatedAt, DeadAt: d.DeadAt,
			})
			return true
		})
		if err != nil || derr != nil {
			return firstErr(err, derr)
		}
		return txn.Scan(expirePrefix, store.ScanOptions{}, func(k, _ []byte) bool {
			rk, err := resultKeyOfExpire(k)
			if !keep(err) {
				return false
			}
			if bytes.HasPrefix(rk, u.userResultPrefix()) {
				out.ExpireKeys++
			}
			return true
		})
	})
	if err == nil && out.Count != int64(len(out.Jobs)) {
		err = errCorrupt
	}
	return out, err
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
