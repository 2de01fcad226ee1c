package jobqueue_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/memstore"
)

// TestDumpCleanImport: Dump documents every job (in run order, with its
// retry state), result and dead letter of the user in every namespace;
// Clean deletes them all and nothing else; Import restores them exactly
// (job seqs aside), under the same user or another, and the restored
// queue runs on from where it was.
func TestDumpCleanImport(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, &jobqueue.Config{Backoff: func(int) time.Duration { return time.Minute }})
		var fixed atomic.Bool
		register(t, e.svc, "ok", func(context.Context, jobqueue.Job) (int, string, error) { return 200, "ok", nil })
		register(t, e.svc, "bad", func(context.Context, jobqueue.Job) (int, string, error) { return 400, "no", nil })
		register(t, e.svc, "flaky", func(_ context.Context, j jobqueue.Job) (int, string, error) {
			if fixed.Load() {
				return 200, fmt.Sprint("fixed at ", j.CurrentRetryCount), nil
			}
			return 503, "down", nil
		})
		_, err := e.svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: "empty"})
		require.NoError(t, err)
		run := func(ns, user string) {
			t.Helper()
			_, err := e.svc.Run(e.ctx, ns, user)
			require.NoError(t, err)
		}
		t1 := at(time.Second)
		e.clk.Add(time.Second)
		a := push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "bad", Args: `{"a":1}`})[0]
		e.clk.Add(time.Second)
		t2 := at(2 * time.Second)
		run(manual, "u1") // a: dead at once
		e.clk.Add(time.Second)
		t3 := at(3 * time.Second)
		b := push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "ok"})[0]
		run(manual, "u1") // b: succeeded
		e.clk.Add(time.Second)
		t4 := at(4 * time.Second)
		cde := push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "flaky"}, jobqueue.JobEntry{ScriptID: "ok", Args: `"d"`},
			jobqueue.JobEntry{ScriptID: "ok", MaxTryCount: 7})
		e.clk.Add(time.Second)
		t5 := at(5 * time.Second)
		run(manual, "u1") // c: retried, in backoff
		// f stays queued: the workers are not started.
		f := push(t, e, auto, "u1", jobqueue.JobEntry{ScriptID: "ok"})[0]
		push(t, e, manual, "u2", jobqueue.JobEntry{ScriptID: "ok"})
		run(manual, "u2")
		push(t, e, manual, "u2", jobqueue.JobEntry{ScriptID: "ok"})

		doc, err := e.svc.Dump(e.ctx, "u1")
		require.NoError(t, err)
		job := func(name, script, args string, try, maxTry int, created, updated, notBefore int64) string {
			nb := ""
			if notBefore != 0 {
				nb = fmt.Sprintf(`,"notBefore":%d`, notBefore)
			}
			return fmt.Sprintf(`{"name":%q,"scriptId":%q,"args":%q,"currentRetryCount":%d,"maxTryCount":%d,"createdAt":%d,"updatedAt":%d%s}`,
				name, script, args, try, maxTry, created, updated, nb)
		}
		type res struct{ name, json string }
		results := []res{
			{a.Name, fmt.Sprintf(`{"jobName":%q,"tryNumber":0,"scriptId":"bad","args":"{\"a\":1}","statusCode":400,"result":"no","tryAt":%d}`, a.Name, t2)},
			{b.Name, fmt.Sprintf(`{"jobName":%q,"tryNumber":0,"scriptId":"ok","args":"{}","statusCode":200,"result":"ok","tryAt":%d}`, b.Name, t3)},
			{cde[0].Name, fmt.Sprintf(`{"jobName":%q,"tryNumber":0,"scriptId":"flaky","args":"{}","statusCode":503,"result":"down","tryAt":%d}`, cde[0].Name, t5)},
		}
		slices.SortFunc(results, func(x, y res) int { return strings.Compare(x.name, y.name) })
		var resultJSON []string
		for _, r := range results {
			resultJSON = append(resultJSON, r.json)
		}
		want := fmt.Sprintf(`{"format":"hearth.userdata","version":1,"service":"queue","userId":"u1","createdAt":%d,"data":{"namespaces":[
			{"namespaceName":"auto","jobs":[%s],"results":[],"deadLetters":[]},
			{"namespaceName":"manual","jobs":[%s,%s,%s],"results":[%s],"deadLetters":[
				{"name":%q,"scriptId":"bad","args":"{\"a\":1}","maxTryCount":3,"results":[{"tryNumber":0,"statusCode":400,"result":"no","tryAt":%d}],"createdAt":%d,"deadAt":%d}]}]}}`,
			t5, job(f.Name, "ok", "{}", 0, 3, t5, t5, 0),
			job(cde[0].Name, "flaky", "{}", 1, 3, t4, t5, t5+time.Minute.Milliseconds()),
			job(cde[1].Name, "ok", `"d"`, 0, 3, t4, t4, 0), job(cde[2].Name, "ok", "{}", 0, 7, t4, t4, 0),
			strings.Join(resultJSON, ","), a.Name, t2, t1, t2)
		require.JSONEq(t, want, string(doc))

		queueBefore, _, err := e.svc.DescribeJobs(e.ctx, manual, "u1", "", 0)
		require.NoError(t, err)
		before := dump(t, st)

		// Clean deletes every record of u1 but the retention index, and
		// nothing of u2.
		require.NoError(t, e.svc.Clean(e.ctx, "u1"))
		cleaned := dump(t, st)
		for k, v := range before {
			switch {
			case strings.HasPrefix(k, `("queue", "expire", `):
				require.Equal(t, v, cleaned[k])
			case strings.Contains(k, `"u1"`):
				require.NotContains(t, cleaned, k)
			default:
				require.Equal(t, v, cleaned[k], "%s is not u1's", k)
			}
		}
		require.Len(t, cleaned, len(before)-countKeys(before, func(k string) bool {
			return strings.Contains(k, `"u1"`) && !strings.HasPrefix(k, `("queue", "expire", `)
		}))
		empty, err := e.svc.Dump(e.ctx, "u1")
		require.NoError(t, err)
		require.Contains(t, string(empty), `"data":{"namespaces":[]}`)
		require.NoError(t, e.svc.Clean(e.ctx, "u1"), "cleaning nothing is fine")

		// Import restores the document: the same dump, the same records
		// (the queue's seqs aside).
		events, cancel := e.svc.Subscribe(jobqueue.EventSucceeded)
		defer cancel()
		require.NoError(t, e.svc.Start(e.ctx))
		require.NoError(t, e.svc.Import(e.ctx, "", doc))
		again, err := e.svc.Dump(e.ctx, "u1")
		require.NoError(t, err)
		require.JSONEq(t, string(doc), string(again))
		ev := recv(t, events)
		require.Equal(t, f.Name, ev.JobName, "the imported job of the auto-run namespace runs")
		queueAfter, _, err := e.svc.DescribeJobs(e.ctx, manual, "u1", "", 0)
		require.NoError(t, err)
		require.Equal(t, queueBefore, queueAfter)
		restored := dump(t, st)
		bySeq := func(k string) bool {
			return strings.HasPrefix(k, `("queue", "job", `) || strings.HasPrefix(k, `("queue", "name", `) ||
				strings.HasPrefix(k, `("queue", "user", `)
		}
		for k, v := range before {
			if bySeq(k) || strings.Contains(k, `"auto"`) { // f has run since
				continue
			}
			require.Equal(t, v, restored[k], "%s restored", k)
		}

		// The restored queue runs on: c's next try is 1.
		fixed.Store(true)
		r, err := e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		require.Equal(t, cde[0].Name, r.Job.Name)
		require.Equal(t, "fixed at 1", r.Result.Result)
		run(manual, "u1")
		r, err = e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		require.Equal(t, cde[2].Name, r.Job.Name)
		require.True(t, r.IsLastJob)
		_, err = e.svc.RequeueDeadLetterJob(e.ctx, manual, "u1", a.Name)
		require.NoError(t, err)
	})
}

