package jobqueue_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/internal/errs"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

// requireInvalid checks that err matches ErrInvalidArgument and is a field
// error for field, named in its message.
func requireInvalid(t *testing.T, err error, field string, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, jobqueue.ErrInvalidArgument, msgAndArgs...)
	fe, ok := errors.AsType[*errs.FieldError](err)
	require.True(t, ok, msgAndArgs...)
	require.Equal(t, field, fe.Field, msgAndArgs...)
	require.Contains(t, err.Error(), field, msgAndArgs...)
}

// chars returns n characters of two bytes each: limits count characters,
// not bytes.
func chars(n int) string { return strings.Repeat("é", n) }

// TestValidationOfQueueMethods: every field limit of every queue method
// fails with ErrInvalidArgument naming the field and changes nothing; the
// values at the limits are accepted.
func TestValidationOfQueueMethods(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		// A queued job, a result and a dead letter, so that a call that
		// wrongly went through would change something.
		register(t, e.svc, "die", func(context.Context, jobqueue.Job) (int, string, error) { return 400, "", nil })
		dead := push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "die"})[0]
		_, err := e.svc.Run(e.ctx, manual, "u")
		require.NoError(t, err)
		queued := push(t, e, manual, "u", jobqueue.JobEntry{ScriptID: "s"})[0]
		name := queued.Name
		ok := []jobqueue.JobEntry{{ScriptID: "s"}}

		// Every method that names a user's queue, called with (ns, user, job name).
		calls := map[string]func(ns, user, job string) error{
			"Push": func(ns, u, _ string) error { _, _, err := e.svc.Push(e.ctx, ns, u, ok); return err },
			"Run":  func(ns, u, _ string) error { _, err := e.svc.Run(e.ctx, ns, u); return err },
			"DescribeJobs": func(ns, u, _ string) error {
				_, _, err := e.svc.DescribeJobs(e.ctx, ns, u, "", 0)
				return err
			},
			"DescribeDeadLetterJobs": func(ns, u, _ string) error {
				_, _, err := e.svc.DescribeDeadLetterJobs(e.ctx, ns, u, "", 0)
				return err
			},
			"GetJob":    func(ns, u, j string) error { _, err := e.svc.GetJob(e.ctx, ns, u, j); return err },
			"DeleteJob": func(ns, u, j string) error { _, err := e.svc.DeleteJob(e.ctx, ns, u, j); return err },
			"GetJobResult": func(ns, u, j string) error {
				_, err := e.svc.GetJobResult(e.ctx, ns, u, j, nil)
				return err
			},
			"GetDeadLetterJob": func(ns, u, j string) error {
				_, err := e.svc.GetDeadLetterJob(e.ctx, ns, u, j)
				return err
			},
			"DeleteDeadLetterJob": func(ns, u, j string) error {
				_, err := e.svc.DeleteDeadLetterJob(e.ctx, ns, u, j)
				return err
			},
			"RequeueDeadLetterJob": func(ns, u, j string) error {
				_, err := e.svc.RequeueDeadLetterJob(e.ctx, ns, u, j)
				return err
			},
		}
		takesJob := map[string]bool{
			"GetJob": true, "DeleteJob": true, "GetJobResult": true,
			"GetDeadLetterJob": true, "DeleteDeadLetterJob": true, "RequeueDeadLetterJob": true,
		}
		tests := []struct {
			name, field, ns, user, job string
			jobOnly                    bool
		}{
			{"namespace empty", "namespaceName", "", "u", name, false},
			{"namespace too long", "namespaceName", strings.Repeat("n", 129), "u", name, false},
			{"namespace with a slash", "namespaceName", "a/b", "u", name, false},
			{"namespace with a space", "namespaceName", "a b", "u", name, false},
			{"namespace not ASCII", "namespaceName", "é", "u", name, false},
			{"user empty", "userId", manual, "", name, false},
			{"user too long", "userId", manual, chars(129), name, false},
			{"job name empty", "jobName", manual, "u", "", true},
			{"job name too long", "jobName", manual, "u", chars(37), true},
		}
		pageCalls := map[string]func(token string, limit int) error{
			"DescribeJobs": func(token string, limit int) error {
				_, _, err := e.svc.DescribeJobs(e.ctx, manual, "u", token, limit)
				return err
			},
			"DescribeDeadLetterJobs": func(token string, limit int) error {
				_, _, err := e.svc.DescribeDeadLetterJobs(e.ctx, manual, "u", token, limit)
				return err
			},
		}
		// A valid token of another listing: u2's queue.
		push(t, e, manual, "u2", jobqueue.JobEntry{ScriptID: "s"}, jobqueue.JobEntry{ScriptID: "s"})
		_, otherToken, err := e.svc.DescribeJobs(e.ctx, manual, "u2", "", 1)
		require.NoError(t, err)
		require.NotEmpty(t, otherToken)

		unchanged(t, st, func() {
			for _, tt := range tests {
				for method, call := range calls {
					if tt.jobOnly && !takesJob[method] {
						continue
					}
					requireInvalid(t, call(tt.ns, tt.user, tt.job), tt.field, "%s: %s", method, tt.name)
				}
			}
			for method, call := range pageCalls {
				for _, limit := range []int{-1, 1001} {
					requireInvalid(t, call("", limit), "limit", "%s: limit %d", method, limit)
				}
				for _, token := range []string{"bad", "!!!!", otherToken, strings.Repeat("A", 1025)} {
					requireInvalid(t, call(token, 0), "pageToken", "%s: token %q", method, token)
				}
			}

			// Push's entries.
			entryTests := []struct {
				field   string
				entries []jobqueue.JobEntry
			}{
				{"jobs", make([]jobqueue.JobEntry, 11)},
				{"jobs[0].scriptId", []jobqueue.JobEntry{{}}},
				{"jobs[1].scriptId", []jobqueue.JobEntry{{ScriptID: "s"}, {ScriptID: chars(1025)}}},
				{"jobs[1].args", []jobqueue.JobEntry{{ScriptID: "s"}, {ScriptID: "s", Args: chars(131073)}}},
				{"jobs[1].maxTryCount", []jobqueue.JobEntry{{ScriptID: "s"}, {ScriptID: "s", MaxTryCount: -1}}},
				{"jobs[2].maxTryCount", []jobqueue.JobEntry{{ScriptID: "s"}, {ScriptID: "s"}, {ScriptID: "s", MaxTryCount: 101}}},
			}
			for _, tt := range entryTests {
				_, _, err := e.svc.Push(e.ctx, manual, "u", tt.entries)
				requireInvalid(t, err, tt.field)
			}

			for _, try := range []int{-1, 10001} {
				_, err := e.svc.GetJobResult(e.ctx, manual, "u", dead.Name, &try)
				requireInvalid(t, err, "tryNumber", "try %d", try)
			}
			for _, user := range []string{"", chars(129)} {
				_, err := e.svc.Dump(e.ctx, user)
				requireInvalid(t, err, "userId")
				requireInvalid(t, e.svc.Clean(e.ctx, user), "userId")
			}
			requireInvalid(t, e.svc.Register("", okHandler), "scriptId")
			requireInvalid(t, e.svc.Register(chars(1025), okHandler), "scriptId")
			requireInvalid(t, e.svc.Register("s", nil), "handler")
		})

		// At the limits: accepted.
		longNS := strings.Repeat("n", 128)
		_, err = e.svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: longNS})
		require.NoError(t, err)
		user, script, args := chars(128), chars(1024), chars(131072)
		var ran []jobqueue.Job
		require.NoError(t, e.svc.Register(script, func(_ context.Context, j jobqueue.Job) (int, string, error) {
			ran = append(ran, j)
			return 200, "", nil
		}))
		entries := make([]jobqueue.JobEntry, 10)
		for i := range entries {
			entries[i] = jobqueue.JobEntry{ScriptID: script, MaxTryCount: []int{0, 1, 100}[i%3]}
		}
		entries[0].Args = args
		jobs, _, err := e.svc.Push(e.ctx, longNS, user, entries)
		require.NoError(t, err)
		require.Len(t, jobs, 10)
		require.Equal(t, []int{3, 1, 100}, []int{jobs[0].MaxTryCount, jobs[1].MaxTryCount, jobs[2].MaxTryCount},
			"0 means 3")
		require.Equal(t, args, jobs[0].Args)
		require.Equal(t, "{}", jobs[1].Args)
		for limit, want := range map[int]int{0: 10, 1: 1, 1000: 10} {
			items, _, err := e.svc.DescribeJobs(e.ctx, longNS, user, "", limit)
			require.NoError(t, err)
			require.Len(t, items, want)
			_, _, err = e.svc.DescribeDeadLetterJobs(e.ctx, longNS, user, "", limit)
			require.NoError(t, err)
		}
		r, err := e.svc.Run(e.ctx, longNS, user)
		require.NoError(t, err)
		require.Equal(t, 200, r.Result.StatusCode)
		require.Len(t, ran, 1)
		require.Equal(t, args, ran[0].Args)
		for _, try := range []int{0, 10000} {
			_, err = e.svc.GetJobResult(e.ctx, longNS, user, jobs[0].Name, &try)
			if try == 0 {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, jobqueue.ErrNotFound, "a valid try number without a result")
			}
		}
		for _, job := range []string{chars(36), strings.Repeat("j", 36)} {
			_, err = e.svc.GetJob(e.ctx, longNS, user, job)
			require.ErrorIs(t, err, jobqueue.ErrNotFound, "a valid name of no job")
			_, err = e.svc.GetDeadLetterJob(e.ctx, longNS, user, job)
			require.ErrorIs(t, err, jobqueue.ErrNotFound)
		}
		_, err = e.svc.Dump(e.ctx, user)
		require.NoError(t, err)
		require.NoError(t, e.svc.Clean(e.ctx, user))
	})
}

