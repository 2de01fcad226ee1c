package jobqueue_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/jobqueue"
	"github.com/hearth-go/hearth/store"
)

// The gateway's Service is the Notifier this package declares.
var _ jobqueue.Notifier = (*gateway.Service)(nil)

// frameConn is a gateway.Conn that keeps the frames it is sent.
type frameConn struct {
	mu     sync.Mutex
	frames []string
}

func (c *frameConn) Send(frame []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frames = append(c.frames, string(frame))
	return nil
}

func (c *frameConn) Close(int, string) {}

func (c *frameConn) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.frames...)
}

// TestNotifiesThroughTheGateway runs jobqueue with the real gateway as its
// Notifier: a player connected to the gateway's default namespace receives
// the push and run notifications as GS2 frames.
func TestNotifiesThroughTheGateway(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		clk := clock.NewMock()
		gw, err := gateway.New(st, &gateway.Config{Clock: clk})
		require.NoError(t, err)
		require.NoError(t, gw.Start(ctx))
		t.Cleanup(func() { _ = gw.Stop(context.Background()) })
		_, err = gw.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: gateway.DefaultNamespace})
		require.NoError(t, err)
		conn := &frameConn{}
		connID, err := gw.Connect(ctx, gateway.DefaultNamespace, conn)
		require.NoError(t, err)
		_, err = gw.SetUserID(ctx, gateway.SetUserIDInput{NamespaceName: gateway.DefaultNamespace, ConnectionID: connID, UserID: "alice"})
		require.NoError(t, err)

		jq, err := jobqueue.New(st, &jobqueue.Config{Clock: clk, Notifier: gw})
		require.NoError(t, err)
		notify := &jobqueue.NotificationSetting{}
		_, err = jq.CreateNamespace(ctx, jobqueue.CreateNamespaceInput{Name: "quests", PushNotification: notify, RunNotification: notify})
		require.NoError(t, err)
		require.NoError(t, jq.Register("grant", func(context.Context, jobqueue.Job) (int, string, error) {
			return 200, `{"gold":10}`, nil
		}))
		jobs, _, err := jq.Push(ctx, "quests", "alice", []jobqueue.JobEntry{{ScriptID: "grant"}})
		require.NoError(t, err)
		_, err = jq.Run(ctx, "quests", "alice")
		require.NoError(t, err)

		require.Equal(t, []string{
			`{"type":"notification","body":{"issuer":"Gs2JobQueue:Push","subject":"Gs2JobQueue:Push",` +
				`"payload":"{\"namespaceName\":\"quests\",\"userId\":\"alice\"}"}}`,
			`{"type":"notification","body":{"issuer":"Gs2JobQueue:RunNotification","subject":"Gs2JobQueue:RunNotification",` +
				`"payload":"{\"namespaceName\":\"quests\",\"userId\":\"alice\",\"jobName\":\"` + jobs[0].Name +
				`\",\"tryNumber\":0,\"statusCode\":200,\"result\":\"{\\\"gold\\\":10}\"}"}}`,
		}, conn.all())
	})
}
