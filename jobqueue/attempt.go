package jobqueue

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/store"
)

// The retry state machine. An attempt is two transactions around the
// handler call:
//
//	begin:  the head job of the user's queue is marked running in the queue
//	        head (meta.running, meta.runTry) — at most one per user.
//	finish: its JobResult is written and the job succeeds (leaves the queue),
//	        is retried (currentRetryCount + 1, stays at the head, optional
//	        backoff) or dies (moves to the dead letters with every result);
//	        the running mark is cleared.
//
// Each is one store transaction, so a crash leaves either the job queued
// and not running, or running (recovered at Start as an interrupted
// attempt: status 500, counted as a try), never half a transition.

// Outcomes of an attempt's finish.
type outcome int

const (
	outcomeSucceeded outcome = iota + 1
	outcomeRetry
	outcomeDead
	outcomeDeleted // the job was deleted while it ran: result kept, nothing else
	outcomeStale   // the attempt had already been closed (interrupted): nothing written
)

// Status codes and results the service records itself.
const (
	statusNotRegistered = http.StatusNotFound
	statusFailed        = http.StatusInternalServerError
	resultInterrupted   = "interrupted"
	// MaxResultLen is the longest result stored; a longer one is cut.
	MaxResultLen = 5242880
)

// retryable reports whether a failed attempt with status may be retried:
// 5xx, 408 and 429 (SEMANTICS.md). Other failures dead-letter at once.
func retryable(status int) bool {
	return status >= 500 || status == http.StatusRequestTimeout || status == http.StatusTooManyRequests
}

func succeeded(status int) bool { return status >= 200 && status < 300 }

// attempt is one run of a job, from begin to finish.
type attempt struct {
	u        userKey
	name     string
	try      int
	scriptID string
	args     string
	job      jobRec // the job as begun
	startAt  int64  // when it began, Unix ms

	// Set by finish.
	status  int
	result  string
	tryAt   int64
	outcome outcome
	isLast  bool // no job left in the queue
	set     settings
}

// errEmpty, errBusy and errWaiting are begin's answers when it starts no
// attempt: the queue is empty, a job of the user is running, or the head
// is in backoff until notBefore.
var (
	errEmpty   = errors.New("queue is empty")
	errBusy    = errors.New("a job of the user is running")
	errWaiting = errors.New("head job is in backoff")
	errAutoRun = errors.New("namespace runs its jobs automatically")
	errNoAuto  = errors.New("namespace does not run its jobs automatically")
)

// beginTxn marks the head job of a.u running. With auto it requires an
// auto-run namespace and respects backoff (notBefore in *waitUntil);
// without, it requires a manual namespace.
func (s *Service) beginTxn(txn store.Txn, a *attempt, nowMs int64, auto bool, waitUntil *int64) error {
	set, err := s.settingsTxn(txn, a.u.ns)
	if err != nil {
		return err
	}
	a.set = set
	switch {
	case auto && !set.EnableAutoRun:
		return errNoAuto
	case !auto && set.EnableAutoRun:
		return errAutoRun
	}
	metaKey := a.u.metaKey()
	m, _, err := getMeta(txn, metaKey)
	if err != nil {
		return err
	}
	if m.running != "" {
		return errBusy
	}
	if m.n == 0 {
		return errEmpty
	}
	job, seq, found, err := headJob(txn, a.u, m.head)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("%w: queue head counts %d jobs, none found", errCorrupt, m.n)
	}
	if auto && job.notBefore > nowMs {
		*waitUntil = job.notBefore
		return errWaiting
	}
	a.job, a.name, a.try, a.scriptID, a.args = job, job.name, job.try, job.scriptID, job.args
	a.startAt = nowMs
	m.running, m.runTry, m.runAt, m.runSeq = job.name, job.try, nowMs, seq
	m.head = seq
	return txn.Set(metaKey, m.appendTo(nil))
}

// finishTxn records the outcome of attempt a (a.status, a.result, a.tryAt
// set) and applies the retry rules.
func (s *Service) finishTxn(txn store.Txn, a *attempt) error {
	a.outcome, a.isLast = 0, false
	set, err := s.settingsTxn(txn, a.u.ns)
	if err != nil {
		return err // namespace deleted: its records went with it
	}
	a.set = set
	metaKey := a.u.metaKey()
	m, _, err := getMeta(txn, metaKey)
	if err != nil {
		return err
	}
	if m.running != a.name || m.runTry != a.try {
		a.outcome = outcomeStale
		return nil
	}
	seq := m.runSeq
	job, found, err := jobAt(txn, a.u, seq, a.name)
	if err != nil {
		return err
	}
	if found {
		a.scriptID, a.args = job.scriptID, job.args
	}
	res := resultRec{scriptID: a.scriptID, args: a.args, status: a.status, result: a.result, tryAt: a.tryAt}
	if err := txn.Set(a.u.resultKey(a.name, a.try), res.appendTo(nil)); err != nil {
		return err
	}
	if s.retention > 0 {
		if err := txn.Set(expireKey(a.tryAt, a.u, a.name, a.try), nil); err != nil {
			return err
		}
	}
	m.running, m.runTry, m.runAt, m.runSeq = "", 0, 0, 0
	switch {
	case !found:
		a.outcome = outcomeDeleted
	case succeeded(a.status):
		a.outcome = outcomeSucceeded
		if err := s.removeJob(txn, a.u, job.name, seq); err != nil {
			return err
		}
		m.n--
		m.head = seq + 1
	case retryable(a.status) && job.try+1 < job.maxTry:
		a.outcome = outcomeRetry
		job.try++
		job.updatedAt = a.tryAt
		job.notBefore = 0
		if s.backoff != nil {
			if d := s.backoff(a.try); d > 0 {
				job.notBefore = a.tryAt + d.Milliseconds()
			}
		}
		if err := txn.Set(a.u.jobKey(seq), job.appendTo(nil)); err != nil {
			return err
		}
	default:
		a.outcome = outcomeDead
		if err := s.bury(txn, a.u, job, a.tryAt); err != nil {
			return err
		}
		if err := s.removeJob(txn, a.u, job.name, seq); err != nil {
			return err
		}
		m.n--
		m.head = seq + 1
	}
	a.isLast = m.n == 0
	return putMeta(txn, metaKey, m)
}