// TestValidationAtTheLimitsThroughImport: names, try numbers and scripts at
// their limits, which no push can make, are stored by Import and found by
// every method.
func TestValidationAtTheLimitsThroughImport(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		jobName, deadName := chars(36), strings.Repeat("d", 35)+"é"
		doc := `{"format":"hearth.userdata","version":1,"service":"queue","userId":"u","createdAt":0,"data":{"namespaces":[
			{"namespaceName":"manual","jobs":[{"name":"` + jobName + `","scriptId":"s","args":"{}","currentRetryCount":99,"maxTryCount":100,"createdAt":0,"updatedAt":0}],
			"results":[{"jobName":"` + jobName + `","tryNumber":10000,"scriptId":"s","args":"{}","statusCode":1000,"result":"r","tryAt":1}],
			"deadLetters":[{"name":"` + deadName + `","scriptId":"s","args":"{}","maxTryCount":1,"results":[{"tryNumber":10000,"statusCode":0,"result":"","tryAt":0}],"createdAt":0,"deadAt":0}]}]}}`
		require.NoError(t, e.svc.Import(e.ctx, "", []byte(doc)))

		j, err := e.svc.GetJob(e.ctx, manual, "u", jobName)
		require.NoError(t, err)
		require.Equal(t, 99, j.CurrentRetryCount)
		try := 10000
		res, err := e.svc.GetJobResult(e.ctx, manual, "u", jobName, &try)
		require.NoError(t, err)
		require.Equal(t, 1000, res.StatusCode)
		d, err := e.svc.GetDeadLetterJob(e.ctx, manual, "u", deadName)
		require.NoError(t, err)
		require.Equal(t, 10000, d.Results[0].TryNumber)
		_, err = e.svc.RequeueDeadLetterJob(e.ctx, manual, "u", deadName)
		require.NoError(t, err)
		_, err = e.svc.DeleteJob(e.ctx, manual, "u", jobName)
		require.NoError(t, err)
	})
}

