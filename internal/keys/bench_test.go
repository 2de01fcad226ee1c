package keys_test

import (
	"testing"

	"github.com/hearth-go/hearth/internal/keys"
)

var sink keys.Key

func BenchmarkNew4(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sink = keys.New("lock", "namespace-0001", "0b7c3c8e-5f7e-4a55-9c8f-2a1d4f7b9e10", "property-42")
	}
}
