package jobqueue

import (
	"context"
	"errors"
	"fmt"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/internal/userdata"
	"github.com/hearth-go/hearth/internal/validate"
	"github.com/hearth-go/hearth/store"
)

// Limits of the stored models that Import checks besides the request
// limits of validate.go.
const (
	// maxStoredArgsLen is the Job and JobResult models' limit on args (a
	// pushed entry's is MaxArgsLen).
	maxStoredArgsLen = 5242880
	// maxStatusCode is the largest statusCode of a JobResult.
	maxStatusCode = 1000
)

// userData is the data of a queue user-data document: the user's records
// in every namespace where there are any, in namespace name order.
type userData struct {
	Namespaces []userNamespace `json:"namespaces"`
}

// userNamespace is a user's records in one namespace.
type userNamespace struct {
	NamespaceName string `json:"namespaceName"`
	// Jobs are the user's queue in run order, the head first.
	Jobs []userJob `json:"jobs"`
	// Results are every result of the user's jobs, by job name and try.
	Results []userResult `json:"results"`
	// DeadLetters are the user's dead letters in name order.
	DeadLetters []userDead `json:"deadLetters"`
}

type userJob struct {
	Name              string `json:"name"`
	ScriptID          string `json:"scriptId"`
	Args              string `json:"args"`
	CurrentRetryCount int    `json:"currentRetryCount"`
	MaxTryCount       int    `json:"maxTryCount"`
	CreatedAt         int64  `json:"createdAt"`
	UpdatedAt         int64  `json:"updatedAt"`
	NotBefore         int64  `json:"notBefore,omitempty"`
}

type userResult struct {
	JobName    string `json:"jobName"`
	TryNumber  int    `json:"tryNumber"`
	ScriptID   string `json:"scriptId"`
	Args       string `json:"args"`
	StatusCode int    `json:"statusCode"`
	Result     string `json:"result"`
	TryAt      int64  `json:"tryAt"`
}

// userDead has the fields of deadRec; the document keeps its own type so
// that the stored form may change without changing the document's.
type userDead struct {
	Name        string          `json:"name"`
	ScriptID    string          `json:"scriptId"`
	Args        string          `json:"args"`
	MaxTryCount int             `json:"maxTryCount"`
	Results     []JobResultBody `json:"results"`
	CreatedAt   int64           `json:"createdAt"`
	DeadAt      int64           `json:"deadAt"`
}

