package jobqueue

import (
	"context"
	"errors"
	"strconv"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/page"
	"github.com/hearth-go/hearth/store"
)

// DescribeJobs lists userID's queue in run order, the head first, one page
// of limit jobs at a time (GS2's describeJobsByUserId): limit is 1..1000,
// 0 means 30; pageToken is "" for the first page, then the nextPageToken
// of the previous page, which is "" on the last page. A job whose attempt
// is in flight is listed like the others. A missing namespace is an error
// matching ErrNotFound.
func (s *Service) DescribeJobs(ctx context.Context, namespaceName, userID, pageToken string, limit int) (items []Job, nextPageToken string, err error) {
	u := userKey{ns: namespaceName, user: userID}
	items, nextPageToken, err = listUser(ctx, s, u, u.jobPrefix(), pageToken, limit, func(v []byte) (Job, error) {
		rec, err := decodeJob(v)
		return s.toJob(u, rec), err
	})
	if err != nil {
		return nil, "", wrap("describe jobs", err)
	}
	return items, nextPageToken, nil
}

// GetJob returns job jobName of userID's queue (GS2's getJobByUserId). A
// job that has left the queue (succeeded, dead or deleted), or a missing
// namespace, is an error matching ErrNotFound.
func (s *Service) GetJob(ctx context.Context, namespaceName, userID, jobName string) (*Job, error) {
	const op = "get job"
	u := userKey{ns: namespaceName, user: userID}
	if err := checkJobRequest(u, jobName); err != nil {
		return nil, wrap(op, err)
	}
	var job Job
	err := s.st.View(ctx, func(txn store.Txn) error {
		if _, err := s.settingsTxn(txn, u.ns); err != nil {
			return err
		}
		rec, _, found, err := jobByName(txn, u, jobName)
		if err != nil {
			return err
		}
		if !found {
			return errNoJob(u, jobName)
		}
		job = s.toJob(u, rec)
		return nil
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	return &job, nil
}

// DeleteJob removes job jobName from userID's queue whatever its state,
// and returns it as it was (GS2's deleteJobByUserId). If its attempt is in
// flight, the attempt finishes and its JobResult is recorded, but no
// retry, dead letter or run notification follows (an EventDeleted is
// emitted), and no other job of the user starts before it ends. Under
// auto-run, the user's next job may then run. A missing job or namespace
// is an error matching ErrNotFound.
func (s *Service) DeleteJob(ctx context.Context, namespaceName, userID, jobName string) (*Job, error) {
	const op = "delete job"
	u := userKey{ns: namespaceName, user: userID}
	if err := checkJobRequest(u, jobName); err != nil {
		return nil, wrap(op, err)
	}
	var (
		set settings
		rec jobRec
	)
	metaKey := u.metaKey()
	err := s.batch.Do(ctx, func(txn store.Txn) error {
		var err error
		if set, err = s.settingsTxn(txn, u.ns); err != nil {
			return err
		}
		m, _, err := getMeta(txn, metaKey)
		if err != nil {
			return err
		}
		var (
			seq   uint64
			found bool
		)
		rec, seq, found, err = jobByName(txn, u, jobName)
		if err != nil {
			return err
		}
		if !found {
			return errNoJob(u, jobName)
		}
		if err := s.removeJob(txn, u, jobName, seq); err != nil {
			return err
		}
		// meta.running stays if this job is running: the attempt's finish
		// finds the job gone, records the result and clears it.
		m.n--
		return putMeta(txn, metaKey, m)
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	if set.EnableAutoRun {
		s.sched.wake(u) // the job may have held the head (in backoff, say)
	}
	job := s.toJob(u, rec)
	return &job, nil
}

// GetJobResult returns the result of one attempt at job jobName of userID
// (GS2's getJobResultByUserId): the attempt tryNumber (0..10000, numbered
// from 0), or the latest one when tryNumber is nil. Results outlive their
// job, until Config.ResultRetention. No such result, or a missing
// namespace, is an error matching ErrNotFound.
func (s *Service) GetJobResult(ctx context.Context, namespaceName, userID, jobName string, tryNumber *int) (*JobResult, error) {
	const op = "get job result"
	u := userKey{ns: namespaceName, user: userID}
	if err := checkJobRequest(u, jobName); err != nil {
		return nil, wrap(op, err)
	}
	if err := checkTryNumber(tryNumber); err != nil {
		return nil, wrap(op, err)
	}
	var out JobResult
	err := s.st.View(ctx, func(txn store.Txn) error {
		if _, err := s.settingsTxn(txn, u.ns); err != nil {
			return err
		}
		if tryNumber != nil {
			v, err := txn.Get(u.resultKey(jobName, *tryNumber))
			if errors.Is(err, store.ErrNotFound) {
				return errs.NotFound("result of try %d of job %q of user %q", *tryNumber, jobName, u.user)
			}
			if err != nil {
				return err
			}
			r, err := decodeResult(v)
			if err != nil {
				return err
			}
			out = s.toResult(u, jobName, *tryNumber, r)
			return nil
		}
		prefix := u.resultPrefix(jobName)
		var (
			found bool
			derr  error
		)
		err := txn.Scan(prefix, store.ScanOptions{Reverse: true}, func(k, v []byte) bool {
			found = true
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
			out = s.toResult(u, jobName, int(try), r)
			return false
		})
		switch {
		case err != nil:
			return err
		case derr != nil:
			return derr
		case !found:
			return errs.NotFound("result of job %q of user %q", jobName, u.user)
		}
		return nil
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	return &out, nil
}

// toResult builds the public model of result try of job name of u.
func (s *Service) toResult(u userKey, name string, try int, r resultRec) JobResult {
	jobID := s.jobGRN(u, name)
	return JobResult{
		JobResultID: jobID + ":jobResult:" + strconv.Itoa(try),
		JobID:       jobID,
		ScriptID:    r.scriptID,
		Args:        r.args,
		TryNumber:   try,
		StatusCode:  r.status,
		Result:      r.result,
		TryAt:       r.tryAt,
	}
}

// errNoJob is the error of a job that is not in u's queue.
func errNoJob(u userKey, name string) error {
	return errs.NotFound("job %q of user %q", name, u.user)
}

// checkJobRequest validates the namespace, user and job name of a request.
func checkJobRequest(u userKey, jobName string) error {
	if err := checkUserKey(u); err != nil {
		return err
	}
	return checkJobName(jobName)
}

// checkListing validates a paged listing of u over prefix and returns its
// effective limit.
func checkListing(u userKey, prefix []byte, pageToken string, limit int) (int, error) {
	if err := checkUserKey(u); err != nil {
		return 0, err
	}
	if _, err := page.Decode(prefix, pageToken); err != nil {
		return 0, err
	}
	return checkLimit(limit)
}

// listUser is one page of the records of u under prefix (a listing of the
// user's queue or dead letters), in key order, read in one snapshot that
// also checks the namespace.
func listUser[T any](ctx context.Context, s *Service, u userKey, prefix []byte, pageToken string, limit int,
	decode func(value []byte) (T, error),
) (items []T, nextPageToken string, err error) {
	if limit, err = checkListing(u, prefix, pageToken, limit); err != nil {
		return nil, "", err
	}
	err = s.st.View(ctx, func(txn store.Txn) error {
		if _, err := s.settingsTxn(txn, u.ns); err != nil {
			return err
		}
		var err error
		items, nextPageToken, err = page.Collect(txn, prefix, pageToken, limit, func(_, v []byte) (T, bool, error) {
			item, err := decode(v)
			return item, err == nil, err
		})
		return err
	})
	return items, nextPageToken, err
}
