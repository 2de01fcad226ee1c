package jobqueue_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

// sent is one Notify call, with the setting it was given.
type sent struct {
	Setting                  jobqueue.NotificationSetting
	UserID, Subject, Payload string
}

// recordingNotifier records every Notify call and answers err.
type recordingNotifier struct {
	err error
	mu  sync.Mutex
	got []sent
}

func (n *recordingNotifier) Notify(_ context.Context, set jobqueue.NotificationSetting, userID, subject, payload string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, sent{set, userID, subject, payload})
	return n.err
}

func (n *recordingNotifier) all() []sent {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]sent(nil), n.got...)
}

// newNotifySvc returns a service on st whose notifier is n (nil for none)
// and whose log goes to log (nil discards it).
func newNotifySvc(t *testing.T, st store.Store, n jobqueue.Notifier, log *syncBuffer) *jobqueue.Service {
	t.Helper()
	cfg := &jobqueue.Config{Clock: clock.NewMock(), ResultRetention: -1}
	if n != nil {
		cfg.Notifier = n
	}
	if log != nil {
		cfg.Logger = slog.New(slog.NewTextHandler(log, nil))
	}
	svc, err := jobqueue.New(st, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Stop(context.Background()) })
	return svc
}

func createNS(t *testing.T, svc *jobqueue.Service, in jobqueue.CreateNamespaceInput) {
	t.Helper()
	_, err := svc.CreateNamespace(context.Background(), in)
	require.NoError(t, err)
}

// defaultSetting is a NotificationSetting{} as stored: with its defaults.
var defaultSetting = jobqueue.NotificationSetting{
	GatewayNamespaceID: "grn:gs2:local:hearth:gateway:default", Enable: gateway.NotificationEnabled,
}

func pushPayload(ns, user string) string {
	return fmt.Sprintf(`{"namespaceName":%q,"userId":%q}`, ns, user)
}

// runPayload is the payload of a run notification; result is JSON (with
// its quotes), or "" to leave it out.
func runPayload(ns, user, job string, try, status int, result string) string {
	p := fmt.Sprintf(`{"namespaceName":%q,"userId":%q,"jobName":%q,"tryNumber":%d,"statusCode":%d`, ns, user, job, try, status)
	if result != "" {
		p += `,"result":` + result
	}
	return p + "}"
}

// TestNotifyManual: on a namespace without auto-run, each non-empty push
// sends one Gs2JobQueue:Push and each attempt one
// Gs2JobQueue:RunNotification (success, retried failure, dead,
// unregistered script), in order, through the namespace's settings as
// stored.
func TestNotifyManual(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		n := &recordingNotifier{}
		svc := newNotifySvc(t, st, n, nil)
		ctx := context.Background()
		runSet := jobqueue.NotificationSetting{GatewayNamespaceID: "grn:gs2:local:hearth:gateway:game", Sound: "ding",
			EnableTransferMobileNotification: true}
		createNS(t, svc, jobqueue.CreateNamespaceInput{Name: "game",
			PushNotification: &jobqueue.NotificationSetting{}, RunNotification: &runSet})
		flaky := 0
		register(t, svc, "ok", func(context.Context, jobqueue.Job) (int, string, error) { return 200, `{"gold":5}`, nil })
		register(t, svc, "flaky", func(context.Context, jobqueue.Job) (int, string, error) {
			if flaky++; flaky == 1 {
				return 503, "busy", nil
			}
			return 200, "", nil
		})
		register(t, svc, "fatal", func(context.Context, jobqueue.Job) (int, string, error) { return 400, "bad", nil })

		pushed := func(entries ...jobqueue.JobEntry) []jobqueue.Job {
			jobs, autoRun, err := svc.Push(ctx, "game", "u", entries)
			require.NoError(t, err)
			require.False(t, autoRun)
			return jobs
		}
		jobs := pushed(jobqueue.JobEntry{ScriptID: "ok"}, jobqueue.JobEntry{ScriptID: "flaky"})
		pushed() // no job, no notification
		jobs = append(jobs, pushed(jobqueue.JobEntry{ScriptID: "fatal"})...)
		jobs = append(jobs, pushed(jobqueue.JobEntry{ScriptID: "missing"})...)
		for range 5 {
			_, err := svc.Run(ctx, "game", "u")
			require.NoError(t, err)
		}

		runSet.Enable = gateway.NotificationEnabled
		push := sent{defaultSetting, "u", jobqueue.SubjectPush, pushPayload("game", "u")}
		run := func(job, try, status int, result string) sent {
			return sent{runSet, "u", jobqueue.SubjectRun, runPayload("game", "u", jobs[job].Name, try, status, result)}
		}
		require.Equal(t, []sent{
			push, push, push,
			run(0, 0, 200, `"{\"gold\":5}"`),
			run(1, 0, 503, `"busy"`),
			run(1, 1, 200, `""`),
			run(2, 0, 400, `"bad"`),
			run(3, 0, 404, `"script \"missing\" is not registered"`),
		}, n.all())
	})
}