// Dump returns everything the service keeps about userID, in every
// namespace, as a versioned JSON document (the internal/userdata
// envelope, service "queue"): the user's queued jobs in run order (a job
// whose attempt is in flight is dumped as queued, with its try number),
// every recorded result and every dead letter. GS2 exports user data
// asynchronously as zip files (prepareImport, check*); Hearth does it
// synchronously and has no counterpart for those methods.
func (s *Service) Dump(ctx context.Context, userID string) ([]byte, error) {
	const op = "dump"
	if err := checkUser(userID); err != nil {
		return nil, wrap(op, err)
	}
	nowMs := clock.Millis(clock.Now(ctx, s.clock))
	data := userData{Namespaces: []userNamespace{}}
	err := s.st.View(ctx, func(txn store.Txn) error {
		data.Namespaces = data.Namespaces[:0]
		names, err := namespaceNames(txn)
		if err != nil {
			return err
		}
		for _, ns := range names {
			n, err := dumpNamespace(txn, userKey{ns: ns, user: userID})
			if err != nil {
				return err
			}
			if len(n.Jobs)+len(n.Results)+len(n.DeadLetters) > 0 {
				data.Namespaces = append(data.Namespaces, n)
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	doc, err := userdata.Marshal(service, userID, nowMs, data)
	if err != nil {
		return nil, wrap(op, err)
	}
	return doc, nil
}

// dumpNamespace reads u's records.
func dumpNamespace(txn store.Txn, u userKey) (userNamespace, error) {
	n := userNamespace{NamespaceName: u.ns, Jobs: []userJob{}, Results: []userResult{}, DeadLetters: []userDead{}}
	err := scanRecords(txn, u.jobPrefix(), func(_, v []byte) error {
		j, err := decodeJob(v)
		if err != nil {
			return err
		}
		n.Jobs = append(n.Jobs, userJob{
			Name: j.name, ScriptID: j.scriptID, Args: j.args, CurrentRetryCount: j.try, MaxTryCount: j.maxTry,
			CreatedAt: j.createdAt, UpdatedAt: j.updatedAt, NotBefore: j.notBefore,
		})
		return nil
	})
	if err != nil {
		return n, err
	}
	err = scanRecords(txn, u.userResultPrefix(), func(rest, v []byte) error {
		d := keys.NewDecoder(rest)
		name, err := d.Str()
		if err != nil {
			return err
		}
		try, err := d.Uint()
		if err != nil {
			return err
		}
		r, err := decodeResult(v)
		if err != nil {
			return err
		}
		n.Results = append(n.Results, userResult{
			JobName: name, TryNumber: int(try), ScriptID: r.scriptID, Args: r.args,
			StatusCode: r.status, Result: r.result, TryAt: r.tryAt,
		})
		return nil
	})
	if err != nil {
		return n, err
	}
	err = scanRecords(txn, u.deadPrefix(), func(_, v []byte) error {
		d, err := decodeDead(v)
		if err != nil {
			return err
		}
		if d.Results == nil {
			d.Results = []JobResultBody{}
		}
		n.DeadLetters = append(n.DeadLetters, userDead(d))
		return nil
	})
	return n, err
}

// scanRecords calls fn with the key suffix after prefix and the value of
// every record under prefix, stopping at fn's first error.
func scanRecords(txn store.Txn, prefix []byte, fn func(rest, v []byte) error) error {
	var ferr error
	err := txn.Scan(prefix, store.ScanOptions{}, func(k, v []byte) bool {
		ferr = fn(k[len(prefix):], v)
		return ferr == nil
	})
	if err == nil {
		err = ferr
	}
	return err
}

// Clean deletes every record of userID in every namespace — queued jobs,
// the queue head, results and dead letters — in one transaction per
// namespace. An attempt in flight then finishes without effect: its result
// is dropped, and no event or notification follows. (Retention index
// entries of the deleted results stay until the sweep reaches them; it
// skips a result that is gone.)
func (s *Service) Clean(ctx context.Context, userID string) error {
	const op = "clean"
	if err := checkUser(userID); err != nil {
		return wrap(op, err)
	}
	var names []string
	err := s.st.View(ctx, func(txn store.Txn) error {
		var err error
		names, err = namespaceNames(txn)
		return err
	})
	if err != nil {
		return wrap(op, err)
	}
	for _, ns := range names {
		u := userKey{ns: ns, user: userID}
		err := store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
			if err := txn.Delete(u.metaKey()); err != nil {
				return err
			}
			for _, p := range [][]byte{u.jobPrefix(), u.namePrefix(), u.userResultPrefix(), u.deadPrefix()} {
				if err := namespace.DeletePrefixes(txn, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return wrap(op, err)
		}
	}
	return nil
}

// Import restores a document made by Dump under userID, or under the
// document's user when userID is empty, in one transaction: each
// namespace's jobs join the user's queue in their dumped order (with their
// try counts and backoff), and its results and dead letters are written
// back; results get a retention deadline from their tryAt like recorded
// ones. Jobs of an auto-run namespace are then run by the workers. Import
// is not a push: it emits no events and sends no notifications.
//
// A malformed document (or one of another service or version), or a
// record that breaks a limit of the reference, is an error matching
// ErrInvalidArgument naming the field (e.g.
// "namespaces[0].jobs[2].maxTryCount"). A namespace that does not exist is
// an error matching ErrNotFound. Import never merges: a user whose queue
// in a namespace of the document is not empty (a job queued or running),
// or who has a result or dead letter of the document already, is an error
// matching ErrAlreadyExists. In every error case nothing is imported.
func (s *Service) Import(ctx context.Context, userID string, doc []byte) error {
	const op = "import"
	var data userData
	env, err := userdata.Unmarshal(doc, service, &data)
	if err != nil {
		return wrap(op, err)
	}
	if userID == "" {
		userID = env.UserID
	}
	if err := checkUser(userID); err != nil {
		return wrap(op, err)
	}
	if err := checkImport(data); err != nil {
		return wrap(op, err)
	}
	var wake []userKey
	err = store.UpdateRetry(ctx, s.st, func(txn store.Txn) error {
		wake = wake[:0]
		for _, n := range data.Namespaces {
			u := userKey{ns: n.NamespaceName, user: userID}
			set, err := s.settingsTxn(txn, u.ns)
			if err != nil {
				return err
			}
			if err := s.importNamespace(txn, u, n); err != nil {
				return err
			}
			if set.EnableAutoRun && len(n.Jobs) > 0 {
				wake = append(wake, u)
			}
		}
		return nil
	})
	if err != nil {
		return wrap(op, err)
	}
	for _, u := range wake {
		s.sched.wake(u)
	}
	return nil
}

// importNamespace writes n's records for u, refusing to overwrite any.
func (s *Service) importNamespace(txn store.Txn, u userKey, n userNamespace) error {
	metaKey := u.metaKey()
	m, found, err := getMeta(txn, metaKey)
	if err != nil {
		return err
	}
	if found {
		return errs.AlreadyExists("queue of user %q in namespace %q is not empty", u.user, u.ns)
	}
	for _, j := range n.Jobs {
		if err := absent(txn, u.deadKey(j.Name), "dead letter job %q of user %q", j.Name, u.user); err != nil {
			return err
		}
	}
	for _, r := range n.Results {
		if err := absent(txn, u.resultKey(r.JobName, r.TryNumber), "result of try %d of job %q of user %q", r.TryNumber, r.JobName, u.user); err != nil {
			return err
		}
	}
	for _, d := range n.DeadLetters {
		if err := absent(txn, u.deadKey(d.Name), "dead letter job %q of user %q", d.Name, u.user); err != nil {
			return err
		}
	}
	var buf []byte
	for _, j := range n.Jobs {
		rec := jobRec{
			name: j.Name, scriptID: j.ScriptID, args: j.Args, try: j.CurrentRetryCount, maxTry: j.MaxTryCount,
			createdAt: j.CreatedAt, updatedAt: j.UpdatedAt, notBefore: j.NotBefore,
		}
		if buf, err = appendJob(txn, u, &m, rec, buf); err != nil {
			return err
		}
	}
	if err := putMeta(txn, metaKey, m); err != nil {
		return err
	}
	for _, r := range n.Results {
		rec := resultRec{scriptID: r.ScriptID, args: r.Args, status: r.StatusCode, result: r.Result, tryAt: r.TryAt}
		buf = rec.appendTo(buf[:0])
		if err := txn.Set(u.resultKey(r.JobName, r.TryNumber), buf); err != nil {
			return err
		}
		if s.retention > 0 {
			if err := txn.Set(expireKey(r.TryAt, u, r.JobName, r.TryNumber), nil); err != nil {
				return err
			}
		}
	}
	for _, d := range n.DeadLetters {
		v, err := deadRec(d).encode()
		if err != nil {
			return err
		}
		if err := txn.Set(u.deadKey(d.Name), v); err != nil {
			return err
		}
	}
	return nil
}

// absent returns an error matching ErrAlreadyExists, described by format
// and args, if key holds a record.
func absent(txn store.Txn, key []byte, format string, args ...any) error {
	_, err := txn.Get(key)
	switch {
	case err == nil:
		return errs.AlreadyExists(format, args...)
	case errors.Is(err, store.ErrNotFound):
		return nil
	}
	return err
}

// checkImport validates every record of a document, naming the field as
// namespaces[i].jobs[j].field (results[j], deadLetters[j]).
func checkImport(data userData) error {
	seenNS := make(map[string]bool, len(data.Namespaces))
	for i, n := range data.Namespaces {
		f := fmt.Sprintf("namespaces[%d].", i)
		if err := validate.Name(f+"namespaceName", n.NamespaceName); err != nil {
			return err
		}
		if seenNS[n.NamespaceName] {
			return errs.Invalid(f+"namespaceName", "duplicate namespace in the document")
		}
		seenNS[n.NamespaceName] = true
		if err := checkImportNamespace(f, n); err != nil {
			return err
		}
	}
	return nil
}

func checkImportNamespace(f string, n userNamespace) error {
	jobs := make(map[string]bool, len(n.Jobs))
	for i, j := range n.Jobs {
		field := func(name string) string { return fmt.Sprintf("%sjobs[%d].%s", f, i, name) }
		err := validate.First(
			validate.RequiredMaxLen(field("name"), j.Name, MaxJobNameLen),
			checkScriptID(field("scriptId"), j.ScriptID),
			validate.RequiredMaxLen(field("args"), j.Args, maxStoredArgsLen),
			validate.Range(field("maxTryCount"), j.MaxTryCount, 1, MaxTryCountLimit),
			validate.Range(field("currentRetryCount"), j.CurrentRetryCount, 0, j.MaxTryCount-1),
			validate.Min(field("createdAt"), j.CreatedAt, 0),
			validate.Min(field("updatedAt"), j.UpdatedAt, j.CreatedAt),
			validate.Min(field("notBefore"), j.NotBefore, 0),
		)
		if err != nil {
			return err
		}
		if jobs[j.Name] {
			return errs.Invalid(field("name"), "duplicate job in the document")
		}
		jobs[j.Name] = true
	}
	results := make(map[userResultID]bool, len(n.Results))
	for i, r := range n.Results {
		field := func(name string) string { return fmt.Sprintf("%sresults[%d].%s", f, i, name) }
		err := validate.First(
			validate.RequiredMaxLen(field("jobName"), r.JobName, MaxJobNameLen),
			validate.Range(field("tryNumber"), r.TryNumber, 0, MaxTryNumber),
			validate.MaxLen(field("scriptId"), r.ScriptID, MaxScriptIDLen),
			validate.MaxLen(field("args"), r.Args, maxStoredArgsLen),
			validate.Range(field("statusCode"), r.StatusCode, 0, maxStatusCode),
			validate.MaxLen(field("result"), r.Result, MaxResultLen),
			validate.Min(field("tryAt"), r.TryAt, 0),
		)
		if err != nil {
			return err
		}
		id := userResultID{r.JobName, r.TryNumber}
		if results[id] {
			return errs.Invalid(field("tryNumber"), "duplicate result in the document")
		}
		results[id] = true
	}
	dead := make(map[string]bool, len(n.DeadLetters))
	for i, d := range n.DeadLetters {
		prefix := fmt.Sprintf("%sdeadLetters[%d].", f, i)
		if err := checkImportDead(prefix, d); err != nil {
			return err
		}
		switch {
		case dead[d.Name]:
			return errs.Invalid(prefix+"name", "duplicate dead letter in the document")
		case jobs[d.Name]:
			return errs.Invalid(prefix+"name", "also the name of a job in the document")
		}
		dead[d.Name] = true
	}
	return nil
}

// userResultID identifies a result: job name and try number.
type userResultID struct {
	name string
	try  int
}

func checkImportDead(prefix string, d userDead) error {
	err := validate.First(
		validate.RequiredMaxLen(prefix+"name", d.Name, MaxJobNameLen),
		checkScriptID(prefix+"scriptId", d.ScriptID),
		validate.RequiredMaxLen(prefix+"args", d.Args, maxStoredArgsLen),
		validate.Range(prefix+"maxTryCount", d.MaxTryCount, 1, MaxTryCountLimit),
		validate.Min(prefix+"createdAt", d.CreatedAt, 0),
		validate.Min(prefix+"deadAt", d.DeadAt, d.CreatedAt),
		validate.MaxItems(prefix+"results", len(d.Results), d.MaxTryCount),
	)
	if err != nil {
		return err
	}
	tries := make(map[int]bool, len(d.Results))
	for i, r := range d.Results {
		field := func(name string) string { return fmt.Sprintf("%sresults[%d].%s", prefix, i, name) }
		err := validate.First(
			validate.Range(field("tryNumber"), r.TryNumber, 0, MaxTryNumber),
			validate.Range(field("statusCode"), r.StatusCode, 0, maxStatusCode),
			validate.MaxLen(field("result"), r.Result, MaxResultLen),
			validate.Min(field("tryAt"), r.TryAt, 0),
		)
		if err != nil {
			return err
		}
		if tries[r.TryNumber] {
			return errs.Invalid(field("tryNumber"), "duplicate result in the dead letter")
		}
		tries[r.TryNumber] = true
	}
	return nil
}

// namespaceNames lists the names of every JobQueue namespace.
func namespaceNames(txn store.Txn) ([]string, error) {
	prefix := namespace.Prefix(service)
	var names []string
	err := scanRecords(txn, prefix, func(rest, _ []byte) error {
		name, err := keys.NewDecoder(rest).Str()
		if err == nil {
			names = append(names, name)
		}
		return err
	})
	return names, err
}
