package page_test

import (
	"context"
	"fmt"

	"github.com/hearth-go/hearth/internal/keys"
	"github.com/hearth-go/hearth/internal/page"
	"github.com/hearth-go/hearth/store"
	"github.com/hearth-go/hearth/store/memstore"
)

func ExampleEncode() {
	prefix := keys.New("lock", "game", "user-1")
	token := page.Encode(prefix, prefix.Str("property-7"))
	start, err := page.Decode(prefix, token)
	fmt.Println(keys.Key(start), err)

	_, err = page.Decode(keys.New("lock", "game", "user-2"), token)
	fmt.Println(err)
	// Output:
	// ("lock", "game", "user-1", "property-7") <nil>
	// pageToken: not valid for this listing
}

func ExampleCollect() {
	st := memstore.New(nil)
	defer st.Close()
	ctx := context.Background()
	prefix := keys.New("rooms", "game")
	_ = st.Update(ctx, func(txn store.Txn) error {
		for _, name := range []string{"a", "b", "c", "d", "e"} {
			_ = txn.Set(prefix.Str(name), []byte(name))
		}
		return nil
	})
	token := ""
	for {
		var names []string
		_ = st.View(ctx, func(txn store.Txn) error {
			var err error
			names, token, err = page.Collect(txn, prefix, token, 2,
				func(_, v []byte) (string, bool, error) { return string(v), true, nil })
			return err
		})
		fmt.Println(names, token != "")
		if token == "" {
			break
		}
	}
	// Output:
	// [a b] true
	// [c d] true
	// [e] false
}
