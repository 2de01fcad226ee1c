package memstore_test

import (
	"context"
	"fmt"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/memstore"
)

func Example() {
	ctx := context.Background()
	st := memstore.New(nil)
	defer st.Close()

	_ = st.Update(ctx, func(txn store.Txn) error {
		_ = txn.Set([]byte("player/alice"), []byte("gold=10"))
		return txn.Set([]byte("player/bob"), []byte("gold=7"))
	})
	_ = st.View(ctx, func(txn store.Txn) error {
		return txn.Scan([]byte("player/"), store.ScanOptions{}, func(k, v []byte) bool {
			fmt.Printf("%s %s\n", k, v)
			return true
		})
	})
	// Output:
	// player/alice gold=10
	// player/bob gold=7
}
