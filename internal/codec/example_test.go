package codec_test

import (
	"encoding/binary"
	"fmt"

	"github.com/hearth-go/hearth/internal/codec"
)

func Example() {
	const version = 1
	b := []byte{version}
	b = binary.AppendUvarint(b, 3)
	b = codec.AppendStr(b, "reward")

	r := codec.NewReader(b, version)
	tries, script := r.Uvarint(), r.Str()
	fmt.Println(tries, script, r.Done("job"))
	// Output: 3 reward <nil>
}