// TestImportUnderAnotherUser: a document restores under the user given,
// with GRNs and retention entries of that user, and never over existing
// records.
func TestImportUnderAnotherUser(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		register(t, e.svc, "ok", okHandler)
		register(t, e.svc, "bad", func(context.Context, jobqueue.Job) (int, string, error) { return 400, "", nil })
		push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "bad"}, jobqueue.JobEntry{ScriptID: "ok"}, jobqueue.JobEntry{ScriptID: "ok"})
		for range 2 {
			_, err := e.svc.Run(e.ctx, manual, "u1")
			require.NoError(t, err)
		}
		doc, err := e.svc.Dump(e.ctx, "u1")
		require.NoError(t, err)

		require.NoError(t, e.svc.Import(e.ctx, "u9", doc))
		d9, err := e.svc.Dump(e.ctx, "u9")
		require.NoError(t, err)
		var d1, got map[string]any
		require.NoError(t, json.Unmarshal(doc, &d1))
		require.NoError(t, json.Unmarshal(d9, &got))
		require.Equal(t, "u9", got["userId"])
		require.Equal(t, d1["data"], got["data"], "the same records under u9")
		items, _, err := e.svc.DescribeJobs(e.ctx, manual, "u9", "", 0)
		require.NoError(t, err)
		require.Len(t, items, 1)
		require.Equal(t, "grn:gs2:local:hearth:queue:manual:user:u9:job:"+items[0].Name, items[0].JobID)
		dead, _, err := e.svc.DescribeDeadLetterJobs(e.ctx, manual, "u9", "", 0)
		require.NoError(t, err)
		require.Len(t, dead, 1)
		require.Equal(t, "grn:gs2:local:hearth:queue:manual:user:u9:dead:"+dead[0].Name, dead[0].DeadLetterJobID)
		require.Equal(t, 2, countKeys(dump(t, st), func(k string) bool {
			return strings.HasPrefix(k, `("queue", "expire", `) && strings.Contains(k, `"u9"`)
		}), "imported results have retention entries")
		e.clk.Add(jobqueue.DefaultResultRetention)
		n, err := e.svc.SweepResults(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 4, n, "u1's and u9's results expire alike")

		// Never over existing records: a queue that is not empty, a dead
		// letter or a result that exists.
		unchanged(t, st, func() {
			err := e.svc.Import(e.ctx, "u9", doc)
			require.ErrorIs(t, err, jobqueue.ErrAlreadyExists, "u9's queue is not empty")
		})
		_, err = e.svc.Run(e.ctx, manual, "u9")
		require.NoError(t, err)
		unchanged(t, st, func() {
			err := e.svc.Import(e.ctx, "u9", doc)
			require.ErrorIs(t, err, jobqueue.ErrAlreadyExists, "u9's dead letter exists")
		})
		withResult, err := e.svc.Dump(e.ctx, "u9") // the new result and the dead letter
		require.NoError(t, err)
		_, err = e.svc.DeleteDeadLetterJob(e.ctx, manual, "u9", dead[0].Name)
		require.NoError(t, err)
		unchanged(t, st, func() {
			err := e.svc.Import(e.ctx, "u9", withResult)
			require.ErrorIs(t, err, jobqueue.ErrAlreadyExists, "u9's result exists")
		})
		require.NoError(t, e.svc.Import(e.ctx, "u8", withResult))
	})
}

