package grn_test

import (
	"fmt"

	"github.com/hearth-go/hearth/internal/grn"
)

func ExampleBuilder_Make() {
	var b grn.Builder // defaults: region "local", owner "hearth"
	fmt.Println(b.Make("lock", "game", "user", "u1", "property", "p1"))
	fmt.Println(grn.Builder{Region: "ap-northeast-1"}.Namespace("queue", "game"))
	// Output:
	// grn:gs2:local:hearth:lock:game:user:u1:property:p1
	// grn:gs2:ap-northeast-1:hearth:queue:game
}

func ExampleParseNamespace() {
	service, ns, b, err := grn.ParseNamespace("grn:gs2:local:hearth:gateway:default")
	fmt.Println(service, ns, b.Region, b.Owner, err)
	// Output: gateway default local hearth <nil>
}
