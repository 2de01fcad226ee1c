package store_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/memstore"
)

// A read-modify-write under contention: UpdateRetry repeats the
// transaction when another commit wrote the key it read.
func ExampleUpdateRetry() {
	ctx := context.Background()
	st := memstore.New(nil)
	defer st.Close()

	key := []byte("visits")
	incr := func(txn store.Txn) error {
		var n uint64
		v, err := txn.Get(key)
		switch {
		case err == nil:
			n = binary.BigEndian.Uint64(v)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		return txn.Set(key, binary.BigEndian.AppendUint64(nil, n+1))
	}
	for range 3 {
		if err := store.UpdateRetry(ctx, st, incr); err != nil {
			fmt.Println(err)
		}
	}
	_ = st.View(ctx, func(txn store.Txn) error {
		v, err := txn.Get(key)
		fmt.Println(binary.BigEndian.Uint64(v), err)
		return nil
	})
	// Output: 3 <nil>
}