// TestSweepAfterClean: Clean leaves the retention entries of the results
// it deleted; the sweep drops them without error.
func TestSweepAfterClean(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		register(t, e.svc, "ok", okHandler)
		before := dump(t, st)
		push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "ok"}, jobqueue.JobEntry{ScriptID: "ok"})
		for range 2 {
			_, err := e.svc.Run(e.ctx, manual, "u1")
			require.NoError(t, err)
		}
		require.NoError(t, e.svc.Clean(e.ctx, "u1"))
		require.Len(t, dump(t, st), len(before)+2, "two retention entries left")
		e.clk.Add(jobqueue.DefaultResultRetention)
		n, err := e.svc.SweepResults(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n)
		require.Equal(t, before, dump(t, st))
	})
}

func countKeys(m map[string]string, keep func(string) bool) int {
	n := 0
	for k := range m {
		if keep(k) {
			n++
		}
	}
	return n
}

// TestImportIsAllOrNothing: a namespace that does not exist, or one where
// the user has records, fails the whole import, including the namespaces
// before it.
func TestImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		_, err := e.svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: "zzz"})
		require.NoError(t, err)
		push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "s"})
		push(t, e, "zzz", "u1", jobqueue.JobEntry{ScriptID: "s"})
		doc, err := e.svc.Dump(e.ctx, "u1")
		require.NoError(t, err)
		require.NoError(t, e.svc.Clean(e.ctx, "u1"))
		push(t, e, "zzz", "u1", jobqueue.JobEntry{ScriptID: "s"})
		unchanged(t, st, func() {
			err := e.svc.Import(e.ctx, "", doc)
			require.ErrorIs(t, err, jobqueue.ErrAlreadyExists, "zzz's queue is not empty")
		})
		require.NoError(t, e.svc.Clean(e.ctx, "u1"))
		_, err = e.svc.DeleteNamespace(e.ctx, "zzz")
		require.NoError(t, err)
		unchanged(t, st, func() {
			err := e.svc.Import(e.ctx, "", doc)
			require.ErrorIs(t, err, jobqueue.ErrNotFound, "zzz is gone")
		})
	})
}

