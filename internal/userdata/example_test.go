package userdata_test

import (
	"fmt"

	"github.com/hearth-go/hearth/internal/userdata"
)

func Example() {
	type mutexes struct {
		Properties []string `json:"properties"`
	}
	doc, _ := userdata.Marshal("lock", "user-1", 1704067200000, mutexes{Properties: []string{"p1"}})
	fmt.Println(string(doc))

	var got mutexes
	env, err := userdata.Unmarshal(doc, "lock", &got)
	fmt.Println(env.UserID, got.Properties, err)

	_, err = userdata.Unmarshal(doc, "queue", &got)
	fmt.Println(err)
	// Output:
	// {"format":"hearth.userdata","version":1,"service":"lock","userId":"user-1","createdAt":1704067200000,"data":{"properties":["p1"]}}
	// user-1 [p1] <nil>
	// service: must be "queue"
}
