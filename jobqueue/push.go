package jobqueue

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/store"
)

// Push appends entries (0..10) to the tail of userID's queue, in order, in
// one transaction, and returns the new jobs. autoRun reports that the
// namespace runs them in the background; otherwise the user is notified
// (Gs2JobQueue:Push, if the namespace has a pushNotification) and jobs run
// when Run is called. Each job gets a new UUID name; args default to "{}"
// and maxTryCount to 3.
func (s *Service) Push(ctx context.Context, namespaceName, userID string, entries []JobEntry) (jobs []Job, autoRun bool, err error) {
	const op = "push"
	u := userKey{ns: namespaceName, user: userID}
	if err := checkUserKey(u); err != nil {
		return nil, false, wrap(op, err)
	}
	if err := checkEntries(entries); err != nil {
		return nil, false, wrap(op, err)
	}
	nowMs := clock.Millis(clock.Now(ctx, s.clock))
	recs := make([]jobRec, len(entries))
	for i, e := range entries {
		r := jobRec{
			name: uuid.NewString(), scriptID: e.ScriptID, args: e.Args, maxTry: e.MaxTryCount,
			createdAt: nowMs, updatedAt: nowMs,
		}
		if r.args == "" {
			r.args = DefaultArgs
		}
		if r.maxTry == 0 {
			r.maxTry = DefaultMaxTryCount
		}
		recs[i] = r
	}
	var set settings
	var buf []byte
	metaKey := u.metaKey()
	err = s.batch.Do(ctx, func(txn store.Txn) error {
		var err error
		if set, err = s.settingsTxn(txn, u.ns); err != nil {
			return err
		}
		m, _, err := getMeta(txn, metaKey)
		if err != nil || len(recs) == 0 {
			return err
		}
		for _, r := range recs {
			if buf, err = appendJob(txn, u, &m, r, buf); err != nil {
				return err
			}
		}
		buf = m.appendTo(buf[:0])
		return txn.Set(metaKey, buf)
	})
	if err != nil {
		return nil, false, wrap(op, err)
	}
	jobs = make([]Job, len(recs))
	for i, r := range recs {
		jobs[i] = s.toJob(u, r)
		s.events.emit(Event{Kind: EventPushed, Namespace: u.ns, UserID: u.user, JobName: r.name, At: nowMs})
	}
	if len(recs) > 0 {
		if set.EnableAutoRun {
			s.sched.wake(u)
		} else {
			s.notifyPush(ctx, set, u)
		}
	}
	return jobs, set.EnableAutoRun, nil
}

// appendJob writes job r at the tail of u's queue (the job and its name
// index entry) and counts it in *m, which the caller then writes. buf is
// scratch space, returned for reuse. Push, RequeueDeadLetterJob and Import
// add jobs only through it.
func appendJob(txn store.Txn, u userKey, m *meta, r jobRec, buf []byte) ([]byte, error) {
	seq := m.next
	buf = r.appendTo(buf[:0])
	if err := txn.Set(u.jobKey(seq), buf); err != nil {
		return buf, err
	}
	buf = appendSeq(buf[:0], seq)
	if err := txn.Set(u.nameKey(r.name), buf); err != nil {
		return buf, err
	}
	m.next++
	m.n++
	return buf, nil
}

// getMeta reads the head of a user's queue; a missing head is the zero
// meta.
func getMeta(txn store.Txn, key []byte) (meta, bool, error) {
	v, err := txn.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return meta{}, false, nil
	}
	if err != nil {
		return meta{}, false, err
	}
	m, err := decodeMeta(v)
	return m, err == nil, err
}

// putMeta writes the head, or deletes it when the queue is idle.
func putMeta(txn store.Txn, key []byte, m meta) error {
	if m.idle() {
		return txn.Delete(key)
	}
	return txn.Set(key, m.appendTo(nil))
}

// headJob reads the first job of u's queue, whose seq is at least from
// (meta.head).
func headJob(txn store.Txn, u userKey, from uint64) (jobRec, uint64, bool, error) {
	var (
		rec   jobRec
		seq   uint64
		found bool
		derr  error
	)
	prefix := u.jobPrefix()
	err := txn.Scan(prefix, store.ScanOptions{Start: u.jobKey(from)}, func(k, v []byte) bool {
		found = true
		seq, derr = parseSeq(k[len(prefix):])
		if derr == nil {
			rec, derr = decodeJob(v)
		}
		return false
	})
	if err == nil {
		err = derr
	}
	return rec, seq, found, err
}

// jobByName reads job name of u through the name index.
func jobByName(txn store.Txn, u userKey, name string) (jobRec, uint64, bool, error) {
	v, err := txn.Get(u.nameKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return jobRec{}, 0, false, nil
	}
	if err != nil {
		return jobRec{}, 0, false, err
	}
	seq, err := decodeSeq(v)
	if err != nil {
		return jobRec{}, 0, false, err
	}
	jv, err := txn.Get(u.jobKey(seq))
	if errors.Is(err, store.ErrNotFound) {
		return jobRec{}, 0, false, errCorrupt // the index points nowhere
	}
	if err != nil {
		return jobRec{}, 0, false, err
	}
	rec, err := decodeJob(jv)
	return rec, seq, err == nil, err
}

// jobAt reads the job at seq of u's queue if it is still job name (seqs
// are reused only after the queue went idle and its head record was
// deleted, which no attempt in flight allows).
func jobAt(txn store.Txn, u userKey, seq uint64, name string) (jobRec, bool, error) {
	v, err := txn.Get(u.jobKey(seq))
	if errors.Is(err, store.ErrNotFound) {
		return jobRec{}, false, nil
	}
	if err != nil {
		return jobRec{}, false, err
	}
	rec, err := decodeJob(v)
	if err != nil {
		return jobRec{}, false, err
	}
	return rec, rec.name == name, nil
}

// toJob builds the public model of a job of u.
func (s *Service) toJob(u userKey, r jobRec) Job {
	return Job{
		JobID:             s.jobGRN(u, r.name),
		Name:              r.name,
		UserID:            u.user,
		ScriptID:          r.scriptID,
		Args:              r.args,
		CurrentRetryCount: r.try,
		MaxTryCount:       r.maxTry,
		CreatedAt:         r.createdAt,
		UpdatedAt:         r.updatedAt,
		NotBefore:         r.notBefore,
	}
}