// TestCleanWhileJobRuns: cleaning a user whose attempt is in flight drops
// that attempt's result (no event, no notification, no record), and the
// user's queue works on.
func TestCleanWhileJobRuns(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		g := newGate()
		register(t, e.svc, "block", g.handler(500, "late"))
		register(t, e.svc, "ok", okHandler)
		events, cancel := e.svc.Subscribe(jobqueue.EventSucceeded, jobqueue.EventFailed, jobqueue.EventDead, jobqueue.EventDeleted)
		defer cancel()
		before := dump(t, st)

		// Manual: Run's attempt is stale when it ends.
		push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "block"}, jobqueue.JobEntry{ScriptID: "ok"})
		done := make(chan error, 1)
		go func() {
			_, err := e.svc.Run(e.ctx, manual, "u1")
			done <- err
		}()
		recv(t, g.started)
		require.NoError(t, e.svc.Clean(e.ctx, "u1"))
		require.Equal(t, before, dump(t, st), "nothing of u1 is left")
		g.release <- struct{}{}
		require.ErrorIs(t, recv(t, done), jobqueue.ErrConflict, "Run reports that its result was not kept")
		require.Equal(t, before, dump(t, st), "the attempt's result is dropped")
		for _, n := range e.notifier.all() {
			require.NotEqual(t, jobqueue.SubjectRun, n.Subject)
		}
		job := push(t, e, manual, "u1", jobqueue.JobEntry{ScriptID: "ok"})[0]
		r, err := e.svc.Run(e.ctx, manual, "u1")
		require.NoError(t, err)
		require.Equal(t, job.Name, r.Job.Name)
		ev := recv(t, events)
		require.Equal(t, jobqueue.EventSucceeded, ev.Kind, "no event for the dropped attempt")
		require.Equal(t, job.Name, ev.JobName)

		// Auto-run: the worker's attempt is stale; a job pushed meanwhile
		// runs after it.
		require.NoError(t, e.svc.Start(e.ctx))
		push(t, e, auto, "u2", jobqueue.JobEntry{ScriptID: "block"})
		recv(t, g.started)
		require.NoError(t, e.svc.Clean(e.ctx, "u2"))
		next := push(t, e, auto, "u2", jobqueue.JobEntry{ScriptID: "ok"})[0]
		close(g.release)
		ev = recv(t, events)
		require.Equal(t, jobqueue.EventSucceeded, ev.Kind)
		require.Equal(t, next.Name, ev.JobName)
		res, err := e.svc.GetJobResult(e.ctx, auto, "u2", next.Name, nil)
		require.NoError(t, err)
		require.Equal(t, 200, res.StatusCode)
		d, err := e.svc.Dump(e.ctx, "u2")
		require.NoError(t, err)
		require.NotContains(t, string(d), "late", "the cleaned attempt's result was dropped")
	})
}

// Placeholders of importDoc for strings of 5,242,880 characters (the
// models' limit on args and results) and of one more: spliced into the
// encoded document rather than encoded, as JSON-encoding megabytes is slow
// under -race.
const (
	bigLen       = 5242880
	atBigLimit   = "@big@"
	pastBigLimit = "@big+1@"
)