// removeJob deletes a job and its name index entry.
func (s *Service) removeJob(txn store.Txn, u userKey, name string, seq uint64) error {
	if err := txn.Delete(u.jobKey(seq)); err != nil {
		return err
	}
	return txn.Delete(u.nameKey(name))
}

// bury writes the dead letter of job with every result recorded for it
// (the transaction's own last write included).
func (s *Service) bury(txn store.Txn, u userKey, job jobRec, deadAt int64) error {
	d := deadRec{
		Name: job.name, ScriptID: job.scriptID, Args: job.args, MaxTryCount: job.maxTry,
		CreatedAt: job.createdAt, DeadAt: deadAt, Results: []JobResultBody{},
	}
	results, err := jobResults(txn, u, job.name)
	if err != nil {
		return err
	}
	for _, r := range results {
		d.Results = append(d.Results, JobResultBody{TryNumber: r.try, StatusCode: r.status, Result: r.result, TryAt: r.tryAt})
	}
	v, err := d.encode()
	if err != nil {
		return err
	}
	return txn.Set(u.deadKey(job.name), v)
}

// numberedResult is a stored result with its try number.
type numberedResult struct {
	resultRec
	try int
}

// jobResults reads every result of job name of u, by try number.
func jobResults(txn store.Txn, u userKey, name string) ([]numberedResult, error) {
	prefix := u.resultPrefix(name)
	var out []numberedResult
	var derr error
	err := txn.Scan(prefix, store.ScanOptions{}, func(k, v []byte) bool {
		try, err := parseSeq(k[len(prefix):])
		if err != nil {
			derr = err
			return false
		}
		r, err := decodeResult(v)
		if err != nil {
			derr = err
			return false
		}
		out = append(out, numberedResult{resultRec: r, try: int(try)})
		return true
	})
	if err == nil {
		err = derr
	}
	return out, err
}

// execute runs the handler of a's job and fills a.status and a.result. It
// never panics.
func (s *Service) execute(ctx context.Context, a *attempt) {
	status, result := s.call(ctx, a)
	if len(result) > MaxResultLen {
		result = result[:MaxResultLen]
	}
	a.status, a.result = status, result
	a.tryAt = clock.Millis(clock.Now(ctx, s.clock))
}

func (s *Service) call(ctx context.Context, a *attempt) (status int, result string) {
	h := s.handler(a.scriptID)
	if h == nil {
		return statusNotRegistered, fmt.Sprintf("script %q is not registered", a.scriptID)
	}
	defer func() {
		if p := recover(); p != nil {
			status, result = statusFailed, fmt.Sprintf("panic: %v", p)
		}
	}()
	job := s.toJob(a.u, a.job)
	status, result, err := h(ctx, job)
	switch {
	case err != nil && (status < 100 || status > 999 || succeeded(status)):
		return statusFailed, err.Error()
	case err != nil:
		return status, err.Error()
	case status == 0:
		return http.StatusOK, result
	case status < 100 || status > 999:
		return statusFailed, fmt.Sprintf("handler returned invalid status code %d: %s", status, result)
	}
	return status, result
}

// afterFinish performs the side effects of a committed finish: events and
// the run notification.
func (s *Service) afterFinish(ctx context.Context, a *attempt) {
	if a.outcome == outcomeStale {
		return
	}
	kind := EventFailed
	switch a.outcome {
	case outcomeSucceeded:
		kind = EventSucceeded
	case outcomeDead:
		kind = EventDead
	case outcomeDeleted:
		kind = EventDeleted
	}
	s.events.emit(Event{Kind: kind, Namespace: a.u.ns, UserID: a.u.user, JobName: a.name,
		TryNumber: a.try, StatusCode: a.status, At: a.tryAt})
	if a.outcome != outcomeDeleted {
		s.notifyRun(ctx, a)
	}
}

// interrupt closes a's attempt as interrupted (status 500, a try), as if
// the handler had failed; used for attempts found running at Start and for
// those Stop gives up waiting for.
func (s *Service) interrupt(ctx context.Context, a *attempt) error {
	a.status, a.result = statusFailed, resultInterrupted
	a.tryAt = clock.Millis(clock.Now(ctx, s.clock))
	err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error { return s.finishTxn(txn, a) })
	if errors.Is(err, errs.ErrNotFound) {
		return nil // the namespace is gone, and the attempt with it
	}
	if err != nil {
		return err
	}
	s.afterFinish(ctx, a)
	return nil
}
