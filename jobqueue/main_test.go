package jobqueue_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The one table of stores every test runs against, and the store-unchanged
// check, are shared by every service's tests.
var (
	eachStore = teststore.Each
	dump      = teststore.Dump
	unchanged = teststore.Unchanged
)

// env is a service on a store with a mock clock, a recording notifier and
// namespaces "manual" (run by Run) and "auto" (auto-run), both notifying.
type env struct {
	st       store.Store
	clk      *clock.Mock
	svc      *jobqueue.Service
	notifier *fakeNotifier
	ctx      context.Context
}

const (
	manual = "manual"
	auto   = "auto"
)

// newEnv builds an env; cfg may be nil, and its Clock and Notifier are
// replaced by the env's.
func newEnv(t *testing.T, st store.Store, cfg *jobqueue.Config) *env {
	t.Helper()
	e := &env{st: st, clk: clock.NewMock(), notifier: &fakeNotifier{}, ctx: context.Background()}
	var c jobqueue.Config
	if cfg != nil {
		c = *cfg
	}
	c.Clock, c.Notifier = e.clk, e.notifier
	svc, err := jobqueue.New(st, &c)
	require.NoError(t, err)
	e.svc = svc
	t.Cleanup(func() { _ = svc.Stop(context.Background()) })
	notify := &jobqueue.NotificationSetting{}
	_, err = svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: manual, PushNotification: notify, RunNotification: notify})
	require.NoError(t, err)
	_, err = svc.CreateNamespace(e.ctx, jobqueue.CreateNamespaceInput{Name: auto, EnableAutoRun: true, RunNotification: notify})
	require.NoError(t, err)
	return e
}

// notification is one Notify call.
type notification struct {
	UserID, Subject, Payload string
}

// fakeNotifier records notifications.
type fakeNotifier struct {
	mu  sync.Mutex
	got []notification
}

func (f *fakeNotifier) Notify(_ context.Context, _ jobqueue.NotificationSetting, userID, subject, payload string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, notification{userID, subject, payload})
	return nil
}

func (f *fakeNotifier) all() []notification {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]notification(nil), f.got...)
}