// importDoc returns a user-data document for user u1 whose data is
// {"namespaces": namespaces}, with the placeholders replaced.
func importDoc(t *testing.T, namespaces ...map[string]any) []byte {
	t.Helper()
	doc, err := json.Marshal(map[string]any{
		"format": "hearth.userdata", "version": 1, "service": "queue", "userId": "u1", "createdAt": 0,
		"data": map[string]any{"namespaces": namespaces},
	})
	require.NoError(t, err)
	doc = bytes.ReplaceAll(doc, []byte(`"`+atBigLimit+`"`), []byte(`"`+strings.Repeat("a", bigLen)+`"`))
	return bytes.ReplaceAll(doc, []byte(`"`+pastBigLimit+`"`), []byte(`"`+strings.Repeat("a", bigLen+1)+`"`))
}

// importRecords returns a valid namespace ns of a document: two jobs, two
// results, two dead letters.
func importRecords(ns string) map[string]any {
	job := func(name string) map[string]any {
		return map[string]any{"name": name, "scriptId": "s", "args": "{}", "currentRetryCount": 0, "maxTryCount": 3,
			"createdAt": 0, "updatedAt": 0}
	}
	result := func(name string) map[string]any {
		return map[string]any{"jobName": name, "tryNumber": 0, "scriptId": "s", "args": "{}", "statusCode": 200,
			"result": "", "tryAt": 0}
	}
	body := func(try int) map[string]any {
		return map[string]any{"tryNumber": try, "statusCode": 500, "result": "", "tryAt": 0}
	}
	dead := func(name string) map[string]any {
		return map[string]any{"name": name, "scriptId": "s", "args": "{}", "maxTryCount": 3,
			"results": []map[string]any{body(0), body(1)}, "createdAt": 0, "deadAt": 0}
	}
	return map[string]any{
		"namespaceName": ns,
		"jobs":          []map[string]any{job("j0"), job("j1")},
		"results":       []map[string]any{result("j0"), result("r1")},
		"deadLetters":   []map[string]any{dead("d0"), dead("d1")},
	}
}

// importMutation changes field of the second record of list (jobs,
// results, deadLetters) of a namespace of a document.
func importMutation(list, field string, v any) func(map[string]any) {
	return func(ns map[string]any) { ns[list].([]map[string]any)[1][field] = v }
}

// bodyMutation changes field of the second result of the second dead letter.
func bodyMutation(field string, v any) func(map[string]any) {
	return func(ns map[string]any) {
		ns["deadLetters"].([]map[string]any)[1]["results"].([]map[string]any)[1][field] = v
	}
}

// requireImportRejects imports, for each case, a document whose second
// namespace is importRecords(manual) changed by the case, and checks the
// error names the field; the store stays unchanged.
func requireImportRejects(t *testing.T, e *env, st store.Store, cases map[string][]func(map[string]any)) {
	t.Helper()
	unchanged(t, st, func() {
		for field, mutations := range cases {
			for i, mutate := range mutations {
				ns := importRecords(manual)
				mutate(ns)
				err := e.svc.Import(e.ctx, "", importDoc(t, importRecords(auto), ns))
				requireInvalid(t, err, "namespaces[1]."+field, "%s #%d", field, i)
			}
		}
	})
}

