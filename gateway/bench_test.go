package gateway_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/gateway"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
	"github.com/hearth-go/hearth/store/memstore"
)

// Benchmarks of the service with fake connections that drop frames (the
// real-socket benchmarks are wsgateway's):
//
//	go test -run '^$' -bench . -count 5 ./gateway/
//
// SendOneSession sends to one user with one session (msgs/s).
// SendFanOut sends, from GOMAXPROCS goroutines, to 1,000 users with one
// session each, round robin (msgs/s). Churn connects, binds and
// disconnects one connection per op (churn/s): the store's work.

var benchStores = []struct {
	name string
	open func(b *testing.B) store.Store
}{
	{"memstore", func(b *testing.B) store.Store { return memstore.New(nil) }},
	{"badger", func(b *testing.B) store.Store {
		st, err := badgerstore.Open(b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		return st
	}},
}

// benchService opens a store and a started service with namespace ns;
// both are closed when b ends.
func benchService(b *testing.B, open func(*testing.B) store.Store) *gateway.Service {
	st := open(b)
	svc, err := gateway.New(st, &gateway.Config{Clock: clock.New()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = svc.Stop(context.Background())
		_ = st.Close()
	})
	ctx := context.Background()
	if err := svc.Start(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CreateNamespace(ctx, gateway.CreateNamespaceInput{Name: ns}); err != nil {
		b.Fatal(err)
	}
	return svc
}

// benchBind connects a dropping fake connection and binds it to user.
func benchBind(b *testing.B, svc *gateway.Service, user string) {
	ctx := context.Background()
	c := newFakeConn()
	c.drop = true
	id, err := svc.Connect(ctx, ns, c)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.SetUserID(ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: user}); err != nil {
		b.Fatal(err)
	}
}

func benchRate(b *testing.B, n int64, unit string) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(n)/s, unit)
	}
}

const benchPayload = `{"namespaceName":"bench","userId":"user-0000","jobName":"0d9f5a8e-4c1b-4f55-9a6c-2f0b1d3e4a5b"}`

func BenchmarkSendOneSession(b *testing.B) {
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			svc := benchService(b, sc.open)
			benchBind(b, svc, "user-0")
			ctx := context.Background()
			in := gateway.SendNotificationInput{NamespaceName: ns, UserID: "user-0", Subject: "Gs2JobQueue:Push", Payload: benchPayload}
			b.ReportAllocs()
			for b.Loop() {
				res, err := svc.SendNotification(ctx, in)
				if err != nil || len(res.SendConnectionIDs) != 1 {
					b.Fatal(err, res)
				}
			}
			benchRate(b, int64(b.N), "msgs/s")
		})
	}
}

func BenchmarkSendFanOut(b *testing.B) {
	const users = 1000
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			svc := benchService(b, sc.open)
			inputs := make([]gateway.SendNotificationInput, users)
			for i := range users {
				user := fmt.Sprintf("user-%04d", i)
				benchBind(b, svc, user)
				inputs[i] = gateway.SendNotificationInput{NamespaceName: ns, UserID: user, Subject: "Gs2JobQueue:Push", Payload: benchPayload}
			}
			ctx := context.Background()
			var next, sent atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1)
					res, err := svc.SendNotification(ctx, inputs[i%users])
					if err != nil {
						b.Error(err)
						return
					}
					sent.Add(int64(len(res.SendConnectionIDs)))
				}
			})
			benchRate(b, sent.Load(), "msgs/s")
		})
	}
}

func BenchmarkChurn(b *testing.B) {
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			svc := benchService(b, sc.open)
			ctx := context.Background()
			c := newFakeConn()
			c.drop = true
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				id, err := svc.Connect(ctx, ns, c)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := svc.SetUserID(ctx, gateway.SetUserIDInput{NamespaceName: ns, ConnectionID: id, UserID: fmt.Sprintf("user-%04d", i%1000)}); err != nil {
					b.Fatal(err)
				}
				svc.Disconnected(ctx, id)
				i++
			}
			benchRate(b, int64(b.N), "churn/s")
		})
	}
}
