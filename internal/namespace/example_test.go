package namespace_test

import (
	"context"
	"fmt"

	"github.com/hearth-go/hearth/clock"
	"github.com/hearth-go/hearth/internal/namespace"
	"github.com/hearth-go/hearth/store/memstore"
)

func Example() {
	// A service's own namespace settings.
	type lockSettings struct {
		DefaultTTLSeconds int `json:"defaultTtlSeconds"`
	}
	st := memstore.New(nil)
	defer st.Close()
	clk := clock.NewMock()
	reg, err := namespace.New(namespace.Config[lockSettings]{
		Service: "lock",
		Store:   st,
		Clock:   clk,
		Validate: func(s *lockSettings) error {
			if s.DefaultTTLSeconds == 0 {
				s.DefaultTTLSeconds = 3600
			}
			return nil
		},
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := reg.Create(ctx, namespace.CreateInput[lockSettings]{Name: "game-0001", Description: "main"}); err != nil {
		panic(err)
	}
	if _, err := reg.Update(ctx, namespace.UpdateInput[lockSettings]{Name: "game-0001", Description: "renamed"}); err != nil {
		panic(err)
	}
	ns, err := reg.Get(ctx, "game-0001")
	if err != nil {
		panic(err)
	}
	fmt.Println(ns.Name, ns.NamespaceID)
	fmt.Println(ns.Description, "revision", ns.Revision, "ttl", ns.Settings.DefaultTTLSeconds)
	// Output:
	// game-0001 grn:gs2:local:hearth:lock:game-0001
	// renamed revision 1 ttl 3600
}