// TestImportFieldLimits: every field of a document is checked against the
// reference's limits before anything is written: one past a limit fails
// with ErrInvalidArgument naming the field; at the limit it is accepted
// and stored as given. (The 5 MB limits are in TestImportSizeLimits.)
func TestImportFieldLimits(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		type fn = func(map[string]any)
		job := func(field string, v any) fn { return importMutation("jobs", field, v) }
		result := func(field string, v any) fn { return importMutation("results", field, v) }
		dead := func(field string, v any) fn { return importMutation("deadLetters", field, v) }
		both := func(list, f1 string, v1 any, f2 string, v2 any) fn {
			return func(ns map[string]any) { importMutation(list, f1, v1)(ns); importMutation(list, f2, v2)(ns) }
		}
		requireImportRejects(t, e, st, map[string][]fn{
			"jobs[1].name":                         {job("name", ""), job("name", chars(37)), job("name", "j0")},
			"jobs[1].scriptId":                     {job("scriptId", ""), job("scriptId", chars(1025))},
			"jobs[1].args":                         {job("args", "")},
			"jobs[1].maxTryCount":                  {job("maxTryCount", 0), job("maxTryCount", 101)},
			"jobs[1].currentRetryCount":            {job("currentRetryCount", -1), job("currentRetryCount", 3)}, // 3 = maxTryCount
			"jobs[1].createdAt":                    {job("createdAt", -1)},
			"jobs[1].updatedAt":                    {both("jobs", "createdAt", 5, "updatedAt", 4)},
			"jobs[1].notBefore":                    {job("notBefore", -1)},
			"results[1].jobName":                   {result("jobName", ""), result("jobName", chars(37))},
			"results[1].tryNumber":                 {result("tryNumber", -1), result("tryNumber", 10001), result("jobName", "j0")}, // j0's try 0 twice
			"results[1].scriptId":                  {result("scriptId", chars(1025))},
			"results[1].statusCode":                {result("statusCode", -1), result("statusCode", 1001)},
			"results[1].tryAt":                     {result("tryAt", -1)},
			"deadLetters[1].name":                  {dead("name", ""), dead("name", chars(37)), dead("name", "d0"), dead("name", "j1")},
			"deadLetters[1].scriptId":              {dead("scriptId", ""), dead("scriptId", chars(1025))},
			"deadLetters[1].args":                  {dead("args", "")},
			"deadLetters[1].maxTryCount":           {dead("maxTryCount", 0), dead("maxTryCount", 101)},
			"deadLetters[1].results":               {dead("maxTryCount", 1)}, // 2 results
			"deadLetters[1].createdAt":             {dead("createdAt", -1)},
			"deadLetters[1].deadAt":                {both("deadLetters", "createdAt", 5, "deadAt", 4)},
			"deadLetters[1].results[1].tryNumber":  {bodyMutation("tryNumber", -1), bodyMutation("tryNumber", 10001), bodyMutation("tryNumber", 0)},
			"deadLetters[1].results[1].statusCode": {bodyMutation("statusCode", -1), bodyMutation("statusCode", 1001)},
			"deadLetters[1].results[1].tryAt":      {bodyMutation("tryAt", -1)},
			"namespaceName":                        {func(ns map[string]any) { ns["namespaceName"] = "" }},
		})
		envelope := func(field string, v any) []byte {
			var m map[string]any
			require.NoError(t, json.Unmarshal(importDoc(t, importRecords(auto)), &m))
			m[field] = v
			doc, err := json.Marshal(m)
			require.NoError(t, err)
			return doc
		}
		unchanged(t, st, func() {
			for _, name := range []string{"a/b", strings.Repeat("n", 129), auto} { // auto: twice
				ns := importRecords(manual)
				ns["namespaceName"] = name
				err := e.svc.Import(e.ctx, "", importDoc(t, importRecords(auto), ns))
				requireInvalid(t, err, "namespaces[1].namespaceName", "%q", name)
			}
			for field, doc := range map[string][]byte{
				"document": []byte("{"),
				"format":   envelope("format", "other"),
				"version":  envelope("version", 2),
				"service":  envelope("service", "lock"),
				"data":     envelope("data", map[string]any{"namespaces": []any{}, "extra": 1}),
				"userId":   envelope("userId", ""),
			} {
				requireInvalid(t, e.svc.Import(e.ctx, "", doc), field)
			}
			requireInvalid(t, e.svc.Import(e.ctx, chars(129), importDoc(t, importRecords(auto))), "userId")
			ns := importRecords(manual)
			ns["namespaceName"] = "missing"
			require.ErrorIs(t, e.svc.Import(e.ctx, "", importDoc(t, importRecords(auto), ns)), jobqueue.ErrNotFound)
		})

		// At every limit: accepted and stored as given.
		ns := importRecords(manual)
		for f, v := range map[string]any{"name": chars(36), "scriptId": chars(1024), "maxTryCount": 100,
			"currentRetryCount": 99, "createdAt": 7, "updatedAt": 7, "notBefore": 0} {
			importMutation("jobs", f, v)(ns)
		}
		for f, v := range map[string]any{"jobName": chars(36), "tryNumber": 10000, "scriptId": chars(1024), "statusCode": 1000} {
			importMutation("results", f, v)(ns)
		}
		for f, v := range map[string]any{"name": chars(35) + "d", "scriptId": chars(1024), "maxTryCount": 2,
			"createdAt": 3, "deadAt": 3} {
			importMutation("deadLetters", f, v)(ns)
		}
		bodyMutation("tryNumber", 10000)(ns)
		bodyMutation("statusCode", 0)(ns)
		u := chars(128)
		require.NoError(t, e.svc.Import(e.ctx, u, importDoc(t, ns)))

		j, err := e.svc.GetJob(e.ctx, manual, u, chars(36))
		require.NoError(t, err)
		require.Equal(t, jobqueue.Job{
			JobID: "grn:gs2:local:hearth:queue:manual:user:" + u + ":job:" + chars(36), Name: chars(36), UserID: u,
			ScriptID: chars(1024), Args: "{}", CurrentRetryCount: 99, MaxTryCount: 100, CreatedAt: 7, UpdatedAt: 7,
		}, *j)
		try := 10000
		r, err := e.svc.GetJobResult(e.ctx, manual, u, chars(36), &try)
		require.NoError(t, err)
		require.Equal(t, 1000, r.StatusCode)
		require.Equal(t, chars(1024), r.ScriptID)
		d, err := e.svc.GetDeadLetterJob(e.ctx, manual, u, chars(35)+"d")
		require.NoError(t, err)
		require.Equal(t, []jobqueue.JobResultBody{{TryNumber: 0, StatusCode: 500}, {TryNumber: 10000}}, d.Results)
		items, _, err := e.svc.DescribeJobs(e.ctx, manual, u, "", 0)
		require.NoError(t, err)
		require.Equal(t, []string{"j0", chars(36)}, names(items), "in the document's order")
	})
}

