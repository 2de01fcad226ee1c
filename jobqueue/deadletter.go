package jobqueue

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/store"
)

// Dead letters are a Hearth addition: a job whose tries ran out, or whose
// attempt failed with a status that is not retryable, moves with every
// attempt's result to its user's dead letters, named as it was named in
// the queue. The methods below take that name as jobName.

// DescribeDeadLetterJobs lists userID's dead letters in name order, one
// page of limit at a time: limit is 1..1000, 0 means 30; pageToken is ""
// for the first page, then the nextPageToken of the previous page, which
// is "" on the last page. A missing namespace is an error matching
// ErrNotFound.
func (s *Service) DescribeDeadLetterJobs(ctx context.Context, namespaceName, userID, pageToken string, limit int) (items []DeadLetterJob, nextPageToken string, err error) {
	u := userKey{ns: namespaceName, user: userID}
	items, nextPageToken, err = listUser(ctx, s, u, u.deadPrefix(), pageToken, limit, func(v []byte) (DeadLetterJob, error) {
		d, err := decodeDead(v)
		return s.toDeadLetter(u, d), err
	})
	if err != nil {
		return nil, "", wrap("describe dead letter jobs", err)
	}
	return items, nextPageToken, nil
}

// GetDeadLetterJob returns dead letter jobName of userID. A missing dead
// letter or namespace is an error matching ErrNotFound.
func (s *Service) GetDeadLetterJob(ctx context.Context, namespaceName, userID, jobName string) (*DeadLetterJob, error) {
	const op = "get dead letter job"
	u := userKey{ns: namespaceName, user: userID}
	if err := checkJobRequest(u, jobName); err != nil {
		return nil, wrap(op, err)
	}
	var out DeadLetterJob
	err := s.st.View(ctx, func(txn store.Txn) error {
		if _, err := s.settingsTxn(txn, u.ns); err != nil {
			return err
		}
		d, err := getDead(txn, u, jobName)
		if err != nil {
			return err
		}
		out = s.toDeadLetter(u, d)
		return nil
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	return &out, nil
}

// DeleteDeadLetterJob deletes dead letter jobName of userID and returns it
// as it was. The job's results outside the dead letter are kept (until
// Config.ResultRetention). A missing dead letter or namespace is an error
// matching ErrNotFound.
func (s *Service) DeleteDeadLetterJob(ctx context.Context, namespaceName, userID, jobName string) (*DeadLetterJob, error) {
	const op = "delete dead letter job"
	u := userKey{ns: namespaceName, user: userID}
	if err := checkJobRequest(u, jobName); err != nil {
		return nil, wrap(op, err)
	}
	var d deadRec
	err := s.batch.Do(ctx, func(txn store.Txn) error {
		if _, err := s.settingsTxn(txn, u.ns); err != nil {
			return err
		}
		var err error
		if d, err = getDead(txn, u, jobName); err != nil {
			return err
		}
		return txn.Delete(u.deadKey(jobName))
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	out := s.toDeadLetter(u, d)
	return &out, nil
}

// RequeueDeadLetterJob pushes dead letter jobName of userID back as a new
// job at the tail of the user's queue and removes the dead letter, in one
// transaction, and returns the new job: a new UUID name, the same
// scriptId, args and maxTryCount, currentRetryCount 0, createdAt now. The
// old job's results stay readable under its old name. As after Push, the
// job runs in the background on an auto-run namespace; otherwise the user
// is notified (Gs2JobQueue:Push). A missing dead letter or namespace is an
// error matching ErrNotFound.
func (s *Service) RequeueDeadLetterJob(ctx context.Context, namespaceName, userID, jobName string) (*Job, error) {
	const op = "requeue dead letter job"
	u := userKey{ns: namespaceName, user: userID}
	if err := checkJobRequest(u, jobName); err != nil {
		return nil, wrap(op, err)
	}
	nowMs := clock.Millis(clock.Now(ctx, s.clock))
	rec := jobRec{name: uuid.NewString(), createdAt: nowMs, updatedAt: nowMs}
	var set settings
	metaKey := u.metaKey()
	err := s.batch.Do(ctx, func(txn store.Txn) error {
		var err error
		if set, err = s.settingsTxn(txn, u.ns); err != nil {
			return err
		}
		d, err := getDead(txn, u, jobName)
		if err != nil {
			return err
		}
		m, _, err := getMeta(txn, metaKey)
		if err != nil {
			return err
		}
		rec.scriptID, rec.args, rec.maxTry = d.ScriptID, d.Args, d.MaxTryCount
		if err := txn.Delete(u.deadKey(jobName)); err != nil {
			return err
		}
		if _, err := appendJob(txn, u, &m, rec, nil); err != nil {
			return err
		}
		return txn.Set(metaKey, m.appendTo(nil))
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	s.events.emit(Event{Kind: EventPushed, Namespace: u.ns, UserID: u.user, JobName: rec.name, At: nowMs})
	if set.EnableAutoRun {
		s.sched.wake(u)
	} else {
		s.notifyPush(ctx, set, u)
	}
	job := s.toJob(u, rec)
	return &job, nil
}

// getDead reads dead letter name of u; a missing one is an error matching
// ErrNotFound.
func getDead(txn store.Txn, u userKey, name string) (deadRec, error) {
	v, err := txn.Get(u.deadKey(name))
	if errors.Is(err, store.ErrNotFound) {
		return deadRec{}, errs.NotFound("dead letter job %q of user %q", name, u.user)
	}
	if err != nil {
		return deadRec{}, err
	}
	return decodeDead(v)
}

// toDeadLetter builds the public model of dead letter d of u.
func (s *Service) toDeadLetter(u userKey, d deadRec) DeadLetterJob {
	results := d.Results
	if results == nil {
		results = []JobResultBody{}
	}
	return DeadLetterJob{
		DeadLetterJobID: s.deadGRN(u, d.Name),
		Name:            d.Name,
		UserID:          u.user,
		ScriptID:        d.ScriptID,
		Args:            d.Args,
		MaxTryCount:     d.MaxTryCount,
		Results:         results,
		CreatedAt:       d.CreatedAt,
		DeadAt:          d.DeadAt,
	}
}
