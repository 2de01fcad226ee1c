package version_test

import (
	"fmt"

	"github.com/hearth-go/hearth/internal/version"
)

func ExampleVersion() {
	// Tests run Hearth as the main module, untagged: a development build.
	fmt.Println(version.Version())
	// Output: (devel)
}
