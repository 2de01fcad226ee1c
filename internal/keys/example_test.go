package keys_test

import (
	"bytes"
	"fmt"

	"github.com/hearth-go/hearth/internal/keys"
)

func Example() {
	mutex := keys.New("lock", "ns", "user-1", "property-1")
	job := keys.New("queue", "ns", "user-1").Uint(7)
	fmt.Printf("% x\n", []byte(keys.New("lock", "ns")))
	fmt.Println(job)

	// A user ID holding the separator bytes stays inside its own segment:
	// user "user-1\x00" is not listed under user "user-1".
	prefix := keys.New("lock", "ns", "user-1")
	other := keys.New("lock", "ns", "user-1\x00", "property-1")
	fmt.Println(bytes.HasPrefix(mutex, prefix), bytes.HasPrefix(other, prefix))

	// Keys sort as their tuples: queue positions are numeric, not textual.
	fmt.Println(bytes.Compare(keys.New("q").Uint(9), keys.New("q").Uint(10)))
	// Output:
	// 02 6c 6f 63 6b 00 01 02 6e 73 00 01
	// ("queue", "ns", "user-1", 7)
	// true false
	// -1
}

func ExampleDecoder() {
	d := keys.NewDecoder(keys.New("queue", "ns").Uint(7))
	service, _ := d.Str()
	ns, _ := d.Str()
	pos, _ := d.Uint()
	fmt.Println(service, ns, pos, d.Done())
	// Output: queue ns 7 true
}

func ExampleKey_StrPrefix() {
	base := keys.New("namespaces")
	p := base.StrPrefix("game")
	for _, name := range []string{"game-1", "gamma", "game"} {
		fmt.Println(name, bytes.HasPrefix(base.Str(name), p))
	}
	// Output:
	// game-1 true
	// gamma false
	// game true
}
