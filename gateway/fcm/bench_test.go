package fcm_test

import (
	"testing"

	"github.com/hearth-go/hearth/gateway"
)

// BenchmarkPush measures one Push with a cached token against a local
// server: the pusher's own cost plus one HTTP/1.1 round trip on loopback.
func BenchmarkPush(b *testing.B) {
	f := newFakeGoogle(b)
	p, _ := newPusher(b, f, nil)
	m := gateway.MobileMessage{Token: "device-token", Title: "Gs2JobQueue:Push", Body: `{"jobName":"reward"}`, Sound: "default",
		Data: map[string]string{"subject": "Gs2JobQueue:Push"}}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Push(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPushParallel is BenchmarkPush from GOMAXPROCS goroutines sharing
// one Pusher (and its token).
func BenchmarkPushParallel(b *testing.B) {
	f := newFakeGoogle(b)
	p, _ := newPusher(b, f, nil)
	m := gateway.MobileMessage{Token: "device-token", Title: "Gs2JobQueue:Push", Body: `{"jobName":"reward"}`}
	ctx := b.Context()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := p.Push(ctx, m); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