// TestImportSizeLimits: exactly 5,242,880 characters (the models' limit
// on args and results) in every such field of a document are imported,
// stored and read back whole.
func TestImportSizeLimits(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		ns := importRecords(manual)
		importMutation("jobs", "args", atBigLimit)(ns)
		importMutation("results", "args", atBigLimit)(ns)
		importMutation("results", "result", atBigLimit)(ns)
		importMutation("deadLetters", "args", atBigLimit)(ns)
		bodyMutation("result", atBigLimit)(ns)
		require.NoError(t, e.svc.Import(e.ctx, "", importDoc(t, ns)))

		big := strings.Repeat("a", bigLen)
		j, err := e.svc.GetJob(e.ctx, manual, "u1", "j1")
		require.NoError(t, err)
		require.True(t, j.Args == big, "job args")
		r, err := e.svc.GetJobResult(e.ctx, manual, "u1", "r1", nil)
		require.NoError(t, err)
		require.True(t, r.Args == big && r.Result == big, "result args and result")
		d, err := e.svc.GetDeadLetterJob(e.ctx, manual, "u1", "d1")
		require.NoError(t, err)
		require.True(t, d.Args == big && d.Results[1].Result == big, "dead letter args and result")
	})
}

// TestImportRejectsOversizedFields: one character more than 5,242,880 in
// any args or result field fails naming the field, and changes nothing.
// Unlike the other tests it runs on memstore only: the document is
// rejected before the store is touched, and each 5 MB document costs about
// a second under -race (encoding/json reads every byte several times).
func TestImportRejectsOversizedFields(t *testing.T) {
	t.Parallel()
	st := memstore.New(nil)
	t.Cleanup(func() { _ = st.Close() })
	e := newEnv(t, st, nil)
	requireImportRejects(t, e, st, map[string][]func(map[string]any){
		"jobs[1].args":                     {importMutation("jobs", "args", pastBigLimit)},
		"results[1].args":                  {importMutation("results", "args", pastBigLimit)},
		"results[1].result":                {importMutation("results", "result", pastBigLimit)},
		"deadLetters[1].args":              {importMutation("deadLetters", "args", pastBigLimit)},
		"deadLetters[1].results[1].result": {bodyMutation("result", pastBigLimit)},
	})
}
