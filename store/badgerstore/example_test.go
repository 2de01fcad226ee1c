package badgerstore_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/badgerstore"
)

func Example() {
	// An in-memory store; for one on disk, pass a directory instead of "".
	s, err := badgerstore.Open("", &badgerstore.Options{InMemory: true, Light: true})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()

	err = s.Update(ctx, func(tx store.Txn) error {
		if err := tx.Set([]byte("player/1"), []byte("Alice")); err != nil {
			return err
		}
		return tx.Set([]byte("player/2"), []byte("Bob"))
	})
	if err != nil {
		log.Fatal(err)
	}

	err = s.View(ctx, func(tx store.Txn) error {
		return tx.Scan([]byte("player/"), store.ScanOptions{Reverse: true}, func(k, v []byte) bool {
			fmt.Printf("%s = %s\n", k, v)
			return true
		})
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// player/2 = Bob
	// player/1 = Alice
}
