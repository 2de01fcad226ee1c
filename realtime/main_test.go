package realtime_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/internal/teststore"
	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// *gateway.Service is the Notifier of real deployments.
var _ realtime.Notifier = (*gateway.Service)(nil)

var (
	eachStore = teststore.Each
	dump      = teststore.Dump
	unchanged = teststore.Unchanged
)

// ns is the namespace every env creates, with a create notification.
const ns = "game"

// env is a service on a store with a mock clock, a fake provisioner and a
// recording notifier.
type env struct {
	st       store.Store
	clk      *clock.Mock
	svc      *realtime.Service
	prov     *fakeProv
	notifier *fakeNotifier
	ctx      context.Context
}

func newEnv(t *testing.T, st store.Store, prov *fakeProv) *env {
	t.Helper()
	e := &env{st: st, clk: clock.NewMock(), prov: prov, notifier: &fakeNotifier{}, ctx: context.Background()}
	e.svc = e.service(t)
	_, err := e.svc.CreateNamespace(e.ctx, realtime.CreateNamespaceInput{Name: ns, CreateNotification: &realtime.NotificationSetting{}})
	require.NoError(t, err)
	return e
}

// service builds another Service on the env's store, clock and fakes, as a
// restarted process would.
func (e *env) service(t *testing.T) *realtime.Service {
	t.Helper()
	svc, err := realtime.New(e.st, &realtime.Config{Clock: e.clk, Provisioner: e.prov, Notifier: e.notifier})
	require.NoError(t, err)
	t.Cleanup(func() {
		// A provisioner left blocked is cancelled, not waited for.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_ = svc.Stop(ctx)
	})
	return svc
}

// settle waits, through Stop, for every provisioning in flight to store its
// outcome.
func (e *env) settle(t *testing.T) {
	t.Helper()
	require.NoError(t, e.svc.Stop(e.ctx))
}

// fakeProv is a Provisioner. With a gate it blocks every Provision until
// the gate closes (or its ctx ends, unless ignoreCancel).
type fakeProv struct {
	gate         chan struct{}
	fail         error
	ignoreCancel bool
	calls        chan realtime.ProvisionRequest

	mu       sync.Mutex
	n        int
	released []string
}

func newProv(blocking bool) *fakeProv {
	p := &fakeProv{calls: make(chan realtime.ProvisionRequest, 100)}
	if blocking {
		p.gate = make(chan struct{})
	}
	return p
}

func (p *fakeProv) Provision(ctx context.Context, req realtime.ProvisionRequest) (realtime.Endpoint, error) {
	p.calls <- req
	if p.gate != nil {
		if p.ignoreCancel {
			<-p.gate
		} else {
			select {
			case <-p.gate:
			case <-ctx.Done():
				return realtime.Endpoint{}, ctx.Err()
			}
		}
	}
	if p.fail != nil {
		return realtime.Endpoint{}, p.fail
	}
	p.mu.Lock()
	p.n++
	port := 20000 + p.n
	p.mu.Unlock()
	return realtime.Endpoint{IPAddress: "10.0.0.1", Port: port, EncryptionKey: "key-" + req.RoomName}, nil
}

func (p *fakeProv) Release(_ context.Context, namespaceName, roomName string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.released = append(p.released, namespaceName+"/"+roomName)
	return nil
}

func (p *fakeProv) releasedRooms() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.released...)
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

func (f *fakeNotifier) Notify(_ context.Context, _ gateway.NotificationSetting, userID, subject, payload string) error {
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

// createNote is the notification a user gets for room.
func createNote(user, room string) notification {
	return notification{user, realtime.SubjectCreate, fmt.Sprintf(`{"namespaceName":%q,"roomName":%q}`, ns, room)}
}
