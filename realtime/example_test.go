package realtime_test

import (
	"context"
	"fmt"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/realtime"
	"github.com/hearth-go/hearth/store/memstore"
)

// instantProvisioner answers at once with a fixed endpoint.
type instantProvisioner struct{}

func (instantProvisioner) Provision(_ context.Context, req realtime.ProvisionRequest) (realtime.Endpoint, error) {
	return realtime.Endpoint{IPAddress: "127.0.0.1", Port: 40000, EncryptionKey: "secret"}, nil
}

func (instantProvisioner) Release(context.Context, string, string) error { return nil }

func Example() {
	ctx := context.Background()
	st := memstore.New(nil)
	defer st.Close()
	svc, _ := realtime.New(st, &realtime.Config{Clock: clock.NewMock(), Provisioner: instantProvisioner{}})
	_, _ = svc.CreateNamespace(ctx, realtime.CreateNamespaceInput{Name: "game"})

	room, _ := svc.WantRoom(ctx, "game", "match-1", []string{"alice", "bob"})
	fmt.Println(room.Status)

	_ = svc.Stop(ctx) // waits for the provisioning in flight
	room, _ = svc.GetRoom(ctx, "game", "match-1")
	fmt.Printf("%s ws://%s:%d\n", room.Status, room.IPAddress, room.Port)
	// Output:
	// PROVISIONING
	// READY ws://127.0.0.1:40000
}
