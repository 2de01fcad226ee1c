package batch_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/hearth-go/hearth/internal/batch"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/memstore"
)

func Example() {
	st := memstore.New(nil)
	defer st.Close()
	b := batch.New(st, 0)

	// Each call reads, decides, then writes: calls that arrive together
	// may share one transaction, and see each other's writes in order.
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := b.Do(context.Background(), func(txn store.Txn) error {
				return txn.Set(fmt.Appendf(nil, "player/%d", i), []byte("online"))
			})
			if err != nil {
				fmt.Println(err)
			}
		}()
	}
	wg.Wait()

	_ = st.View(context.Background(), func(txn store.Txn) error {
		return txn.Scan([]byte("player/"), store.ScanOptions{}, func(k, v []byte) bool {
			fmt.Printf("%s %s\n", k, v)
			return true
		})
	})
	// Output:
	// player/0 online
	// player/1 online
	// player/2 online
	// player/3 online
}