// TestNotifyAutoRun: a push to an auto-run namespace sends no
// Gs2JobQueue:Push, even with a pushNotification; every attempt of the
// workers sends a Gs2JobQueue:RunNotification.
func TestNotifyAutoRun(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		n := &recordingNotifier{}
		svc := newNotifySvc(t, st, n, nil)
		ctx := context.Background()
		createNS(t, svc, jobqueue.CreateNamespaceInput{Name: "bg", EnableAutoRun: true,
			PushNotification: &jobqueue.NotificationSetting{}, RunNotification: &jobqueue.NotificationSetting{}})
		tries := 0
		register(t, svc, "flaky", func(context.Context, jobqueue.Job) (int, string, error) {
			if tries++; tries == 1 {
				return 500, "retry me", nil
			}
			return 200, "done", nil
		})
		done, cancel := svc.Subscribe(jobqueue.EventSucceeded)
		defer cancel()
		require.NoError(t, svc.Start(ctx))
		jobs, autoRun, err := svc.Push(ctx, "bg", "u", []jobqueue.JobEntry{{ScriptID: "flaky"}})
		require.NoError(t, err)
		require.True(t, autoRun)
		recv(t, done)
		require.NoError(t, svc.Stop(ctx)) // the worker has sent its notification
		require.Equal(t, []sent{
			{defaultSetting, "u", jobqueue.SubjectRun, runPayload("bg", "u", jobs[0].Name, 0, 500, `"retry me"`)},
			{defaultSetting, "u", jobqueue.SubjectRun, runPayload("bg", "u", jobs[0].Name, 1, 200, `"done"`)},
		}, n.all())
	})
}

// TestNotifyOff: no notification without settings, with settings
// "Disabled", or without a Notifier — and jobs run all the same.
func TestNotifyOff(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		n := &recordingNotifier{}
		svc := newNotifySvc(t, st, n, nil)
		quiet := newNotifySvc(t, st, nil, nil) // no Notifier, same store
		ctx := context.Background()
		off := &jobqueue.NotificationSetting{Enable: gateway.NotificationDisabled}
		createNS(t, svc, jobqueue.CreateNamespaceInput{Name: "none"})
		createNS(t, svc, jobqueue.CreateNamespaceInput{Name: "disabled", PushNotification: off, RunNotification: off})
		createNS(t, svc, jobqueue.CreateNamespaceInput{Name: "on",
			PushNotification: &jobqueue.NotificationSetting{}, RunNotification: &jobqueue.NotificationSetting{}})
		for _, s := range []*jobqueue.Service{svc, quiet} {
			register(t, s, "ok", okHandler)
		}
		for _, c := range []struct {
			svc *jobqueue.Service
			ns  string
		}{{svc, "none"}, {svc, "disabled"}, {quiet, "on"}} {
			_, _, err := c.svc.Push(ctx, c.ns, "u", []jobqueue.JobEntry{{ScriptID: "ok"}})
			require.NoError(t, err)
			r, err := c.svc.Run(ctx, c.ns, "u")
			require.NoError(t, err)
			require.Equal(t, 200, r.Result.StatusCode, c.ns)
			require.True(t, r.IsLastJob)
		}
		require.Empty(t, n.all())
	})
}