// TestValidationOfNamespaceMethods: every field limit of the namespace
// methods, settings included, fails with ErrInvalidArgument naming the
// field and changes nothing; the values at the limits are accepted and
// returned as given.
func TestValidationOfNamespaceMethods(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		grn1025 := "grn:gs2:" + strings.Repeat("r", 1025-len("grn:gs2:"))
		gateway := func(region string) string { return "grn:gs2:" + region + ":hearth:gateway:g" }
		gw1025 := gateway(chars(1025 - len(gateway(""))))
		tests := []struct {
			field string
			in    jobqueue.CreateNamespaceInput
		}{
			{"name", jobqueue.CreateNamespaceInput{}},
			{"name", jobqueue.CreateNamespaceInput{Name: strings.Repeat("n", 129)}},
			{"name", jobqueue.CreateNamespaceInput{Name: "a b"}},
			{"name", jobqueue.CreateNamespaceInput{Name: "a:b"}},
			{"description", jobqueue.CreateNamespaceInput{Name: "x", Description: chars(1025)}},
			{"transactionSetting.distributorNamespaceId", jobqueue.CreateNamespaceInput{Name: "x",
				TransactionSetting: &jobqueue.TransactionSetting{DistributorNamespaceID: grn1025}}},
			{"transactionSetting.distributorNamespaceId", jobqueue.CreateNamespaceInput{Name: "x",
				TransactionSetting: &jobqueue.TransactionSetting{DistributorNamespaceID: "distributor"}}},
			{"transactionSetting.queueNamespaceId", jobqueue.CreateNamespaceInput{Name: "x",
				TransactionSetting: &jobqueue.TransactionSetting{QueueNamespaceID: grn1025}}},
			{"transactionSetting.queueNamespaceId", jobqueue.CreateNamespaceInput{Name: "x",
				TransactionSetting: &jobqueue.TransactionSetting{QueueNamespaceID: "queue"}}},
			{"pushNotification.gatewayNamespaceId", jobqueue.CreateNamespaceInput{Name: "x",
				PushNotification: &jobqueue.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:lock:default"}}},
			{"pushNotification.gatewayNamespaceId", jobqueue.CreateNamespaceInput{Name: "x",
				PushNotification: &jobqueue.NotificationSetting{GatewayNamespaceID: "gateway"}}},
			{"pushNotification.gatewayNamespaceId", jobqueue.CreateNamespaceInput{Name: "x",
				PushNotification: &jobqueue.NotificationSetting{GatewayNamespaceID: gw1025}}},
			{"pushNotification.sound", jobqueue.CreateNamespaceInput{Name: "x",
				PushNotification: &jobqueue.NotificationSetting{EnableTransferMobileNotification: true, Sound: chars(257)}}},
			{"pushNotification.enable", jobqueue.CreateNamespaceInput{Name: "x",
				PushNotification: &jobqueue.NotificationSetting{Enable: "Maybe"}}},
			{"runNotification.gatewayNamespaceId", jobqueue.CreateNamespaceInput{Name: "x",
				RunNotification: &jobqueue.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:gateway:a b"}}},
			{"runNotification.gatewayNamespaceId", jobqueue.CreateNamespaceInput{Name: "x",
				RunNotification: &jobqueue.NotificationSetting{GatewayNamespaceID: gw1025}}},
			{"runNotification.sound", jobqueue.CreateNamespaceInput{Name: "x",
				RunNotification: &jobqueue.NotificationSetting{Sound: chars(257)}}},
			{"runNotification.enable", jobqueue.CreateNamespaceInput{Name: "x",
				RunNotification: &jobqueue.NotificationSetting{Enable: "enabled"}}},
			{"logSetting.loggingNamespaceId", jobqueue.CreateNamespaceInput{Name: "x", LogSetting: &jobqueue.LogSetting{}}},
			{"logSetting.loggingNamespaceId", jobqueue.CreateNamespaceInput{Name: "x",
				LogSetting: &jobqueue.LogSetting{LoggingNamespaceID: "log"}}},
			{"logSetting.loggingNamespaceId", jobqueue.CreateNamespaceInput{Name: "x",
				LogSetting: &jobqueue.LogSetting{LoggingNamespaceID: grn1025}}},
		}
		unchanged(t, st, func() {
			for _, tt := range tests {
				_, err := e.svc.CreateNamespace(e.ctx, tt.in)
				requireInvalid(t, err, tt.field, "create: %s", tt.field)
				if tt.field == "name" {
					continue
				}
				_, err = e.svc.UpdateNamespace(e.ctx, jobqueue.UpdateNamespaceInput{
					NamespaceName: manual, Description: tt.in.Description, TransactionSetting: tt.in.TransactionSetting,
					PushNotification: tt.in.PushNotification, RunNotification: tt.in.RunNotification, LogSetting: tt.in.LogSetting,
				})
				requireInvalid(t, err, tt.field, "update: %s", tt.field)
			}
			for _, ns := range []string{"", strings.Repeat("n", 129), "a/b"} {
				_, err := e.svc.UpdateNamespace(e.ctx, jobqueue.UpdateNamespaceInput{NamespaceName: ns})
				requireInvalid(t, err, "namespaceName")
				_, err = e.svc.GetNamespace(e.ctx, ns)
				requireInvalid(t, err, "namespaceName")
				_, err = e.svc.GetNamespaceStatus(e.ctx, ns)
				requireInvalid(t, err, "namespaceName")
				_, err = e.svc.DeleteNamespace(e.ctx, ns)
				requireInvalid(t, err, "namespaceName")
			}
			_, _, err := e.svc.DescribeNamespaces(e.ctx, jobqueue.DescribeNamespacesInput{NamePrefix: chars(65)})
			requireInvalid(t, err, "namePrefix")
			for _, limit := range []int{-1, 1001} {
				_, _, err = e.svc.DescribeNamespaces(e.ctx, jobqueue.DescribeNamespacesInput{Limit: limit})
				requireInvalid(t, err, "limit")
			}
			_, _, err = e.svc.DescribeNamespaces(e.ctx, jobqueue.DescribeNamespacesInput{PageToken: "bad"})
			requireInvalid(t, err, "pageToken")
		})

		// At the limits: accepted, stored and returned as given (defaults
		// filled in).
		grn1024 := "grn:gs2:" + chars(1024-len("grn:gs2:"))
		gw1024 := gateway(chars(1024 - len(gateway(""))))
		in := jobqueue.CreateNamespaceInput{
			Name:        strings.Repeat("n", 128),
			Description: chars(1024),
			TransactionSetting: &jobqueue.TransactionSetting{
				EnableAutoRun: true, DistributorNamespaceID: grn1024, QueueNamespaceID: grn1024,
			},
			PushNotification: &jobqueue.NotificationSetting{
				GatewayNamespaceID: gw1024, EnableTransferMobileNotification: true, Sound: chars(256), Enable: "Disabled",
			},
			RunNotification: &jobqueue.NotificationSetting{Sound: chars(256), Enable: "Enabled"},
			LogSetting:      &jobqueue.LogSetting{LoggingNamespaceID: grn1024},
		}
		n, err := e.svc.CreateNamespace(e.ctx, in)
		require.NoError(t, err)
		require.Equal(t, in.Description, n.Description)
		require.Equal(t, in.TransactionSetting, n.TransactionSetting)
		require.Equal(t, in.PushNotification, n.PushNotification)
		require.Equal(t, "grn:gs2:local:hearth:gateway:default", n.RunNotification.GatewayNamespaceID)
		require.Equal(t, chars(256), n.RunNotification.Sound)
		require.Equal(t, in.LogSetting, n.LogSetting)
		got, err := e.svc.GetNamespace(e.ctx, in.Name)
		require.NoError(t, err)
		require.Equal(t, n, got)
		_, err = e.svc.UpdateNamespace(e.ctx, jobqueue.UpdateNamespaceInput{
			NamespaceName: in.Name, Description: in.Description, TransactionSetting: in.TransactionSetting,
			PushNotification: in.PushNotification, RunNotification: in.RunNotification, LogSetting: in.LogSetting,
		})
		require.NoError(t, err)
		items, _, err := e.svc.DescribeNamespaces(e.ctx, jobqueue.DescribeNamespacesInput{NamePrefix: strings.Repeat("n", 64), Limit: 1000})
		require.NoError(t, err)
		require.Len(t, items, 1)
	})
}
