package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/realtime/relay"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
	"github.com/hearth-go/hearth/store/memstore"
)

// Benchmarks of the service with the in-process relay as its Provisioner,
// on the real clock, on every store with its default tuning:
//
//	go test -run '^$' -bench . -count 3 ./realtime/
//
// WantRoomToReady is one WantRoom until its Gs2Realtime:Create
// notification (sent once the READY room has committed), per op; the
// room's deletion between ops is not timed.

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

// anyToken accepts every token as its own user ID.
type anyToken struct{}

func (anyToken) Verify(_ context.Context, tok string) (string, error) { return tok, nil }

// readySignal passes the room name of each Create notification.
type readySignal chan string

func (r readySignal) Notify(_ context.Context, _ realtime.NotificationSetting, _, subject, payload string) error {
	var p struct {
		RoomName string `json:"roomName"`
	}
	if subject != realtime.SubjectCreate || json.Unmarshal([]byte(payload), &p) != nil {
		r <- "unexpected " + subject + " " + payload
		return nil
	}
	r <- p.RoomName
	return nil
}

func BenchmarkWantRoomToReady(b *testing.B) {
	for _, sc := range benchStores {
		b.Run(sc.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			st := sc.open(b)
			b.Cleanup(func() { _ = st.Close() })
			srv, err := relay.New(relay.Config{Verifier: anyToken{}, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = srv.Close(ctx) })
			ready := make(readySignal, 1)
			svc, err := realtime.New(st, &realtime.Config{Provisioner: srv, Notifier: ready})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = svc.Stop(ctx) })
			if _, err := svc.CreateNamespace(ctx, realtime.CreateNamespaceInput{
				Name: ns, CreateNotification: &realtime.NotificationSetting{},
			}); err != nil {
				b.Fatal(err)
			}
			timeout := time.NewTimer(time.Hour)
			defer timeout.Stop()
			i := 0
			for b.Loop() {
				name := fmt.Sprint("room-", i)
				i++
				if _, err := svc.WantRoom(ctx, ns, name, []string{"alice"}); err != nil {
					b.Fatal(err)
				}
				timeout.Reset(10 * time.Second)
				select {
				case got := <-ready:
					if got != name {
						b.Fatalf("notified %q, want %q", got, name)
					}
				case <-timeout.C:
					b.Fatalf("room %s: no notification in 10s", name)
				}
				b.StopTimer()
				r, err := svc.GetRoom(ctx, ns, name)
				if err != nil || r.Status != realtime.StatusReady || r.Port == 0 {
					b.Fatalf("room %s after its notification: %+v, %v", name, r, err)
				}
				if _, err := svc.DeleteRoom(ctx, ns, name); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