// TestNotifyRunResultLimit: the run notification carries "result" while
// the whole payload stays within 1,024 characters — counted as characters
// of the JSON sent, escapes included — and leaves it out beyond.
func TestNotifyRunResultLimit(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		n := &recordingNotifier{}
		svc := newNotifySvc(t, st, n, nil)
		ctx := context.Background()
		createNS(t, svc, jobqueue.CreateNamespaceInput{Name: "game", RunNotification: &jobqueue.NotificationSetting{}})
		// The handler returns the job's args as its result.
		register(t, svc, "echo", func(_ context.Context, j jobqueue.Job) (int, string, error) { return 200, j.Args, nil })

		// Job names are UUIDs: every payload has the same length without
		// its result.
		room := gateway.MaxPayloadLen - len(runPayload("game", "u", strings.Repeat("x", 36), 0, 200, `""`))
		require.Equal(t, gateway.MaxPayloadLen, len(runPayload("game", "u", strings.Repeat("x", 36), 0, 200,
			jsonString(t, strings.Repeat("x", room)))), "the first case reaches the limit exactly")
		cases := []struct {
			result string
			fits   bool
		}{
			{strings.Repeat("x", room), true},
			{strings.Repeat("x", room+1), false},
			{strings.Repeat("é", room), true}, // 1,024 characters, more bytes
			{strings.Repeat("é", room+1), false},
			{strings.Repeat(`"`, room/2), true}, // each is \" in the payload
			{strings.Repeat(`"`, room/2+1), false},
			{strings.Repeat("<", room), false}, // \u003c
		}
		for i, c := range cases {
			jobs, _, err := svc.Push(ctx, "game", "u", []jobqueue.JobEntry{{ScriptID: "echo", Args: c.result}})
			require.NoError(t, err)
			_, err = svc.Run(ctx, "game", "u")
			require.NoError(t, err)
			got := n.all()
			require.Len(t, got, i+1)
			want := runPayload("game", "u", jobs[0].Name, 0, 200, "")
			if c.fits {
				want = runPayload("game", "u", jobs[0].Name, 0, 200, jsonString(t, c.result))
			}
			require.Equal(t, want, got[i].Payload, "case %d", i)
			require.LessOrEqual(t, utf8.RuneCountInString(got[i].Payload), gateway.MaxPayloadLen)
		}
	})
}

// TestNotifierErrorChangesNothing: a notifier that fails does not fail
// Push or Run, nor change what they record; the failure is logged.
func TestNotifierErrorChangesNothing(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st store.Store) {
		n := &recordingNotifier{err: errors.New("gateway unreachable")}
		log := &syncBuffer{}
		svc := newNotifySvc(t, st, n, log)
		ctx := context.Background()
		all := &jobqueue.NotificationSetting{}
		createNS(t, svc, jobqueue.CreateNamespaceInput{Name: "game", PushNotification: all, RunNotification: all})
		createNS(t, svc, jobqueue.CreateNamespaceInput{Name: "bg", EnableAutoRun: true, RunNotification: all})
		register(t, svc, "ok", func(context.Context, jobqueue.Job) (int, string, error) { return 200, "fine", nil })
		done, cancel := svc.Subscribe(jobqueue.EventSucceeded)
		defer cancel()
		require.NoError(t, svc.Start(ctx))

		jobs, _, err := svc.Push(ctx, "game", "u", []jobqueue.JobEntry{{ScriptID: "ok"}, {ScriptID: "ok"}})
		require.NoError(t, err)
		require.Equal(t, names(jobs), names(peek(t, svc, "game", "u").Jobs))
		r, err := svc.Run(ctx, "game", "u")
		require.NoError(t, err)
		require.Equal(t, "fine", r.Result.Result)
		require.False(t, r.IsLastJob)
		s := peek(t, svc, "game", "u")
		require.Equal(t, names(jobs[1:]), names(s.Jobs), "the job succeeded and left")
		require.Len(t, s.Results[jobs[0].Name], 1)
		require.Equal(t, jobs[0].Name, recv(t, done).JobName, "Run's success event")

		bgJobs, _, err := svc.Push(ctx, "bg", "v", []jobqueue.JobEntry{{ScriptID: "ok"}})
		require.NoError(t, err)
		require.Equal(t, bgJobs[0].Name, recv(t, done).JobName)
		require.NoError(t, svc.Stop(ctx))
		s = peek(t, svc, "bg", "v")
		require.Empty(t, s.Jobs)
		require.Equal(t, 200, s.Results[bgJobs[0].Name][0].StatusCode)

		require.Len(t, n.all(), 3, "push, run, auto-run")
		require.Equal(t, 3, strings.Count(log.String(), "notification failed"), log.String())
		require.Contains(t, log.String(), "gateway unreachable")
	})
}

// jsonString returns s as a JSON string, escaped as encoding/json does.
func jsonString(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	return string(b)
}

// syncBuffer is a bytes.Buffer safe for concurrent writers (a logger).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
